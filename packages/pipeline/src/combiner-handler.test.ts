import { describe, expect, it } from "vitest";
import { TierChangedEventV1 } from "@icpstream/contracts";
import type { FitScoredEventV1, TimingScoredEventV1 } from "@icpstream/contracts";
import { DAY_MS, rubricFromValue } from "@icpstream/scoring";
import { applyFitScored, applyTimingScored, foldPublishedTier, reconcileWithPublished, tierChangeVersion } from "./combiner-handler.js";
import type { CombinerState, PublishedTiers } from "./combiner-handler.js";
import { applyProfile } from "./fit-handler.js";
import { applySignal, reevaluate, republish } from "./timing-handler.js";
import { NOW, RUBRIC, RUBRIC_VALUE, at, profileEvent, signalEvent } from "./testing/fixtures.js";

const fitOf = (fields: Parameters<typeof profileEvent>[0], card = "sales"): FitScoredEventV1 => {
  const event = applyProfile(undefined, profileEvent(fields), RUBRIC).outputs.find((o) => o.scorecard === card);
  if (!event) throw new Error("no fit output");
  return event;
};
const timingOf = (signals: ReturnType<typeof signalEvent>[], now = NOW, card = "sales"): TimingScoredEventV1 => {
  let state;
  let last: TimingScoredEventV1 | undefined;
  for (const s of signals) {
    const t = applySignal(state, s, RUBRIC, now);
    state = t.state;
    last = t.outputs.find((o) => o.scorecard === card) ?? last;
  }
  if (!last) throw new Error("no timing output");
  return last;
};
const HOUR = 3_600_000;
const funding = (id: string, daysAgo = 5) => signalEvent("funding_round", { eventId: id, occurredAt: at(NOW - daysAgo * DAY_MS) });

describe("combiner", () => {
  it("an account with a fit and no timing yet is tiered as if it had no signals", () => {
    const { outputs, state } = applyFitScored(undefined, fitOf({ eventId: "p1" }), RUBRIC);
    // Fit 100 × 0.6 = 60 → tier 2; no timing signal, so not held, and nurture for timing.
    expect(outputs.map((o) => [o.tier.id, o.previousTier, o.quadrant, o.total, o.timing])).toEqual([["tier2", null, "nurture_for_timing", 60, 0]]);
    expect(state.version).toBe(1);
  });

  it("a timing score without a fit waits for the fit", () => {
    const waiting = applyTimingScored(undefined, timingOf([funding("f1")]), RUBRIC);
    expect(waiting.outputs).toEqual([]);
    const tiered = applyFitScored(waiting.state, fitOf({ eventId: "p1" }), RUBRIC);
    // 100 × 0.6 + 36.36 × 0.4 = 74.54 → tier 2, lifted one tier by the strong funding trigger.
    expect(tiered.outputs.map((o) => [o.tier.id, o.total, o.strongIntent])).toEqual([["tier1", 74.54, true]]);
  });

  it("a tier change carries the previous tier, reasons, the scores it came from, its idempotency key and the next version", () => {
    const fit = fitOf({ eventId: "p1" });
    const first = applyFitScored(undefined, fit, RUBRIC);
    const timing = timingOf([funding("f1")]);
    const { outputs, state } = applyTimingScored(first.state, timing, RUBRIC);
    const change = outputs[0];
    expect(change).toMatchObject({
      previousTier: { id: "tier2", name: "Tier 2", rank: 2 },
      tier: { id: "tier1", name: "Tier 1", rank: 1 },
      quadrant: "nurture_for_timing",
      causingEventIds: [fit.eventId, timing.eventId],
      occurredAt: timing.occurredAt,
      observedAt: timing.observedAt,
      source: "combiner",
    });
    expect(change?.reasons.map((r) => r.text)).toEqual(["strong intent: fresh funding, 5 d old: up to Tier 1, where fit alone puts it", "industry software +20", "fresh funding +20", "employeeCount in 50–5000 +10"]);
    expect(change?.reasons[0]?.rule).toBe("timing.triggers.funding");
    expect(change?.eventId).toBe(`${change?.idempotencyKey}:v2`);
    expect(change && tierChangeVersion(change)).toBe(2);
    expect(state.version).toBe(2);
    expect(TierChangedEventV1.parse(change)).toEqual(change);
  });

  it("ages the strong signal named in the reasons from the newer side's instant: a profile dated before the signal never shows a negative age", () => {
    const waiting = applyTimingScored(undefined, timingOf([funding("f1", 5)]), RUBRIC);
    // The profile was known 30 days ago, before the funding round of 5 days ago.
    const tiered = applyFitScored(waiting.state, fitOf({ eventId: "p1", occurredAt: at(NOW - 30 * DAY_MS) }), RUBRIC);
    expect(tiered.outputs[0]?.reasons[0]?.text).toBe("strong intent: fresh funding, 5 d old: up to Tier 1, where fit alone puts it");
  });

  it("a tier change says whether a situational trigger was live, so the router can put the account at the front of the queue", () => {
    const fitOnly = applyFitScored(undefined, fitOf({ eventId: "p1" }), RUBRIC);
    expect(fitOnly.outputs.map((o) => o.triggerActive)).toEqual([false]);
    const withFunding = applyTimingScored(fitOnly.state, timingOf([funding("f1")]), RUBRIC);
    expect(withFunding.outputs.map((o) => o.triggerActive)).toEqual([true]);
  });

  it("a new score that moves neither tier nor quadrant publishes nothing but is kept", () => {
    const first = applyFitScored(undefined, fitOf({ eventId: "p1", occurredAt: at(NOW - 2 * DAY_MS) }), RUBRIC);
    const retail = fitOf({ eventId: "p2", occurredAt: at(NOW - DAY_MS), industry: "retail", employeeCount: 5000 });
    // Retail: fit 50 → total 30 → tier 3, deprioritize: a move.
    const moved = applyFitScored(first.state, retail, RUBRIC);
    expect(moved.outputs).toHaveLength(1);
    const same = applyFitScored(moved.state, fitOf({ eventId: "p3", occurredAt: at(NOW), industry: "retail", employeeCount: 60 }), RUBRIC);
    expect(same.outputs).toEqual([]);
    expect(same.state.scorecards.sales?.fit?.eventId).toBe("fit:acme.com:sales:p3");
  });

  it("a quadrant change alone publishes a tier change with the same tier", () => {
    // plg: a mining company has fit 0 → total 0, tier c, deprioritize.
    const fit = applyFitScored(undefined, fitOf({ eventId: "p1", industry: "mining" }, "plg"), RUBRIC);
    expect(fit.outputs[0]).toMatchObject({ tier: { id: "c" }, quadrant: "deprioritize" });
    // A fresh pricing visit: intent 50 → total 25, still c, but timing is now high.
    const timing = timingOf([signalEvent("pricing_page_visit", { eventId: "v1", occurredAt: at(NOW - HOUR) })], NOW, "plg");
    const { outputs } = applyTimingScored(fit.state, timing, RUBRIC);
    expect(outputs.map((o) => [o.previousTier?.id, o.tier.id, o.quadrant, o.total])).toEqual([["c", "c", "qualify_carefully", 25]]);
  });

  it("the same score event delivered again changes nothing and publishes nothing", () => {
    const fit = fitOf({ eventId: "p1" });
    const first = applyFitScored(undefined, fit, RUBRIC);
    expect(applyFitScored(first.state, fit, RUBRIC)).toEqual({ state: first.state, outputs: [], ignored: "duplicate" });
    const timing = timingOf([funding("f1")]);
    const second = applyTimingScored(first.state, timing, RUBRIC);
    expect(applyTimingScored(second.state, timing, RUBRIC)).toEqual({ state: second.state, outputs: [], ignored: "duplicate" });
  });

  it("a score older than the stored one is ignored", () => {
    const timing = applySignal(undefined, funding("f1", 10), RUBRIC, NOW);
    const decayed = reevaluate(timing.state, RUBRIC, NOW + 21 * DAY_MS);
    const newer = decayed.outputs.find((o) => o.scorecard === "sales");
    const older = timing.outputs.find((o) => o.scorecard === "sales");
    if (!newer || !older) throw new Error("expected timing outputs");
    const state = applyTimingScored(applyFitScored(undefined, fitOf({ eventId: "p1" }), RUBRIC).state, newer, RUBRIC).state;
    expect(applyTimingScored(state, older, RUBRIC)).toEqual({ state, outputs: [], ignored: "stale" });
  });

  it("scores computed under another rubric are ignored, and a new rubric forgets the old scores but not the tier", () => {
    const other = rubricFromValue({ ...RUBRIC_VALUE, description: "another rubric" }, "other.yaml");
    const fit = fitOf({ eventId: "p1" });
    const first = applyFitScored(undefined, fit, RUBRIC);
    expect(applyFitScored(first.state, fit, other).ignored).toBe("rubric_mismatch");
    const changed = rubricFromValue({ ...RUBRIC_VALUE, scorecards: { sales: { ...RUBRIC_VALUE.scorecards.sales, holdWithoutTiming: false, tiers: RUBRIC_VALUE.scorecards.sales.tiers.map((t) => (t.id === "tier2" ? { ...t, min: 65 } : t)) } } }, "changed.yaml");
    const rescored = applyFitScored(first.state, { ...fit, eventId: "fit-2", rubricVersion: { hash: changed.version.hash } }, changed);
    // Total 60 was tier 2; under the new thresholds it is tier 3.
    expect(rescored.outputs.map((o) => [o.previousTier?.id, o.tier.id])).toEqual([["tier2", "tier3"]]);
    expect(rescored.state.rubricHash).toBe(changed.version.hash);
  });

  it("versions count per account across its scorecards, without gaps", () => {
    let state: CombinerState | undefined;
    const versions: number[] = [];
    for (const card of ["sales", "plg"]) {
      const t = applyFitScored(state, fitOf({ eventId: "p1" }, card), RUBRIC);
      state = t.state;
      versions.push(...t.outputs.map(tierChangeVersion));
    }
    expect(versions).toEqual([1, 2]);
  });

  it("reprocessing the same score on the same state gives a byte-identical tier change", () => {
    const first = applyFitScored(undefined, fitOf({ eventId: "p1" }), RUBRIC);
    const timing = timingOf([funding("f1")]);
    expect(JSON.stringify(applyTimingScored(first.state, timing, RUBRIC).outputs)).toBe(JSON.stringify(applyTimingScored(first.state, timing, RUBRIC).outputs));
  });

  it("a fit of an older profile for the same instant is stale, as the fit service orders profiles", () => {
    const newer = fitOf({ eventId: "p2", occurredAt: at(NOW - DAY_MS) });
    const older = { ...fitOf({ eventId: "p1", occurredAt: at(NOW - DAY_MS), employeeCount: 5 }) };
    const stored = applyFitScored(undefined, newer, RUBRIC).state;
    expect(applyFitScored(stored, older, RUBRIC).ignored).toBe("stale");
    expect(applyFitScored(applyFitScored(undefined, older, RUBRIC).state, newer, RUBRIC).ignored).toBeUndefined();
  });
});

describe("combiner ordering of equal instants", () => {
  it("of two timing scores for one instant, the one the timing service computed further along its inputs wins, whichever arrives last", () => {
    const fit = applyFitScored(undefined, fitOf({ eventId: "p1" }), RUBRIC).state;
    const first = applySignal(undefined, funding("f1"), RUBRIC, NOW, 10n);
    // The same account evaluated again for the same instant after more input was read.
    const second = republish(first.state, RUBRIC, NOW, 11n);
    const older = first.outputs.find((o) => o.scorecard === "sales")!;
    const newer = second.outputs.find((o) => o.scorecard === "sales")!;
    expect(older.occurredAt).toBe(newer.occurredAt);
    expect(newer.eventId.endsWith("#11")).toBe(true);
    const held = applyTimingScored(fit, newer, RUBRIC).state;
    // A fenced member's outbox sends the older score again, after the newer one.
    expect(applyTimingScored(held, older, RUBRIC).ignored).toBe("stale");
    expect(applyTimingScored(applyTimingScored(fit, older, RUBRIC).state, newer, RUBRIC).ignored).toBeUndefined();
  });
});

describe("combiner after a quiet replay", () => {
  const fit = fitOf({ eventId: "p1" });
  const timing = timingOf([funding("f1")]);
  // What the live run told: tier 2 (v1), then tier 1 with the funding (v2).
  const live = applyFitScored(undefined, fit, RUBRIC);
  const liveTiming = applyTimingScored(live.state, timing, RUBRIC);
  const told = [...live.outputs, ...liveTiming.outputs];
  const publishedOf = (events: typeof told) => {
    const published = new Map<string, PublishedTiers>();
    for (const e of events) foldPublishedTier(published, e);
    return published.get(fit.accountKey);
  };

  it("what was published folds to the last version and the last tier per scorecard; an older redelivery takes nothing back", () => {
    expect(publishedOf([...told, told[0]!])).toEqual({ version: 2, tiers: { sales: { id: "tier1", name: "Tier 1", rank: 1, quadrant: told[1]!.quadrant } } });
  });

  it("a replay that ends where the live run ended tells nothing, whatever order it saw the scores in", () => {
    // The replay took timing first, then fit: its own story is one change, v1 → tier 1.
    const replayed = applyFitScored(applyTimingScored(undefined, timing, RUBRIC).state, fit, RUBRIC).state;
    expect(replayed.version).toBe(1);
    const settled = reconcileWithPublished(replayed, publishedOf(told), RUBRIC);
    expect(settled.outputs).toEqual([]);
    expect(settled.state.version).toBe(2);
    expect(settled.state.scorecards.sales?.tier?.id).toBe("tier1");
  });

  it("a tier that differs from the last one told is told with the next version, from that tier", () => {
    // Subscribers heard only v1 (tier 2): the funding's change was lost with the Redis state before it went out.
    const replayed = applyTimingScored(applyFitScored(undefined, fit, RUBRIC).state, timing, RUBRIC).state;
    const settled = reconcileWithPublished(replayed, publishedOf(told.slice(0, 1)), RUBRIC);
    expect(settled.outputs.map((o) => [tierChangeVersion(o), o.previousTier?.id, o.tier.id])).toEqual([[2, "tier2", "tier1"]]);
    expect(settled.outputs[0]?.occurredAt).toBe(timing.occurredAt);
  });

  it("an account nothing was published for starts at version 1 from no tier", () => {
    const replayed = applyFitScored(undefined, fit, RUBRIC).state;
    const settled = reconcileWithPublished(replayed, undefined, RUBRIC);
    expect(settled.outputs.map((o) => [tierChangeVersion(o), o.previousTier, o.tier.id])).toEqual([[1, null, "tier2"]]);
  });
});
