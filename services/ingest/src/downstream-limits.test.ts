import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXAMPLE_EVENTS, TOPICS } from "@icpstream/contracts";
import type { AccountProfileEventV1, SignalEventV1, TopicSpec } from "@icpstream/contracts";
import { applyProfile, applySignal } from "@icpstream/pipeline";
import { parseRubric } from "@icpstream/scoring";

/**
 * The gateway validates with the input contracts — the schemas the fit and timing services
 * decode with — and those services echo the event's text into explanations that the score
 * contracts bound. What the first accepts, the second must be able to publish; otherwise
 * the gateway answers 202 for an event that is dead-lettered downstream (a 6000-character
 * job title was). So: every example event with every text field as long as its contract
 * allows (4000 characters where it sets no limit), scored with every rubric, gives outputs
 * the score contracts accept.
 */
const ENVELOPE = new Set(["type", "eventId", "accountKey", "occurredAt", "observedAt", "source", "schemaVersion"]);
/** Words the rubrics match (roles, topics, departments), so the longest text still reaches the explanations. */
const FILLER = " head of revops demand gen sales engagement lead scoring";

function longestAccepted(spec: TopicSpec, event: Record<string, unknown>): Record<string, unknown> {
  let current = structuredClone(event);
  const visit = (path: (string | number)[], value: unknown) => {
    if (typeof value === "string" && !(path.length === 1 && ENVELOPE.has(String(path[0])))) {
      for (const length of [4000, 2000, 1000, 500, 200, 100]) {
        const longer = (value + FILLER.repeat(Math.ceil(length / FILLER.length))).slice(0, length);
        const candidate = structuredClone(current);
        let node = candidate as Record<string | number, unknown>;
        for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
        node[path.at(-1)!] = longer;
        if (spec.schema.safeParse(candidate).success) {
          current = candidate;
          return;
        }
      }
    } else if (Array.isArray(value)) value.forEach((item, i) => visit([...path, i], item));
    else if (value !== null && typeof value === "object") for (const [key, item] of Object.entries(value)) visit([...path, key], item);
  };
  visit([], event);
  return current;
}

const rubrics = readdirSync("rubrics")
  .filter((name) => name.endsWith(".yaml"))
  .map((name) => parseRubric(readFileSync(`rubrics/${name}`, "utf8"), `rubrics/${name}`));
const NOW = Date.parse("2026-10-21T00:00:00Z");

describe("what the gateway accepts, the fit and timing services can publish", () => {
  it("a signal with every text field as long as its contract allows is scored into timing events the score contract accepts", () => {
    let checked = 0;
    for (const topic of ["hiring", "funding", "intent"] as const) {
      for (const example of EXAMPLE_EVENTS[topic]) {
        const event = longestAccepted(TOPICS[topic], example as Record<string, unknown>);
        expect(TOPICS[topic].schema.safeParse(event).success).toBe(true);
        for (const rubric of rubrics) {
          const { outputs } = applySignal(undefined, TOPICS[topic].schema.parse(event) as SignalEventV1, rubric, NOW);
          for (const output of outputs) {
            const result = TOPICS.timingScored.schema.safeParse(output);
            expect(result.success, `${example.type} under ${rubric.version.label}: ${result.error?.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`).toBe(true);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it("a profile with every text field as long as its contract allows is scored into fit events the score contract accepts", () => {
    for (const example of EXAMPLE_EVENTS.firmographic) {
      const event = longestAccepted(TOPICS.firmographic, example as Record<string, unknown>) as AccountProfileEventV1;
      expect((event.firmographics.industry ?? "").length).toBe(4000);
      for (const rubric of rubrics) {
        const { outputs } = applyProfile(undefined, TOPICS.firmographic.schema.parse(event) as AccountProfileEventV1, rubric);
        for (const output of outputs) {
          const result = TOPICS.fitScored.schema.safeParse(output);
          expect(result.success, result.error?.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")).toBe(true);
        }
      }
    }
  });
});
