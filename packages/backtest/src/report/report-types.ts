import type { Interval } from "../stats/proportions.js";

/**
 * The backtest report for one scorecard of one rubric version. Every number is computed
 * from opportunities scored as of their creation (see score/point-in-time.ts). Rates are
 * 0–1, shares 0–1, money in `currency`, durations in days. Null means "not computable
 * from these data" (no closed deal in the tier, no won deal to average…), never 0.
 */
export interface TierRow {
  tier: string;
  name: string;
  /** 1 for the top tier; the excluded tier last. */
  rank: number;
  excluded: boolean;
  /** Accounts of the pool in this tier as of the report's as-of instant, and their share of the pool. */
  poolAccounts: number;
  poolShare: number;
  /** Distinct accounts that had an opportunity created while in this tier. */
  accounts: number;
  opportunities: number;
  /** Still open: reported apart, never counted as lost. */
  open: number;
  won: number;
  lost: number;
  /** won / (won + lost); null without a closed deal. */
  winRate: number | null;
  winRateInterval: Interval | null;
  /** This tier's win rate over the bottom tier's (see `ScorecardReport.liftBaseline`). */
  lift: number | null;
  liftInterval: Interval | null;
  /** Over won deals with an amount in the report's currency. */
  averageContractValue: number | null;
  medianContractValue: number | null;
  /** Median days from creation to close, over won deals (the sales cycle). */
  medianDaysToClose: number | null;
  /** Share of all opportunities (open and closed) created in this tier: "pipeline contribution by tier". */
  pipelineShare: number;
  /** Share of the amount of all opportunities in the report's currency; null when no amount is known. */
  pipelineValueShare: number | null;
  /** Share of won revenue in the report's currency; null when nothing was won with an amount. */
  wonRevenueShare: number | null;
}

export type VerdictKind =
  | "too_few_closed_deals"
  | "lift_meets_benchmark"
  | "lift_above_one_benchmark_unproven"
  | "lift_below_benchmark"
  | "no_lift"
  | "not_enough_evidence"
  | "ranks_backwards"
  | "adjacent_same_rate"
  | "adjacent_unresolved"
  | "adjacent_inverted"
  | "top_tier_share_high"
  | "top_tier_share_low"
  | "top_tier_share_ok"
  | "auc_chance"
  | "auc_better_than_chance"
  | "open_reported_apart"
  | "profiles_assumed"
  | "unscored_opportunities";

export interface Verdict {
  kind: VerdictKind;
  /** `good`: the model does what the references ask; `warning`: act on it; `info`: context. */
  severity: "good" | "warning" | "info";
  text: string;
}

export interface ScorecardReport {
  rubric: { hash: string; label: string | null; version: string };
  scorecard: { id: string; name: string };
  asOf: string;
  currency: string;
  tiers: TierRow[];
  /** The tier lift is measured against: the lowest non-excluded tier with a closed deal; null when none. */
  liftBaseline: string | null;
  overall: {
    opportunities: number;
    open: number;
    won: number;
    lost: number;
    closed: number;
    winRate: number | null;
    winRateInterval: Interval | null;
    /** ROC AUC of the total score over closed deals (won = positive), with a seeded bootstrap interval. */
    auc: { value: number; interval: Interval; resamples: number; seed: number } | null;
    /** Spearman's rank correlation between the total and the outcome (won 1, lost 0). */
    scoreToCloseCorrelation: number | null;
    /** Only where a probability exists (a learned model); a rubric's total is not one. */
    brier: number | null;
    brierNote: string;
    roc: { fpr: number; tpr: number }[];
    /** Closed deals by total score, in bins of 10 points (the last bin includes 100). */
    scoreDistribution: { from: number; to: number; won: number; lost: number }[];
  };
  pool: { accounts: number; topTierShare: number; target: { low: number; high: number } };
  verdicts: Verdict[];
  /** The one sentence to read first. */
  headline: Verdict;
  /** Opportunities scored with an assumed profile, and left out. */
  assumptions: { undatedProfiles: number; laterSnapshots: number; unscored: number };
  warnings: string[];
}
