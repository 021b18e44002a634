import { describe, expect, it } from "vitest";
import type { FitResult } from "../fit/fit-score.js";
import { scorecard } from "../testing/fixtures.js";
import type { TimingResult } from "../timing/timing-score.js";
import { combine } from "./combine.js";

const fit = (score: number, excluded = false): FitResult => ({
  score,
  points: score,
  outOf: 100,
  excluded,
  exclusions: excluded ? [{ rule: "antiIcp.hard[0]", reason: "below minimum viable size", input: "employeeCount = 5" }] : [],
  layers: [],
  contributions: [],
});
const timing = (score: number, opts: { strong?: boolean; live?: boolean; layers?: Record<string, number> } = {}): TimingResult => ({
  score,
  points: score,
  outOf: 100,
  strongIntent: opts.strong ?? false,
  hasTimingSignal: opts.live ?? score > 0,
  nextChangeAt: null,
  layers: Object.entries(opts.layers ?? {}).map(([id, s]) => ({ id, points: s, uncappedPoints: s, min: undefined, max: 100, score: s })),
  contributions: [],
});
const card = scorecard();

describe("combine", () => {
  it("weighs fit 0.6 and timing 0.4 by default", () => {
    expect(combine(fit(80), timing(50), card).total).toBe(68);
  });

  it.each([
    [75, "tier1"],
    [74.99, "tier2"],
    [50, "tier2"],
    [49.99, "tier3"],
    [0, "tier3"],
  ])("puts a total of %f in %s", (total, tier) => {
    const c = scorecard({ weights: { fit: 1 }, holdWithoutTiming: false });
    expect(combine(fit(total), timing(0), c).tier.id).toBe(tier);
  });

  it("supports the three-way fit/engagement/intent formula over timing layers", () => {
    const c = scorecard({
      timing: { layers: { engagement: { max: 40, rules: [{ id: "demo", signal: "demo_request", points: 30 }] }, intent: { max: 40, rules: [{ id: "g2", signal: "category_research", points: 20 }] } } },
      weights: { fit: 0.4, engagement: 0.3, intent: 0.3 },
    });
    const result = combine(fit(90), timing(0, { layers: { engagement: 50, intent: 20 } }), c);
    expect(result.components).toEqual({ engagement: 50, fit: 90, intent: 20 });
    expect(result.total).toBe(57);
  });

  it("sends an excluded account to the excluded tier whatever its score and intent", () => {
    const result = combine(fit(100, true), timing(100, { strong: true }), card);
    expect(result.tier).toMatchObject({ id: "excluded", rank: 4 });
    expect(result.baseTier.id).toBe("tier1");
    expect(result.adjustments).toEqual([{ kind: "excluded", from: "tier1", to: "excluded", reason: "below minimum viable size (employeeCount = 5)" }]);
  });

  it("lifts an account with strong intent one tier", () => {
    const result = combine(fit(40), timing(40, { strong: true }), card);
    expect(result.baseTier.id).toBe("tier3");
    expect(result.tier.id).toBe("tier2");
  });

  it("never lifts past the top tier", () => {
    expect(combine(fit(100), timing(100, { strong: true }), card).tier.id).toBe("tier1");
  });

  it("holds a strong-fit account without any timing signal at the second tier", () => {
    const c = scorecard({ weights: { fit: 0.9, timing: 0.1 } });
    const held = combine(fit(95), timing(0), c);
    expect(held.baseTier.id).toBe("tier1");
    expect(held.tier.id).toBe("tier2");
    expect(held.adjustments[0]?.kind).toBe("held_without_timing");
    expect(combine(fit(95), timing(5, { live: true }), c).tier.id).toBe("tier1");
  });

  it.each([
    [60, 50, "top_priority"],
    [60, 49.99, "nurture_for_timing"],
    [59.99, 50, "qualify_carefully"],
    [10, 10, "deprioritize"],
  ])("places fit %f and timing %f in the %s quadrant", (f, t, quadrant) => {
    expect(combine(fit(f), timing(t), card).quadrant).toBe(quadrant);
  });
});
