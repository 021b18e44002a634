import { describe, expect, it } from "vitest";
import { TimingScoredEventV1 } from "@icpstream/contracts";
import { applySignal } from "./timing-handler.js";
import { NOW, RUBRIC, daysBefore, signalEvent } from "./testing/fixtures.js";

describe("score events", () => {
  it("a webinar whose id and title run to thousands of characters is scored into a timing event the contract accepts, its explanation clipped with an ellipsis", () => {
    const webinar = signalEvent("webinar_attended", { eventId: "w1", occurredAt: daysBefore(1), extra: { webinarId: "w".repeat(3000), title: "Lead scoring masterclass ".repeat(200) } });
    const { outputs } = applySignal(undefined, webinar, RUBRIC, NOW);
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      expect(TimingScoredEventV1.safeParse(output).success).toBe(true);
      const evidence = output.contributions.flatMap((c) => c.evidence).find((e) => e.eventId === "w1");
      expect(evidence?.description).toHaveLength(1000);
      expect(evidence?.description.endsWith("…")).toBe(true);
    }
  });
});
