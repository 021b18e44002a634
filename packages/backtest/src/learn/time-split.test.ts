import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cardOf, opportunity, profileOf, testRubric } from "../testing/builders.js";
import type { ScoredOpportunity } from "../score/point-in-time.js";
import { scoreAtCreation } from "../score/point-in-time.js";
import { SignalIndex } from "../score/signal-index.js";
import { ProfileHistory } from "../outcomes/profile-history.js";
import { timeOrderedSplit } from "./time-split.js";

const rubric = testRubric();
const DAY = 86_400_000;
const base = Date.parse("2026-01-01T00:00:00Z");
function deals(spec: { created: number; cycle: number }[]): ScoredOpportunity[] {
  const opportunities = spec.map((d, i) =>
    opportunity({ accountKey: "acme.com", opportunityId: `o${i}`, stage: i % 2 ? "won" : "lost", createdAt: new Date(base + d.created * DAY).toISOString(), closedAt: new Date(base + (d.created + d.cycle) * DAY).toISOString() }),
  );
  return scoreAtCreation({ opportunities, history: ProfileHistory.from({ undated: [profileOf("acme.com")] }), signals: SignalIndex.from([]), card: cardOf(rubric), version: rubric.version }).scored;
}

describe("the time-ordered split", () => {
  it("tests on the newest deals and trains on older ones whose outcome was known at the cutoff", () => {
    const split = timeOrderedSplit(deals([{ created: 0, cycle: 5 }, { created: 10, cycle: 50 }, { created: 20, cycle: 5 }, { created: 30, cycle: 5 }, { created: 40, cycle: 5 }]), 0.4);
    expect(split.cutoff).toBe(new Date(base + 30 * DAY).toISOString());
    expect(split.test.map((s) => s.opportunity.opportunityId)).toEqual(["o3", "o4"]);
    expect(split.train.map((s) => s.opportunity.opportunityId)).toEqual(["o0", "o2"]);
    expect(split.leftOut.map((s) => s.opportunity.opportunityId)).toEqual(["o1"]);
  });

  it("never trains on a deal created or closed after the first test deal was created", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ created: fc.integer({ min: 0, max: 300 }), cycle: fc.integer({ min: 0, max: 120 }) }), { minLength: 2, maxLength: 40 }), fc.double({ min: 0.1, max: 0.9, noNaN: true }), (spec, share) => {
        const split = timeOrderedSplit(deals(spec), share);
        const cutoff = Date.parse(split.cutoff);
        for (const s of split.train) expect(Date.parse(s.opportunity.closedAt as string)).toBeLessThan(cutoff);
        for (const s of split.test) expect(Date.parse(s.opportunity.createdAt)).toBeGreaterThanOrEqual(cutoff);
        expect(split.train.length + split.test.length + split.leftOut.length).toBe(spec.length);
      }),
      { numRuns: 50 },
    );
  });
});
