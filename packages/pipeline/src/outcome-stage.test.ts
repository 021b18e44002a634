import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EXAMPLE_EVENTS, OutcomeScoredEventV1 } from "@icpstream/contracts";
import type { OutcomeEventV1, TierChangedEventV1 } from "@icpstream/contracts";
import { applyOutcome, applyTierChange, decodeOutcomeCounts, decodePoolCounts, sumOutcomeCounts } from "./outcome-stage.js";
import type { OutcomeStageResult } from "./outcome-stage.js";
import { PipelineError } from "./errors.js";

const ACCOUNT = "northwind-analytics.com";
const base = EXAMPLE_EVENTS.tierChanged[0]!;
const tiers = { tier1: { id: "tier1", name: "Tier 1", rank: 1 }, tier2: { id: "tier2", name: "Tier 2", rank: 2 }, tier3: { id: "tier3", name: "Tier 3", rank: 3 } };

function tierChange(version: number, tier: keyof typeof tiers, occurredAt: string, scorecard = "enterprise"): TierChangedEventV1 {
  return { ...base, eventId: `tc-${scorecard}-${version}:v${version}`, accountKey: ACCOUNT, scorecard, occurredAt, observedAt: occurredAt, tier: tiers[tier], previousTier: null, total: version * 10 };
}

function outcome(id: string, kind: "created" | "won" | "lost", occurredAt: string, createdAt: string, closedAt?: string, amountUsd?: number): OutcomeEventV1 {
  const envelope = { eventId: `${id}-${kind}-${occurredAt}`, accountKey: ACCOUNT, occurredAt, observedAt: occurredAt, source: "crm", schemaVersion: 1 as const, opportunityId: id, createdAt };
  if (kind === "created") return { type: "opportunity_created", ...envelope, ...(amountUsd !== undefined ? { amountUsd } : {}) };
  if (kind === "won") return { type: "opportunity_closed_won", ...envelope, amountUsd: amountUsd ?? 0, closedAt: closedAt as string };
  return { type: "opportunity_closed_lost", ...envelope, closedAt: closedAt as string };
}

/** One shard's state as the stateful consumer keeps it: account fields and the two count hashes. */
class Shard {
  state: Record<string, string> = {};
  counts: Record<string, string> = {};
  pool: Record<string, string> = {};
  published: OutcomeScoredEventV1[] = [];

  apply(event: OutcomeEventV1 | TierChangedEventV1): OutcomeStageResult {
    const shared = { counts: this.counts, pool: this.pool };
    const result = event.type === "tier_changed" ? applyTierChange(this.state, event, shared) : applyOutcome(this.state, event, shared);
    // States go through JSON as in Redis.
    this.state = { ...this.state, ...result.set };
    this.counts = { ...this.counts, ...result.counts };
    this.pool = { ...this.pool, ...result.pool };
    for (const output of result.outputs) this.published.push(OutcomeScoredEventV1.parse(JSON.parse(JSON.stringify(output))));
    return result;
  }

  newest(): Map<string, OutcomeScoredEventV1> {
    const out = new Map<string, OutcomeScoredEventV1>();
    for (const e of this.published) if ((out.get(`${e.opportunityId}/${e.scorecard}`)?.revision ?? 0) < e.revision) out.set(`${e.opportunityId}/${e.scorecard}`, e);
    return out;
  }
}

const day = (d: number) => new Date(Date.parse("2026-10-01T00:00:00Z") + d * 86_400_000).toISOString();

describe("the outcome stage", () => {
  it("records the tier in force when the opportunity was created and when it closed, and counts the deal under the tier at creation", () => {
    const shard = new Shard();
    shard.apply(tierChange(1, "tier2", day(0)));
    shard.apply(tierChange(2, "tier1", day(10)));
    shard.apply(outcome("o1", "created", day(12), day(12), undefined, 50_000));
    shard.apply(tierChange(3, "tier3", day(20)));
    shard.apply(outcome("o1", "won", day(30), day(12), day(30), 48_000));
    const record = shard.newest().get("o1/enterprise")!;
    expect(record).toMatchObject({ stage: "won", revision: 2, amountUsd: 48_000, daysToClose: 18, atCreation: { tier: tiers.tier1, total: 20 }, atClose: { tier: tiers.tier3, total: 30 } });
    const [tier1] = decodeOutcomeCounts(shard.counts);
    expect(decodeOutcomeCounts(shard.counts)).toHaveLength(1);
    expect(tier1).toMatchObject({ tier: tiers.tier1, opportunities: 1, open: 0, won: 1, lost: 0, wonAmountUsd: 48_000, wonWithAmount: 1, wonDaysToClose: 18 });
  });

  it("re-scores an opportunity when a tier change dated before its creation arrives after it, moving its count to the right tier", () => {
    const shard = new Shard();
    shard.apply(tierChange(1, "tier3", day(0)));
    shard.apply(outcome("o1", "created", day(12), day(12)));
    expect(decodeOutcomeCounts(shard.counts)[0]).toMatchObject({ tier: tiers.tier3, opportunities: 1, open: 1 });
    shard.apply(tierChange(2, "tier1", day(11)));
    const rows = Object.fromEntries(decodeOutcomeCounts(shard.counts).map((r) => [r.tier.id, r.opportunities]));
    expect(rows).toEqual({ tier3: 0, tier1: 1 });
    expect(shard.newest().get("o1/enterprise")).toMatchObject({ revision: 2, atCreation: { tier: tiers.tier1 } });
  });

  it("does not count an opportunity created before any tier of its account was known, and counts it once one dated before its creation arrives", () => {
    const shard = new Shard();
    shard.apply(outcome("o1", "created", day(5), day(5)));
    expect(shard.published).toEqual([]);
    shard.apply(tierChange(1, "tier2", day(6)));
    expect(shard.published).toEqual([]);
    shard.apply(tierChange(2, "tier1", day(4)));
    expect(shard.newest().get("o1/enterprise")).toMatchObject({ revision: 1, atCreation: { tier: tiers.tier1 } });
  });

  it("drops a repeated outcome event or tier change without publishing or counting anything", () => {
    const shard = new Shard();
    const change = tierChange(1, "tier1", day(0));
    const created = outcome("o1", "created", day(1), day(1));
    shard.apply(change);
    shard.apply(created);
    expect(shard.apply(change)).toMatchObject({ ignored: "duplicate", outputs: [] });
    expect(shard.apply(created)).toMatchObject({ ignored: "duplicate", outputs: [] });
    expect(decodeOutcomeCounts(shard.counts)[0]).toMatchObject({ opportunities: 1 });
  });

  it("reads a reopened deal as open, as the backtest's fold does (the latest event decides)", () => {
    const shard = new Shard();
    shard.apply(tierChange(1, "tier1", day(0)));
    shard.apply(outcome("o1", "lost", day(10), day(1), day(10)));
    shard.apply(outcome("o1", "created", day(11), day(1)));
    expect(decodeOutcomeCounts(shard.counts)[0]).toMatchObject({ opportunities: 1, open: 1, lost: 0 });
  });

  it("refuses a deal closed before it was created with OUTCOME_INVALID", () => {
    const shard = new Shard();
    expect(() => shard.apply(outcome("o1", "won", day(10), day(9), day(8), 100))).toThrow(PipelineError);
  });

  it("keeps the pool: each account counted once per scorecard, in its newest tier", () => {
    const shard = new Shard();
    shard.apply(tierChange(1, "tier3", day(0)));
    shard.apply(tierChange(3, "tier1", day(2)));
    shard.apply(tierChange(2, "tier2", day(1)));
    shard.apply(tierChange(4, "tier2", day(0), "plg"));
    const pool = Object.fromEntries(decodePoolCounts(shard.pool).map((p) => [`${p.scorecard}/${p.tier.id}`, p.accounts]));
    expect(pool).toEqual({ "enterprise/tier3": 0, "enterprise/tier1": 1, "plg/tier2": 1 });
  });

  it("ends with the same counts whatever order the outcome events and tier changes arrive in", () => {
    const events: (OutcomeEventV1 | TierChangedEventV1)[] = [
      tierChange(1, "tier3", day(0)),
      tierChange(2, "tier1", day(5)),
      tierChange(3, "tier2", day(15)),
      tierChange(4, "tier1", day(25)),
      outcome("o1", "created", day(3), day(3), undefined, 10),
      outcome("o1", "won", day(20), day(3), day(20), 1_000),
      outcome("o2", "created", day(6), day(6)),
      outcome("o2", "lost", day(16), day(6), day(16)),
      outcome("o3", "created", day(15), day(15), undefined, 5),
      outcome("o4", "won", day(30), day(26), day(30), 700),
    ];
    const inOrder = new Shard();
    for (const e of events) inOrder.apply(e);
    const expected = sumOutcomeCounts([decodeOutcomeCounts(inOrder.counts)]).filter((r) => r.opportunities > 0);
    expect(expected.map((r) => [r.tier.id, r.opportunities, r.won, r.lost, r.open])).toEqual([
      ["tier1", 2, 1, 1, 0],
      ["tier2", 1, 0, 0, 1],
      ["tier3", 1, 1, 0, 0],
    ]);
    fc.assert(
      fc.property(fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }), (shuffled) => {
        const shard = new Shard();
        for (const e of shuffled) shard.apply(e);
        expect(sumOutcomeCounts([decodeOutcomeCounts(shard.counts)]).filter((r) => r.opportunities > 0)).toEqual(expected);
        expect(Object.keys(shard.state).sort()).toEqual(Object.keys(inOrder.state).sort());
      }),
      { seed: 16, numRuns: 200 },
    );
  });
});
