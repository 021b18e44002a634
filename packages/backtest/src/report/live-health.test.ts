import { describe, expect, it } from "vitest";
import { ProfileHistory } from "../outcomes/profile-history.js";
import { generateOutcomeDataset } from "../testing/synthetic-outcomes.js";
import { liveModelHealth } from "./live-health.js";
import type { LiveTierCounts } from "./live-health.js";
import { runBacktest } from "./run-backtest.js";

const tier = (id: string, rank: number) => ({ id, name: `Tier ${rank}`, rank });
const counts = (rank: number, won: number, lost: number, open = 0): LiveTierCounts => ({
  tier: tier(`tier${rank}`, rank),
  excluded: false,
  opportunities: won + lost + open,
  open,
  won,
  lost,
  wonAmountUsd: won * 10_000,
  wonWithAmount: won,
  wonDaysToClose: won * 30,
});
const rubricVersion = { hash: "ab".repeat(32) };

describe("model health from running counts", () => {
  it("says the references' warning sign when Tier 1 and Tier 2 close at about the same rate", () => {
    const health = liveModelHealth({ scorecard: "enterprise", rubricVersion, tiers: [counts(1, 300, 300), counts(2, 310, 290), counts(3, 50, 450)], pool: [] });
    const same = health.verdicts.find((v) => v.kind === "adjacent_same_rate");
    expect(same?.text).toMatch(/^Tier 1 and Tier 2 close at about the same rate/);
    expect(health.tiers[0]).toMatchObject({ winRate: 0.5, averageContractValue: 10_000, meanDaysToClose: 30 });
    expect(health.topLift).toMatchObject({ top: "tier1", baseline: "tier3", ratio: 5 });
  });

  it("places the top tier's share of the pool against the healthy band", () => {
    const pool = [
      { tier: tier("tier1", 1), excluded: false, accounts: 40 },
      { tier: tier("tier2", 2), excluded: false, accounts: 60 },
    ];
    const health = liveModelHealth({ scorecard: "enterprise", rubricVersion, tiers: [], pool });
    expect(health.pool).toMatchObject({ accounts: 100, topTierShare: 0.4, status: "above" });
    expect(health.verdicts.map((v) => v.kind)).toContain("top_tier_share_high");
    expect(health.headline.kind).toBe("not_enough_evidence");
  });

  it("gives the backtest report's win rates, intervals, lift and verdicts when fed the counts of the same deals", () => {
    const data = generateOutcomeDataset({ seed: 5, accounts: 1500, opportunities: 900, effect: "planted" });
    const run = runBacktest({ rubrics: [data.rubric], history: ProfileHistory.from({ undated: data.currentProfiles, snapshots: data.snapshots }), signals: data.signals, opportunities: data.opportunities, asOf: data.asOf, options: { resamples: 50 } }).runs[0]!;
    const report = run.report;
    const tiers: LiveTierCounts[] = report.tiers.map((row) => {
      const won = run.pointInTime.scored.filter((s) => s.score.result.tier.id === row.tier && s.opportunity.stage === "won");
      return {
        tier: { id: row.tier, name: row.name, rank: row.rank },
        excluded: row.excluded,
        opportunities: row.opportunities,
        open: row.open,
        won: row.won,
        lost: row.lost,
        wonAmountUsd: won.reduce((n, s) => n + (s.opportunity.amount ?? 0), 0),
        wonWithAmount: won.filter((s) => s.opportunity.amount !== undefined).length,
        wonDaysToClose: 0,
      };
    });
    const pool = report.tiers.map((row) => ({ tier: { id: row.tier, name: row.name, rank: row.rank }, excluded: row.excluded, accounts: row.poolAccounts }));
    const health = liveModelHealth({ scorecard: report.scorecard.id, rubricVersion: { hash: report.rubric.hash }, tiers, pool });
    const pick = (r: { tier: string; winRate: number | null; winRateInterval: unknown; lift: number | null; liftInterval: unknown; poolShare: number; averageContractValue: number | null }) => [r.tier, r.winRate, r.winRateInterval, r.lift, r.liftInterval, r.poolShare, r.averageContractValue];
    expect(health.tiers.map(pick)).toEqual(report.tiers.map(pick));
    expect(health.liftBaseline).toBe(report.liftBaseline);
    const comparable = (kinds: string[]) => kinds.filter((k) => !k.startsWith("auc") && k !== "profiles_assumed" && k !== "unscored_opportunities" && k !== "ranks_backwards");
    expect(comparable(health.verdicts.map((v) => v.kind))).toEqual(comparable(report.verdicts.map((v) => v.kind)));
    expect(health.headline).toEqual(report.headline);
  });
});
