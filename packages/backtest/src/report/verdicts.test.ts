import { describe, expect, it } from "vitest";
import { ratioInterval, wilsonInterval } from "../stats/proportions.js";
import type { TierRow } from "./report-types.js";
import { adjacentVerdicts, aucVerdict, liftVerdict, topShareVerdict } from "./verdicts.js";

function tier(id: string, won: number, lost: number, baseline?: { won: number; lost: number }): TierRow {
  const closed = won + lost;
  const lift = baseline ? ratioInterval(won, closed, baseline.won, baseline.won + baseline.lost) : { ratio: null, interval: null };
  return {
    tier: id, name: `Tier ${id.toUpperCase()}`, rank: 1, excluded: false, poolAccounts: 0, poolShare: 0, accounts: closed, opportunities: closed, open: 0, won, lost,
    winRate: closed === 0 ? null : won / closed, winRateInterval: wilsonInterval(won, closed), lift: lift.ratio, liftInterval: lift.interval,
    averageContractValue: null, medianContractValue: null, medianDaysToClose: null, pipelineShare: 0, pipelineValueShare: null, wonRevenueShare: null,
  };
}

describe("plain-language verdicts", () => {
  it("a top tier that wins 2× on five deals each is 'not enough evidence', not a lift", () => {
    const c = { won: 1, lost: 4 };
    const v = liftVerdict(tier("a", 2, 3, c), tier("c", c.won, c.lost, c));
    expect(v.kind).toBe("not_enough_evidence");
    expect(v.text).toMatch(/includes both no lift \(1×\) and the references' 2×/);
  });

  it("a lift whose whole interval clears 2× meets the benchmark", () => {
    const c = { won: 40, lost: 360 };
    expect(liftVerdict(tier("a", 150, 250, c), tier("c", 40, 360, c)).kind).toBe("lift_meets_benchmark");
  });

  it("a lift above 1 whose interval stays under 2× is below the benchmark", () => {
    const c = { won: 200, lost: 800 };
    expect(liftVerdict(tier("a", 300, 700, c), tier("c", 200, 800, c)).kind).toBe("lift_below_benchmark");
  });

  it("equal win rates on many deals are 'no lift'", () => {
    const c = { won: 300, lost: 700 };
    expect(liftVerdict(tier("a", 300, 700, c), tier("c", 300, 700, c)).kind).toBe("no_lift");
  });

  it("a top tier that wins clearly less ranks backwards", () => {
    const c = { won: 500, lost: 500 };
    expect(liftVerdict(tier("a", 100, 900, c), tier("c", 500, 500, c)).kind).toBe("ranks_backwards");
  });

  it("Tier A and Tier B closing at the same rate is the references' warning sign", () => {
    const [v] = adjacentVerdicts([tier("a", 30, 70), tier("b", 29, 71), tier("c", 5, 95)]);
    expect(v?.kind).toBe("adjacent_same_rate");
    expect(v?.text).toMatch(/Tier A and Tier B close at about the same rate/);
  });

  it("two tiers with a handful of deals each cannot be told apart yet, which is not the same rate", () => {
    const [v] = adjacentVerdicts([tier("a", 2, 0), tier("b", 3, 3)]);
    expect(v?.kind).toBe("adjacent_unresolved");
    expect(v?.text).toMatch(/cannot be told apart yet/);
  });

  it("a lower tier that closes clearly more often is called upside down", () => {
    expect(adjacentVerdicts([tier("a", 10, 90), tier("b", 50, 50)])[0]?.kind).toBe("adjacent_inverted");
  });

  it("a top tier holding 34% of the pool is too generous; 12% is within 10–15%", () => {
    const tiers = [tier("a", 0, 0)];
    const pool = (share: number) => ({ accounts: 1000, topTierShare: share, target: { low: 0.1, high: 0.15 } });
    expect(topShareVerdict({ tiers, pool: pool(0.34) })?.kind).toBe("top_tier_share_high");
    expect(topShareVerdict({ tiers, pool: pool(0.12) })?.kind).toBe("top_tier_share_ok");
    expect(topShareVerdict({ tiers, pool: pool(0.04) })?.kind).toBe("top_tier_share_low");
  });
});

describe("the ranking verdict", () => {
  it("says an interval that includes 0.5 cannot tell, and never that a score of 0.73 is no better than chance", () => {
    const wide = aucVerdict({ value: 0.73, interval: { low: 0.49, high: 0.92 } } as Parameters<typeof aucVerdict>[0]);
    expect(wide?.kind).toBe("auc_chance");
    expect(wide?.text).toBe("Whether the total score ranks won deals above lost ones better than chance cannot be told from these deals (AUC 0.73, 95% interval 0.49–0.92, which includes 0.5, a coin toss): it may, but these deals cannot show it.");
    const flat = aucVerdict({ value: 0.5, interval: { low: 0.47, high: 0.53 } } as Parameters<typeof aucVerdict>[0]);
    expect(flat?.text).toMatch(/no better than a coin toss on these deals\.$/);
    expect(aucVerdict({ value: 0.7, interval: { low: 0.6, high: 0.8 } } as Parameters<typeof aucVerdict>[0])?.kind).toBe("auc_better_than_chance");
  });
});
