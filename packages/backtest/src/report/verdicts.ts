import { contains } from "../stats/proportions.js";
import { differenceInterval } from "../stats/proportions.js";
import { count, percent, plural, points, times } from "./format.js";
import type { ScorecardReport, TierRow, Verdict } from "./report-types.js";

/**
 * Plain-language verdicts, each from a rule in the references:
 * - "Tier A should convert at 2x or better compared to Tier C" (icp-scoring-methodology,
 *   win rate by tier) — judged on the lift's 95% interval, not its point value: a lift is
 *   claimed only when the interval clears the bar, and "not enough evidence" is said when
 *   the interval still includes no lift at all;
 * - "Tier A accounts are closing at roughly the same rate as Tier B" is the warning sign
 *   that the model needs recalibration (same article);
 * - "Tier A should represent roughly 10-15% of your total account pool";
 * - predictive weights want ≥ 100 closed deals (SPEC, scoring models).
 */
export const LIFT_BENCHMARK = 2;
/** A difference interval wider than this (30 points) says "cannot tell yet" rather than "the same rate". */
const WIDE_DIFFERENCE = 0.3;

/** What a verdict reads of a tier: the backtest's TierRow, or the live counts of the outcome stage (live-health.ts). */
export type VerdictRow = Pick<TierRow, "tier" | "name" | "excluded" | "won" | "lost" | "winRate" | "lift" | "liftInterval">;

const closed = (t: VerdictRow) => t.won + t.lost;
const range = (i: { low: number; high: number }, f: (x: number) => string) => `${f(i.low)}–${f(i.high)}`;

export function liftVerdict(top: VerdictRow | undefined, baseline: VerdictRow | undefined): Verdict {
  if (!top || closed(top) === 0) return { kind: "not_enough_evidence", severity: "warning", text: `Not enough evidence: ${top?.name ?? "the top tier"} has no closed deal yet, so nothing can be said about its win rate.` };
  if (!baseline || baseline.tier === top.tier) {
    return { kind: "not_enough_evidence", severity: "warning", text: `Not enough evidence: no tier below ${top.name} has a closed deal to compare its win rate (${percent(top.winRate)}) with.` };
  }
  const interval = top.liftInterval;
  const what = `${top.name} wins ${percent(top.winRate)} of its closed deals and ${baseline.name} ${percent(baseline.winRate)}: a lift of ${times(top.lift)}`;
  if (!interval) return { kind: "not_enough_evidence", severity: "warning", text: `Not enough evidence: ${what}, with no interval.` };
  const shown = `${what} (95% interval ${range(interval, times)})`;
  if (interval.low >= LIFT_BENCHMARK) return { kind: "lift_meets_benchmark", severity: "good", text: `${shown}. Even the low end of the interval clears the references' benchmark of 2×: the top tier closes markedly more often.` };
  if (interval.low > 1) {
    if (top.lift === null || top.lift >= LIFT_BENCHMARK) {
      return { kind: "lift_above_one_benchmark_unproven", severity: "info", text: `${shown}. The top tier closes more often, but the interval does not rule out less than the references' 2×: more closed deals will tell.` };
    }
    return { kind: "lift_below_benchmark", severity: "warning", text: `${shown}. The top tier closes more often, but below the references' benchmark of 2×: the scoring criteria separate good from poor accounts only weakly.` };
  }
  if (interval.high < 1) return { kind: "ranks_backwards", severity: "warning", text: `${shown}. The top tier closes LESS often than ${baseline.name}: the rubric ranks accounts backwards.` };
  if (interval.high < LIFT_BENCHMARK) {
    return { kind: "no_lift", severity: "warning", text: `No lift: ${shown}. The interval includes 1× (no difference) and stays below 2×: the top tier does not close more often than ${baseline.name}.` };
  }
  return {
    kind: "not_enough_evidence",
    severity: "warning",
    text: `Not enough evidence: ${shown}. The interval includes both no lift (1×) and the references' 2×: with ${plural(closed(top), "closed deal")} in ${top.name} and ${count(closed(baseline))} in ${baseline.name}, the data cannot tell yet.`,
  };
}

export function adjacentVerdicts(tiers: readonly VerdictRow[]): Verdict[] {
  const verdicts: Verdict[] = [];
  const ranked = tiers.filter((t) => !t.excluded);
  for (let i = 0; i + 1 < ranked.length; i++) {
    const upper = ranked[i] as VerdictRow;
    const lower = ranked[i + 1] as VerdictRow;
    if (closed(upper) === 0 || closed(lower) === 0) continue;
    const d = differenceInterval(upper.won, closed(upper), lower.won, closed(lower));
    if (!d) continue;
    const diff = (upper.winRate ?? 0) - (lower.winRate ?? 0);
    const rates = `${percent(upper.winRate)} vs ${percent(lower.winRate)}; the difference, ${points(diff)}, has a 95% interval of ${points(d.low)} to ${points(d.high)}`;
    if (d.high < 0) {
      verdicts.push({ kind: "adjacent_inverted", severity: "warning", text: `${lower.name} closes more often than ${upper.name} (${rates}): the threshold between them is upside down.` });
    } else if (contains(d, 0)) {
      if (d.high - d.low > WIDE_DIFFERENCE) {
        verdicts.push({
          kind: "adjacent_unresolved",
          severity: "info",
          text: `${upper.name} and ${lower.name} cannot be told apart yet (${rates}, which includes 0): with ${count(closed(upper))} and ${count(closed(lower))} closed deals there is too little to say whether the threshold between them separates accounts that close.`,
        });
      } else {
        verdicts.push({
          kind: "adjacent_same_rate",
          severity: "warning",
          text: `${upper.name} and ${lower.name} close at about the same rate (${rates}, which includes 0): the references' warning sign — the threshold between them does not separate accounts that close.`,
        });
      }
    }
  }
  return verdicts;
}

export function topShareVerdict(report: { pool: ScorecardReport["pool"]; tiers: readonly Pick<TierRow, "name">[] }): Verdict | undefined {
  const top = report.tiers[0];
  const { accounts, topTierShare, target } = report.pool;
  if (!top || accounts === 0) return undefined;
  const band = `${percent(target.low, 0)}–${percent(target.high, 0)}`;
  const holds = `${top.name} holds ${percent(topTierShare)} of the ${plural(accounts, "account")} in the pool`;
  if (topTierShare > target.high) {
    return { kind: "top_tier_share_high", severity: "warning", text: `${holds}; the references put ${band} there (60–70% means the thresholds are too generous). Raise the top threshold: icp calibrate proposes one.` };
  }
  if (topTierShare < target.low) {
    return { kind: "top_tier_share_low", severity: "warning", text: `${holds}, under the ${band} the references suggest: the top threshold may be too strict to feed the sales team. icp calibrate proposes one.` };
  }
  return { kind: "top_tier_share_ok", severity: "good", text: `${holds}, within the ${band} the references suggest.` };
}

export function aucVerdict(auc: ScorecardReport["overall"]["auc"]): Verdict | undefined {
  if (!auc) return undefined;
  const shown = `AUC ${auc.value.toFixed(2)}, 95% interval ${auc.interval.low.toFixed(2)}–${auc.interval.high.toFixed(2)}`;
  if (auc.interval.high < 0.5) return { kind: "ranks_backwards", severity: "warning", text: `The total score ranks lost deals above won ones (${shown}).` };
  if (contains(auc.interval, 0.5)) {
    // An interval that includes 0.5 does not show the score is no better than chance, only that these deals cannot show it is.
    const reading = auc.value >= 0.6 ? "it may, but these deals cannot show it" : "no better than a coin toss on these deals";
    return { kind: "auc_chance", severity: "warning", text: `Whether the total score ranks won deals above lost ones better than chance cannot be told from these deals (${shown}, which includes 0.5, a coin toss): ${reading}.` };
  }
  return { kind: "auc_better_than_chance", severity: "good", text: `The total score ranks a won deal above a lost one ${percent(auc.value, 0)} of the time (${shown}): better than chance.` };
}

export function tooFewVerdict(closedDeals: number, won: number, minClosed: number): Verdict | undefined {
  if (closedDeals >= minClosed) return undefined;
  return {
    kind: "too_few_closed_deals",
    severity: "warning",
    text: `Only ${plural(closedDeals, "closed deal")} (${count(won)} won, ${count(closedDeals - won)} lost): too few to judge the model with confidence; the references ask for at least ${count(minClosed)} closed deals. Read every interval below as wide.`,
  };
}
