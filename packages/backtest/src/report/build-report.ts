import { formatRubricVersion } from "@icpstream/scoring";
import type { AccountScore, LoadedScorecard, Rubric } from "@icpstream/scoring";
import { median, mean } from "simple-statistics";
import { daysToClose } from "../outcomes/opportunity.js";
import type { Opportunity } from "../outcomes/opportunity.js";
import type { PointInTimeResult, ScoredOpportunity } from "../score/point-in-time.js";
import { ratioInterval, wilsonInterval, type Interval } from "../stats/proportions.js";
import { seededRandom } from "../stats/random.js";
import { rocAucWithInterval, rocCurve, scoreToCloseCorrelation } from "../stats/ranking.js";
import { count, plural } from "./format.js";
import type { ScorecardReport, TierRow, Verdict } from "./report-types.js";
import { adjacentVerdicts, aucVerdict, liftVerdict, tooFewVerdict, topShareVerdict } from "./verdicts.js";

export interface ReportOptions {
  /** Money figures use this currency; default: the most common one among the opportunities, else USD. */
  currency?: string;
  /** Below this many closed deals the report says so first (default 100, the references' bar). */
  minClosedDeals?: number;
  /** The top tier's healthy share of the pool (default 10–15%, icp-scoring-methodology). */
  targetTopShare?: { low: number; high: number };
  /** Bootstrap resamples for the AUC interval (default 1000) and the seed (default 1). */
  resamples?: number;
  seed?: number;
}

export const DEFAULT_TARGET_TOP_SHARE = { low: 0.1, high: 0.15 } as const;
export const DEFAULT_MIN_CLOSED_DEALS = 100;

/** The most common currency among the amounts (ties: alphabetical), else USD. */
export function reportCurrency(opportunities: readonly Opportunity[]): string {
  const counts = new Map<string, number>();
  for (const o of opportunities) if (o.amount !== undefined && o.currency) counts.set(o.currency, (counts.get(o.currency) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? "USD";
}

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);
const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);

/**
 * Builds the report for one scorecard: the pool (every account scored as of `asOf`) for
 * tier shares, and the opportunities scored as of their creation for everything else.
 */
export function buildScorecardReport(input: {
  rubric: Rubric;
  card: LoadedScorecard;
  asOf: string;
  pool: readonly AccountScore[];
  pointInTime: PointInTimeResult;
  options?: ReportOptions;
}): ScorecardReport {
  const { rubric, card, pool, pointInTime } = input;
  const options = input.options ?? {};
  const scored = pointInTime.scored;
  const currency = options.currency ?? reportCurrency(scored.map((s) => s.opportunity));
  const minClosed = options.minClosedDeals ?? DEFAULT_MIN_CLOSED_DEALS;
  const target = options.targetTopShare ?? DEFAULT_TARGET_TOP_SHARE;
  const warnings: string[] = [];

  const inCurrency = (o: Opportunity) => o.amount !== undefined && (o.currency ?? currency) === currency;
  const otherCurrency = scored.filter((s) => s.opportunity.amount !== undefined && !inCurrency(s.opportunity));
  if (otherCurrency.length > 0) {
    const codes = [...new Set(otherCurrency.map((s) => s.opportunity.currency))].sort().join(", ");
    warnings.push(`${plural(otherCurrency.length, "opportunity", "opportunities")} in ${codes} left out of the money figures (amounts are not converted; the report's currency is ${currency})`);
  }

  const tierDefs = [...card.tiers.map((t, i) => ({ id: t.id, name: t.name, rank: i + 1, excluded: false })), { id: card.excluded.id, name: card.excluded.name, rank: card.tiers.length + 1, excluded: true }];
  const byTier = new Map<string, ScoredOpportunity[]>(tierDefs.map((t) => [t.id, []]));
  for (const s of scored) byTier.get(s.score.result.tier.id)?.push(s);
  const poolCounts = new Map<string, number>();
  for (const s of pool) poolCounts.set(s.result.tier.id, (poolCounts.get(s.result.tier.id) ?? 0) + 1);

  const allValue = sum(scored.filter((s) => inCurrency(s.opportunity)).map((s) => s.opportunity.amount as number));
  const wonValue = sum(scored.filter((s) => s.opportunity.stage === "won" && inCurrency(s.opportunity)).map((s) => s.opportunity.amount as number));

  const rows: TierRow[] = tierDefs.map((t) => {
    const list = byTier.get(t.id) ?? [];
    const won = list.filter((s) => s.opportunity.stage === "won");
    const lost = list.filter((s) => s.opportunity.stage === "lost");
    const closedCount = won.length + lost.length;
    const wonAmounts = won.filter((s) => inCurrency(s.opportunity)).map((s) => s.opportunity.amount as number);
    const days = won.map((s) => daysToClose(s.opportunity) as number);
    const value = sum(list.filter((s) => inCurrency(s.opportunity)).map((s) => s.opportunity.amount as number));
    return {
      tier: t.id,
      name: t.name,
      rank: t.rank,
      excluded: t.excluded,
      poolAccounts: poolCounts.get(t.id) ?? 0,
      poolShare: share(poolCounts.get(t.id) ?? 0, pool.length),
      accounts: new Set(list.map((s) => s.opportunity.accountKey)).size,
      opportunities: list.length,
      open: list.length - closedCount,
      won: won.length,
      lost: lost.length,
      winRate: closedCount === 0 ? null : won.length / closedCount,
      winRateInterval: wilsonInterval(won.length, closedCount),
      lift: null,
      liftInterval: null,
      averageContractValue: wonAmounts.length === 0 ? null : mean(wonAmounts),
      medianContractValue: wonAmounts.length === 0 ? null : median(wonAmounts),
      medianDaysToClose: days.length === 0 ? null : median(days),
      pipelineShare: share(list.length, scored.length),
      pipelineValueShare: allValue === 0 ? null : value / allValue,
      wonRevenueShare: wonValue === 0 ? null : sum(wonAmounts) / wonValue,
    };
  });

  const baseline = setLiftAgainstBaseline(rows);

  const closed = scored.filter((s) => s.opportunity.stage !== "open");
  const wonCount = closed.filter((s) => s.opportunity.stage === "won").length;
  const deals = closed.map((s) => ({ score: s.score.result.total, won: s.opportunity.stage === "won" }));
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? 1;
  const auc = rocAucWithInterval(deals, { resamples, seed, random: seededRandom(seed) });
  const bins = Array.from({ length: 10 }, (_, i) => ({ from: i * 10, to: i * 10 + 10, won: 0, lost: 0 }));
  for (const d of deals) {
    const bin = bins[Math.min(9, Math.max(0, Math.floor(d.score / 10)))] as (typeof bins)[number];
    if (d.won) bin.won++;
    else bin.lost++;
  }

  const report: ScorecardReport = {
    rubric: { hash: rubric.version.hash, label: rubric.version.label ?? null, version: formatRubricVersion(rubric.version) },
    scorecard: { id: card.id, name: card.name },
    asOf: input.asOf,
    currency,
    tiers: rows,
    liftBaseline: baseline?.tier ?? null,
    overall: {
      opportunities: scored.length,
      open: scored.length - closed.length,
      won: wonCount,
      lost: closed.length - wonCount,
      closed: closed.length,
      winRate: closed.length === 0 ? null : wonCount / closed.length,
      winRateInterval: wilsonInterval(wonCount, closed.length),
      auc: auc ? { value: auc.auc, interval: auc.interval, resamples: auc.resamples, seed: auc.seed } : null,
      scoreToCloseCorrelation: scoreToCloseCorrelation(deals),
      brier: null,
      brierNote: "a rubric's total is a score, not a probability: the Brier score is reported by icp learn for its fitted model",
      roc: rocCurve(deals),
      scoreDistribution: bins,
    },
    pool: { accounts: pool.length, topTierShare: rows[0]?.poolShare ?? 0, target: { low: target.low, high: target.high } },
    verdicts: [],
    headline: { kind: "not_enough_evidence", severity: "warning", text: "" },
    assumptions: { undatedProfiles: pointInTime.assumedProfiles.undated, laterSnapshots: pointInTime.assumedProfiles.laterSnapshot, unscored: pointInTime.unscored.length },
    warnings,
  };
  report.verdicts = verdictsFor(report, minClosed);
  report.headline = headlineFor(report, minClosed);
  return report;
}

function verdictsFor(report: ScorecardReport, minClosed: number): Verdict[] {
  const { overall, assumptions } = report;
  const verdicts: Verdict[] = [];
  const tooFew = tooFewVerdict(overall.closed, overall.won, minClosed);
  if (tooFew) verdicts.push(tooFew);
  verdicts.push(liftVerdict(report.tiers[0], report.tiers.find((t) => t.tier === report.liftBaseline)));
  verdicts.push(...adjacentVerdicts(report.tiers));
  const auc = aucVerdict(overall.auc);
  if (auc) verdicts.push(auc);
  const share = topShareVerdict(report);
  if (share) verdicts.push(share);
  if (overall.open > 0) verdicts.push({ kind: "open_reported_apart", severity: "info", text: `${plural(overall.open, "open opportunity", "open opportunities")} reported apart: counted in the pipeline, never as lost.` });
  if (assumptions.undatedProfiles > 0) {
    verdicts.push({
      kind: "profiles_assumed",
      severity: "warning",
      text: `${plural(assumptions.undatedProfiles, "opportunity was", "opportunities were")} scored with an undated profile, assumed unchanged since before the opportunity was created: facts learned later (a champion found during the deal, a CRM installed after it) may flatter the rubric. Dated profile snapshots remove the assumption.`,
    });
  }
  if (assumptions.laterSnapshots > 0) {
    verdicts.push({ kind: "profiles_assumed", severity: "warning", text: `${plural(assumptions.laterSnapshots, "opportunity was", "opportunities were")} scored with the account's earliest profile snapshot, taken after the opportunity was created.` });
  }
  if (assumptions.unscored > 0) verdicts.push({ kind: "unscored_opportunities", severity: "warning", text: assumptions.unscored === 1 ? "1 opportunity left out: its account has no profile in the accounts." : `${count(assumptions.unscored)} opportunities left out: their accounts have no profile in the accounts.` });
  return verdicts;
}

/** The top-versus-bottom verdict, with a caveat when there are fewer closed deals than the references ask for. */
function headlineFor(report: ScorecardReport, minClosed: number): Verdict {
  if (report.overall.closed === 0) return { kind: "not_enough_evidence", severity: "warning", text: "Not enough evidence: no closed deal yet, so nothing can be said about win rates." };
  const lift = report.verdicts.find((v) => v.kind !== "too_few_closed_deals") as Verdict;
  if (report.overall.closed >= minClosed || lift.kind === "not_enough_evidence" || lift.kind === "no_lift") return lift;
  return { ...lift, text: `${lift.text} (Only ${count(report.overall.closed)} closed deals: a first read, not a verdict.)` };
}

/** A tier row's counts and the lift fields `setLiftAgainstBaseline` fills. */
interface LiftRow {
  excluded: boolean;
  won: number;
  lost: number;
  lift: number | null;
  liftInterval: Interval | null;
}

/**
 * Sets each row's lift (win rate over the baseline's, with its interval) and returns the
 * baseline: the lowest ranked tier that has a closed deal (the references compare Tier A with
 * Tier C); the excluded tier is never the baseline. Rows without a closed deal keep no lift.
 * Shared by the backtest report and live model health, so both judge lift the same way.
 */
export function setLiftAgainstBaseline<T extends LiftRow>(rows: readonly T[]): T | undefined {
  const baseline = [...rows.filter((r) => !r.excluded)].reverse().find((r) => r.won + r.lost > 0);
  if (!baseline) return undefined;
  for (const row of rows) {
    if (row.won + row.lost === 0) continue;
    const { ratio, interval } = ratioInterval(row.won, row.won + row.lost, baseline.won, baseline.won + baseline.lost);
    row.lift = ratio;
    row.liftInterval = interval;
  }
  return baseline;
}
