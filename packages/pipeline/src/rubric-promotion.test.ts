import { describe, expect, it } from "vitest";
import type { FitScoredEventV1, RubricPromotedEventV1, TimingScoredEventV1 } from "@icpstream/contracts";
import { DAY_MS, parseRubric } from "@icpstream/scoring";
import { applyFitScored, applyTimingScored, type CombinerState } from "./combiner-handler.js";
import { applyContact, applyProfile, rescoreFit } from "./fit-handler.js";
import { PROMOTED_RUBRIC, promotedRubric, RubricEpochs, ShardRubrics } from "./rubric-promotion.js";
import { NOW, RUBRIC, RUBRIC_VALUE, at, contactEvent, profileEvent, signalEvent } from "./testing/fixtures.js";
import { applySignal, republish, timingPosition } from "./timing-handler.js";

// The candidate: the same scorecards with looser tiers (Tier 1 from 55, Tier 2 from 25).
const CANDIDATE_TEXT = JSON.stringify({
  ...RUBRIC_VALUE,
  label: "pipeline test, looser tiers",
  scorecards: {
    ...RUBRIC_VALUE.scorecards,
    sales: {
      ...RUBRIC_VALUE.scorecards.sales,
      tiers: [
        { id: "tier1", name: "Tier 1", min: 55, action: "route" },
        { id: "tier2", name: "Tier 2", min: 25, action: "sequence" },
        { id: "tier3", name: "Tier 3", min: 0, action: "nurture" },
      ],
    },
  },
});
const CANDIDATE = parseRubric(CANDIDATE_TEXT, "candidate.yaml");
const BASE_TEXT = JSON.stringify(RUBRIC_VALUE);
const BASE = parseRubric(BASE_TEXT, "base.yaml");

const promotion = (epoch: number, text = CANDIDATE_TEXT, hash = parseRubric(text, "x").version.hash): RubricPromotedEventV1 => ({
  type: "rubric_promoted",
  eventId: `promote:${epoch}:0`,
  controlKey: "rubric:0",
  occurredAt: at(NOW),
  observedAt: at(NOW),
  source: "icp-rubric-promote",
  schemaVersion: 1,
  epoch,
  rubricVersion: { hash },
  rubricText: text,
  rubricSource: `rubric-${epoch}.yaml`,
});

// A retail account of 200 people: fit 50 (15 of 30 points) → total 30, Tier 3 under the base rubric, Tier 2 under the candidate.
const salesFit = (rubric = BASE, epoch = 0): FitScoredEventV1 => {
  const fit = applyProfile(undefined, profileEvent({ eventId: "p1", industry: "retail", employeeCount: 200 }), rubric, { epoch }).outputs.find((o) => o.scorecard === "sales");
  if (!fit) throw new Error("no fit");
  return fit;
};
const salesTiming = (rubric = BASE, epoch = 0, now = NOW): TimingScoredEventV1 => {
  const t = applySignal(undefined, signalEvent("funding_round", { eventId: "f1", occurredAt: at(NOW - 5 * DAY_MS) }), rubric, now, 10n, { rubricEpoch: epoch });
  const out = t.outputs.find((o) => o.scorecard === "sales");
  if (!out) throw new Error("no timing");
  return out;
};

describe("rubric promotion in the combiner", () => {
  it("tiers an account under the promoted rubric from its first score of the new epoch, and ignores a late score of the epoch before", () => {
    // Under the base rubric: fit 50 × 0.6 = 30 → Tier 3.
    const before = applyFitScored(undefined, salesFit(), BASE);
    expect(before.outputs.map((o) => [o.tier.id, o.total, o.rubricVersion.hash])).toEqual([["tier3", 30, BASE.version.hash]]);
    // Promotion 1 (Tier 2 from 25): the re-scored fit moves the account to Tier 2, told under the candidate.
    const promoted = applyFitScored(before.state, salesFit(CANDIDATE, 1), CANDIDATE);
    expect(promoted.outputs.map((o) => [o.previousTier?.id, o.tier.id, o.rubricVersion.hash])).toEqual([["tier3", "tier2", CANDIDATE.version.hash]]);
    expect(promoted.state.epoch).toBe(1);
    // A timing score made before the promotion, read late from the other topic: superseded.
    const late = applyTimingScored(promoted.state, salesTiming(BASE, 0), BASE);
    expect(late.ignored).toBe("superseded");
    expect(late.outputs).toEqual([]);
  });

  it("a rollback is a new epoch: scores of the older rubric made after it are applied, though they name a version seen before", () => {
    const onBase = applyFitScored(undefined, salesFit(), BASE).state;
    const onCandidate = applyFitScored(onBase, salesFit(CANDIDATE, 1), CANDIDATE).state;
    const rolledBack = applyFitScored(onCandidate, salesFit(BASE, 2), BASE);
    expect(rolledBack.ignored).toBeUndefined();
    expect(rolledBack.outputs.map((o) => [o.previousTier?.id, o.tier.id, o.rubricVersion.hash])).toEqual([["tier2", "tier3", BASE.version.hash]]);
    expect(rolledBack.state.epoch).toBe(2);
    // Versions stay gap-free across promotions.
    expect(rolledBack.state.version).toBe(3);
  });

  it("keeps the other side as a stand-in until its score of the new epoch arrives, which replaces it even with an earlier instant", () => {
    let state: CombinerState = applyFitScored(undefined, salesFit(), BASE).state;
    state = applyTimingScored(state, salesTiming(BASE, 0, NOW + DAY_MS), BASE).state;
    // The fit of promotion 1 arrives first: the base rubric's timing (made a day later) stands in.
    const withStandIn = applyFitScored(state, salesFit(CANDIDATE, 1), CANDIDATE);
    expect(withStandIn.state.scorecards.sales?.timing?.provisional).toBe(true);
    expect(withStandIn.state.scorecards.sales?.fit?.provisional).toBeUndefined();
    // Promotion 1's timing, computed as of an earlier instant than the stand-in's: applied all the same.
    const replaced = applyTimingScored(withStandIn.state, salesTiming(CANDIDATE, 1, NOW), CANDIDATE);
    expect(replaced.ignored).toBeUndefined();
    expect(replaced.state.scorecards.sales?.timing?.provisional).toBeUndefined();
    expect(replaced.state.scorecards.sales?.timing?.occurredAt).toBe(at(NOW));
  });
});

describe("rubric promotion in fit and timing", () => {
  it("re-scores a fit under the promotion: every scorecard told, with the epoch, under ids of its own", () => {
    const first = applyProfile(undefined, profileEvent({ eventId: "p1" }), BASE);
    const again = rescoreFit(first.state, undefined, BASE, 2, at(NOW));
    // The profile's content is not held (the rubric's contacts are not scored by every card): without it, nothing to score.
    expect(again.outputs).toEqual(first.state.profileBody ? expect.any(Array) : []);
    const rescored = rescoreFit(first.state, (({ type: _t, eventId: _e, occurredAt: _o, observedAt: _ob, source: _s, schemaVersion: _v, ...p }) => p)(profileEvent({ eventId: "p1" })), CANDIDATE, 1, at(NOW));
    expect(rescored.outputs.map((o) => o.scorecard).sort()).toEqual(["plg", "sales"]);
    for (const o of rescored.outputs) {
      expect(o.rubricEpoch).toBe(1);
      expect(o.eventId).toMatch(/~e1$/);
      expect(o.rubricVersion.hash).toBe(CANDIDATE.version.hash);
    }
    // Same fit numbers, told again: the combiner needs the epoch.
    expect(rescored.outputs.find((o) => o.scorecard === "plg")?.fit).toBe(first.outputs.find((o) => o.scorecard === "plg")?.fit);
  });

  it("an account with contacts and no profile yet has nothing to re-score", () => {
    const onlyContact = applyContact(undefined, contactEvent({ eventId: "c1", contactId: "ct-1" }), BASE).state;
    expect(rescoreFit(onlyContact, undefined, CANDIDATE, 1, at(NOW)).outputs).toEqual([]);
  });

  it("timing scores of a promotion carry its epoch, and the id still ends with the input position", () => {
    const state = applySignal(undefined, signalEvent("funding_round", { eventId: "f1", occurredAt: at(NOW - DAY_MS) }), BASE, NOW, 7n).state;
    const again = republish(state, CANDIDATE, NOW + 1000, 9n, 3);
    expect(again.outputs.length).toBe(2);
    for (const o of again.outputs) {
      expect(o.rubricEpoch).toBe(3);
      expect(o.eventId).toMatch(/~e3#9$/);
      expect(timingPosition(o.eventId)).toBe(9n);
    }
  });
});

describe("ShardRubrics", () => {
  const context = (partition: number, generation: number, shared: Record<string, string> = {}) => ({ shard: { partition }, generation, readShared: async (name: string) => (name === PROMOTED_RUBRIC ? shared : {}) });

  it("scores with the rubric the service started with until a promotion reaches the partition, then with the promoted one, kept in the shard's state", async () => {
    const rubrics = new ShardRubrics(BASE);
    expect((await rubrics.active(context(0, 1))).epoch).toBe(0);
    const promoted = await rubrics.promote(promotion(1), context(0, 1));
    expect(promoted?.active.rubric.version.hash).toBe(CANDIDATE.version.hash);
    expect(promoted?.shared).toMatchObject({ epoch: "1", hash: CANDIDATE.version.hash, source: "rubric-1.yaml", text: CANDIDATE_TEXT });
    expect((await rubrics.active(context(0, 1))).epoch).toBe(1);
    // Another partition is untouched.
    expect((await rubrics.active(context(1, 1))).rubric).toBe(BASE);
    // Claimed again (another generation): read from the shard's state, as another member would.
    const elsewhere = new ShardRubrics(BASE);
    const restored = await elsewhere.active(context(0, 2, promoted?.shared));
    expect([restored.epoch, restored.rubric.version.hash, restored.source]).toEqual([1, CANDIDATE.version.hash, "rubric-1.yaml"]);
  });

  it("ignores a promotion the partition already runs or a later one replaced (a record read again)", async () => {
    const rubrics = new ShardRubrics(BASE);
    await rubrics.promote(promotion(2), context(0, 1));
    expect(await rubrics.promote(promotion(2), context(0, 1))).toBeNull();
    expect(await rubrics.promote(promotion(1), context(0, 1))).toBeNull();
  });

  it("refuses a promotion whose text is not the rubric it names, or does not load (RUBRIC_INVALID)", async () => {
    const rubrics = new ShardRubrics(BASE);
    await expect(rubrics.promote(promotion(1, CANDIDATE_TEXT, BASE.version.hash), context(0, 1))).rejects.toMatchObject({ code: "RUBRIC_INVALID" });
    expect(() => promotedRubric(promotion(1, "scorecards: 12", "0".repeat(64)))).toThrow(/does not load/);
  });
});

describe("RubricEpochs (the combiner's lookup)", () => {
  it("reads the control partition once per new epoch, knows epoch 0 without reading, and treats a vanished older epoch as superseded", async () => {
    const records = new Map<number, RubricPromotedEventV1[]>([[0, [promotion(3, BASE_TEXT)]]]);
    let reads = 0;
    const epochs = new RubricEpochs(RUBRIC, async (partition, onEvent) => {
      reads++;
      for (const r of records.get(partition) ?? []) onEvent(r);
    });
    expect(await epochs.rubricOf(0, 0)).toBe(RUBRIC);
    expect(reads).toBe(0);
    expect((await epochs.rubricOf(0, 3))?.version.hash).toBe(BASE.version.hash);
    expect(await epochs.rubricOf(0, 3)).not.toBeNull();
    expect(reads).toBe(1);
    // Promotion 2 was compacted away by 3: its scores are superseded, without another read.
    expect(await epochs.rubricOf(0, 2)).toBeNull();
    expect(reads).toBe(1);
    // A promotion nobody wrote: refused.
    await expect(epochs.rubricOf(0, 4)).rejects.toMatchObject({ code: "RUBRIC_UNKNOWN" });
    await expect(epochs.rubricOf(1, 1)).rejects.toMatchObject({ code: "RUBRIC_UNKNOWN" });
  });
});
