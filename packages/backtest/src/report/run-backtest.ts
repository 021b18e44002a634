import { scoreBatch, toEpochMs, toIso } from "@icpstream/scoring";
import type { AccountScore, LoadedScorecard, Rubric, Signal } from "@icpstream/scoring";
import type { Opportunity } from "../outcomes/opportunity.js";
import type { ProfileHistory } from "../outcomes/profile-history.js";
import { scoreAtCreation } from "../score/point-in-time.js";
import type { PointInTimeResult } from "../score/point-in-time.js";
import { SignalIndex } from "../score/signal-index.js";
import { buildScorecardReport } from "./build-report.js";
import type { ReportOptions } from "./build-report.js";
import type { ScorecardReport } from "./report-types.js";

/**
 * The whole backtest, for every scorecard of every rubric:
 * 1. the pool — every account with a profile, scored as of `asOf` with the profile known
 *    then, exactly as `icp score` would (scoreBatch) — gives the tier shares;
 * 2. each opportunity is scored as of its creation (score/point-in-time.ts);
 * 3. the report compares tiers by outcome (report/build-report.ts).
 * Pure and deterministic: the same inputs, rubric versions, `asOf` and seed give the same report.
 */
export interface BacktestInput {
  rubrics: readonly Rubric[];
  /** Only these scorecards (ids); default every scorecard. */
  scorecards?: readonly string[];
  history: ProfileHistory;
  signals: readonly Signal[];
  opportunities: readonly Opportunity[];
  /** The instant the pool is scored at (tier shares). */
  asOf: string | number;
  options?: ReportOptions;
}

/** What a report was built from, kept for calibration and learning on the same scores. */
export interface ScorecardRun {
  rubric: Rubric;
  card: LoadedScorecard;
  pool: AccountScore[];
  pointInTime: PointInTimeResult;
  report: ScorecardReport;
}

export interface BacktestResult {
  asOf: string;
  runs: ScorecardRun[];
  signals: SignalIndex;
}

export function runBacktest(input: BacktestInput): BacktestResult {
  const asOfMs = typeof input.asOf === "number" ? input.asOf : toEpochMs(input.asOf);
  const asOf = toIso(asOfMs);
  const signals = SignalIndex.from(input.signals);
  const profiles = input.history.accountKeys().map((key) => input.history.at(key, asOfMs)?.profile).filter((p) => p !== undefined);
  const runs: ScorecardRun[] = [];
  for (const rubric of input.rubrics) {
    const cards = input.scorecards ? rubric.scorecards.filter((c) => input.scorecards?.includes(c.id)) : rubric.scorecards;
    if (cards.length === 0) continue;
    const batch = scoreBatch({ profiles, signals: input.signals, rubric, asOf: asOfMs, scorecards: cards.map((c) => c.id) });
    for (const card of cards) {
      const pool = batch.rankings.find((r) => r.scorecard === card.id)?.ranked ?? [];
      const pointInTime = scoreAtCreation({ opportunities: input.opportunities, history: input.history, signals, card, version: rubric.version });
      const report = buildScorecardReport({ rubric, card, asOf, pool, pointInTime, ...(input.options ? { options: input.options } : {}) });
      runs.push({ rubric, card, pool, pointInTime, report });
    }
  }
  return { asOf, runs, signals };
}
