import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { EXAMPLE_EVENTS, TOPICS } from "@icpstream/contracts";
import type { AccountProfileEventV1 } from "@icpstream/contracts";
import { applyProfile } from "@icpstream/pipeline";
import { loadRubricFile } from "@icpstream/service-runtime";
import { combinerHandler } from "./handler.js";

const RUBRIC = loadRubricFile(fileURLToPath(new URL("../../../rubrics/enterprise.yaml", import.meta.url)));

describe("combiner handler", () => {
  it("publishes each tier change also to the compacted current-tier topic, in the same outbox, so the two cannot diverge", async () => {
    const profile = EXAMPLE_EVENTS.firmographic[0] as AccountProfileEventV1;
    const fit = applyProfile(undefined, profile, RUBRIC).outputs[0]!;
    const result = await combinerHandler(RUBRIC, TOPICS).onEvent(fit, {}, { shard: { group: "g", stream: "scores", partition: 0 } } as never);
    const outputs = result.outputs ?? [];
    expect(outputs.map((o) => o.spec.topic)).toEqual([TOPICS.tierChanged.topic, TOPICS.currentTier.topic]);
    expect(outputs[1]?.event).toBe(outputs[0]?.event);
  });
});
