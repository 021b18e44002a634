import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { countsField, OUTCOME_COUNTS, POOL_COUNTS, poolField } from "@icpstream/pipeline";
import type { PoolTierCount, TierOutcomeCounts } from "@icpstream/pipeline";
import type { ShardRef } from "@icpstream/redis-kit";
import { startModelHealth } from "./model-health.js";

const rubricVersion = { hash: "cd".repeat(32), label: "enterprise" };
const tier = (rank: number) => ({ id: `tier${rank}`, name: `Tier ${rank}`, rank });
const counts = (rank: number, won: number, lost: number): TierOutcomeCounts => ({ scorecard: "enterprise", rubricVersion, tier: tier(rank), excluded: false, opportunities: won + lost, open: 0, won, lost, wonAmountUsd: won * 1000, wonWithAmount: won, wonDaysToClose: won * 20 });

/** Two partitions' shared hashes, as the stage leaves them in Redis. */
function store(partitions: Record<number, { counts: TierOutcomeCounts[]; pool: PoolTierCount[] }>) {
  return {
    readShared: (shard: ShardRef, name: string) => {
      const part = partitions[shard.partition] ?? { counts: [], pool: [] };
      if (name === OUTCOME_COUNTS) return Promise.resolve(Object.fromEntries(part.counts.map((c) => [countsField(c.scorecard, c.rubricVersion.hash, c.tier.id), JSON.stringify(c)])));
      if (name === POOL_COUNTS) return Promise.resolve(Object.fromEntries(part.pool.map((p) => [poolField(p.scorecard, p.tier.id), JSON.stringify(p)])));
      return Promise.resolve({});
    },
  };
}

describe("live model health", () => {
  const registry = new Registry();
  const health = startModelHealth({
    store: store({
      0: { counts: [counts(1, 150, 150), counts(2, 100, 100)], pool: [{ scorecard: "enterprise", tier: tier(1), excluded: false, accounts: 12 }] },
      1: { counts: [counts(1, 150, 150), counts(2, 210, 190), counts(3, 30, 270)], pool: [{ scorecard: "enterprise", tier: tier(3), excluded: false, accounts: 88 }] },
    }),
    groupId: "icp.outcomes",
    stream: "outcomes",
    partitions: () => Promise.resolve(2),
    registry,
    now: () => "2026-11-29T00:00:00.000Z",
  });

  it("sums every partition's counts and gives the backtest's verdicts, Tier 1 and Tier 2 closing at the same rate among them", async () => {
    const view = await health.read();
    expect(view.models).toHaveLength(1);
    const model = view.models[0]!;
    expect(model.tiers.map((t) => [t.tier, t.won, t.lost, t.poolShare])).toEqual([
      ["tier1", 300, 300, 0.12],
      ["tier2", 310, 290, 0],
      ["tier3", 30, 270, 0.88],
    ]);
    expect(model.verdicts.map((v) => v.kind)).toContain("adjacent_same_rate");
    expect(model.topLift).toMatchObject({ top: "tier1", baseline: "tier3", ratio: 5 });
    expect(model.pool).toMatchObject({ accounts: 100, topTierShare: 0.12, status: "healthy" });
  });

  it("exports the same as Prometheus gauges", async () => {
    const text = await registry.metrics();
    expect(text).toContain('outcome_win_rate{scorecard="enterprise",rubric="cdcdcdcdcdcd",tier="tier1"} 0.5');
    expect(text).toContain('outcome_opportunities{scorecard="enterprise",rubric="cdcdcdcdcdcd",tier="tier3",stage="lost"} 270');
    expect(text).toContain('outcome_top_tier_lift{scorecard="enterprise",rubric="cdcdcdcdcdcd"} 5');
    expect(text).toMatch(/model_verdict\{scorecard="enterprise",rubric="cdcdcdcdcdcd",kind="adjacent_same_rate",severity="warning"\} 1/);
    expect(text).toContain('pool_tier_share{scorecard="enterprise",tier="tier1"} 0.12');
    expect(text).toMatch(/outcome_win_rate_interval\{scorecard="enterprise",rubric="cdcdcdcdcdcd",tier="tier1",bound="low"\} 0\.4\d+/);
  });
});
