import { describe, expect, it } from "vitest";
import type { FitResult, TierCap } from "../fit/fit-score.js";
import { scorecard } from "../testing/fixtures.js";
import type { StrongSignal, TimingResult } from "../timing/timing-score.js";
import { adjustmentReason } from "../score-account.js";
import { combine } from "./combine.js";

const fit = (score: number, opts: { excluded?: boolean; caps?: TierCap[] } = {}): FitResult => ({
  score,
  points: score,
  outOf: 100,
  excluded: opts.excluded ?? false,
  exclusions: opts.excluded ? [{ rule: "antiIcp.hard[0]", reason: "below minimum viable size", input: "employeeCount = 5" }] : [],
  tierCaps: opts.caps ?? [],
  layers: [],
  contributions: [],
});
const demo: StrongSignal = { rule: "timing.engagement.demo", label: "demo request", eventId: "e1", occurredAt: "2026-10-29T00:00:00.000Z", description: "demo_request", ageDays: 3, strongUntil: "2026-11-12T00:00:00.000Z" };
const timing = (score: number, opts: { strong?: boolean; live?: boolean; layers?: Record<string, number> } = {}): TimingResult => ({
  score,
  points: score,
  outOf: 100,
  strongIntent: opts.strong ?? false,
  strongSignals: opts.strong ? [demo] : [],
  hasTimingSignal: opts.live ?? (score > 0 || opts.strong === true),
  nextChangeAt: null,
  layers: Object.entries(opts.layers ?? {}).map(([id, s]) => ({ id, points: s, uncappedPoints: s, min: undefined, max: 100, score: s })),
  contributions: [],
  duplicates: [],
});
const card = scorecard();

describe("combine", () => {
  it("says a strong-intent lift into the tier fit alone reaches is a lift to it, not one tier above it", () => {
    // Fit 90 alone is Tier 1; a total of 0.6 × 90 + 0.4 × 10 = 58 is Tier 2: the fresh demo request lifts it to Tier 1.
    const result = combine(fit(90), timing(10, { strong: true }), card);
    expect(result.tier.id).toBe("tier1");
    const lift = result.adjustments.find((a) => a.kind === "strong_intent_lift");
    expect(lift?.reason).toBe("strong intent: demo request (3 d old) lifts the account to Tier 1, where fit alone puts it");
    expect(lift && adjustmentReason(lift)).toBe("strong intent: demo request, 3 d old: up to Tier 1, where fit alone puts it");
  });


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

  it("lets a negative component lower the total, and clamps only the total", () => {
    expect(combine(fit(50), timing(-25), card).total).toBe(20);
    expect(combine(fit(-10), timing(-50), card).total).toBe(0);
  });

  it("sends an excluded account to the excluded tier whatever its score and intent", () => {
    const result = combine(fit(100, { excluded: true }), timing(100, { strong: true }), card);
    expect(result.tier).toMatchObject({ id: "excluded", rank: 4 });
    expect(result.baseTier.id).toBe("tier1");
    expect(result.adjustments).toEqual([{ kind: "excluded", from: "tier1", to: "excluded", fromName: "Tier 1", toName: "Excluded", reason: "below minimum viable size (employeeCount = 5)" }]);
  });

  it("lifts a fresh strong-intent account one tier from its fit-based tier, naming the signal and its age", () => {
    const result = combine(fit(65), timing(10, { strong: true }), card);
    expect(result.baseTier.id).toBe("tier3");
    expect(result.fitTier.id).toBe("tier2");
    expect(result.tier.id).toBe("tier1");
    expect(result.adjustments).toEqual([expect.objectContaining({ kind: "strong_intent_lift", from: "tier3", to: "tier1", signal: demo })]);
    expect(result.adjustments[0]?.reason).toContain("demo request (3 d old)");
  });

  it("never lifts a poor-fit account (fit below the quadrant's fit line) into the top tier", () => {
    const result = combine(fit(59.99), timing(100, { strong: true }), scorecard({ weights: { fit: 0.7, timing: 0.3 } }));
    expect(result.baseTier.id).toBe("tier2");
    expect(result.fitTier.id).toBe("tier2");
    expect(result.tier.id).toBe("tier2");
  });

  it("does not count intent twice: a lift never goes past one tier above the fit-based tier", () => {
    const result = combine(fit(31), timing(100, { strong: true }), card);
    expect(result.fitTier.id).toBe("tier3");
    expect(result.tier.id).toBe("tier2");
  });

  it("keeps the tier the total earned when it is already above the lifted fit-based tier", () => {
    const c = scorecard({ weights: { fit: 0.3, timing: 0.7 }, holdWithoutTiming: false });
    const result = combine(fit(40), timing(100, { strong: true }), c);
    expect(result.baseTier.id).toBe("tier1");
    expect(result.tier.id).toBe("tier1");
    expect(result.adjustments).toEqual([]);
  });

  it("never lifts past the top tier", () => {
    expect(combine(fit(100), timing(100, { strong: true }), card).tier.id).toBe("tier1");
  });

  it("places a strong-fit account without any timing signal at the second tier, from above and from below", () => {
    const high = scorecard({ weights: { fit: 0.9, timing: 0.1 } });
    const held = combine(fit(95), timing(0), high);
    expect(held.baseTier.id).toBe("tier1");
    expect(held.tier.id).toBe("tier2");
    expect(held.adjustments[0]?.kind).toBe("held_without_timing");
    const low = scorecard({ weights: { fit: 0.4, timing: 0.6 } });
    const lifted = combine(fit(95), timing(0), low);
    expect(lifted.baseTier.id).toBe("tier3");
    expect(lifted.tier.id).toBe("tier2");
    expect(lifted.adjustments[0]).toMatchObject({ kind: "held_without_timing", from: "tier3", to: "tier2" });
  });

  it("keeps a strong-fit account with timing signals at least at the second tier", () => {
    const low = scorecard({ weights: { fit: 0.4, timing: 0.6 } });
    const result = combine(fit(95), timing(2, { live: true }), low);
    expect(result.tier.id).toBe("tier2");
    expect(result.adjustments[0]?.kind).toBe("strong_fit_floor");
    expect(combine(fit(95), timing(60, { live: true }), scorecard({ weights: { fit: 0.9, timing: 0.1 } })).tier.id).toBe("tier1");
  });

  it("caps the tier when a soft disqualifier says so, even with fresh strong intent", () => {
    const cap: TierCap = { tierId: "tier2", rule: "antiIcp.entrenchedCompetitor", reason: "entrenched competitor contract (competitor legacyscore (entrenched))" };
    const result = combine(fit(90, { caps: [cap] }), timing(100, { strong: true }), card);
    expect(result.tier.id).toBe("tier2");
    expect(result.adjustments.at(-1)).toMatchObject({ kind: "tier_cap", to: "tier2", rule: "antiIcp.entrenchedCompetitor" });
  });

  it("applies the strictest of several tier caps", () => {
    const caps: TierCap[] = [
      { tierId: "tier2", rule: "antiIcp.entrenchedCompetitor", reason: "a" },
      { tierId: "tier3", rule: "antiIcp.badPaymentHistory", reason: "b" },
    ];
    expect(combine(fit(100, { caps }), timing(100, { strong: true }), card).tier.id).toBe("tier3");
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
