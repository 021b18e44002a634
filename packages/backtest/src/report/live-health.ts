import { wilsonInterval } from "../stats/proportions.js";
import type { Interval } from "../stats/proportions.js";
import { DEFAULT_MIN_CLOSED_DEALS, DEFAULT_TARGET_TOP_SHARE, setLiftAgainstBaseline } from "./build-report.js";
import { count, plural } from "./format.js";
import type { Verdict } from "./report-types.js";
import { adjacentVerdicts, liftVerdict, tooFewVerdict, topShareVerdict } from "./verdicts.js";

/**
 * Model health from running counts — what the outcome stage (services/outcomes) keeps per
 * scorecard × rubric version × tier at creation — with the backtest's own statistics and
 * verdicts: win rate by tier with its 95% Wilson interval, lift of the top tier over the
 * baseline (the lowest non-excluded tier with a closed deal) with its Katz interval, the
 * adjacent-tier verdicts ("Tier 1 and Tier 2 close at about the same rate"), the top tier's
 * share of the pool against the healthy band, and "too few closed deals" under 100. Pure.
 *
 * Running counts cannot give medians (the report's contract value and cycle length): the
 * means are given instead. The AUC needs every deal's total and is left to `icp backtest`.
 */
export interface LiveTierCounts {
  tier: { id: string; name: string; rank: number };
  excluded: boolean;
  opportunities: number;
  open: number;
  won: number;
  lost: number;
  /** USD. */
  wonAmountUsd: number;
  wonWithAmount: number;
  /** Sum over won deals, days. */
  wonDaysToClose: number;
}

export interface LivePoolTier {
  tier: { id: string; name: string; rank: number };
  excluded: boolean;
  accounts: number;
}

export interface LiveHealthInput {
  scorecard: string;
  rubricVersion: { hash: string; label?: string | undefined };
  /** This scorecard and rubric version's counts (any order; tiers with no opportunity may be left out). */
  tiers: readonly LiveTierCounts[];
  /** The scorecard's pool now: accounts per tier (every rubric version). */
  pool: readonly LivePoolTier[];
  /** The top tier's healthy share of the pool (default 10–15%, icp-scoring-methodology). */
  targetTopShare?: { low: number; high: number };
  minClosedDeals?: number;
}

export interface LiveTierRow {
  tier: string;
  name: string;
  rank: number;
  excluded: boolean;
  opportunities: number;
  open: number;
  won: number;
  lost: number;
  /** won / (won + lost), 0–1; null without a closed deal. */
  winRate: number | null;
  winRateInterval: Interval | null;
  lift: number | null;
  liftInterval: Interval | null;
  /** USD, over won deals with an amount; null when none. */
  averageContractValue: number | null;
  wonAmountUsd: number;
  /** Days, over won deals; null when none. */
  meanDaysToClose: number | null;
  /** Accounts of the pool in this tier now, and their share of the pool (0–1). */
  poolAccounts: number;
  poolShare: number;
}

export interface LiveHealth {
  scorecard: string;
  rubricVersion: { hash: string; label?: string | undefined };
  tiers: LiveTierRow[];
  liftBaseline: string | null;
  /** The top tier's lift over the baseline; null when either has no closed deal. */
  topLift: { top: string; baseline: string; ratio: number | null; interval: Interval | null } | null;
  overall: { opportunities: number; open: number; won: number; lost: number; closed: number; winRate: number | null; winRateInterval: Interval | null };
  pool: { accounts: number; topTierShare: number; target: { low: number; high: number }; status: "below" | "healthy" | "above" | "empty" };
  verdicts: Verdict[];
  headline: Verdict;
}

export function liveModelHealth(input: LiveHealthInput): LiveHealth {
  const target = input.targetTopShare ?? DEFAULT_TARGET_TOP_SHARE;
  const minClosed = input.minClosedDeals ?? DEFAULT_MIN_CLOSED_DEALS;
  const poolTotal = input.pool.reduce((n, p) => n + p.accounts, 0);
  const poolOf = (id: string) => input.pool.find((p) => p.tier.id === id)?.accounts ?? 0;
  const byId = new Map<string, { tier: LiveTierCounts["tier"]; excluded: boolean }>();
  for (const t of [...input.tiers, ...input.pool]) if (!byId.has(t.tier.id)) byId.set(t.tier.id, { tier: t.tier, excluded: t.excluded });
  const order = [...byId.values()].sort((a, b) => Number(a.excluded) - Number(b.excluded) || a.tier.rank - b.tier.rank);

  const rows: LiveTierRow[] = order.map(({ tier, excluded }) => {
    const c = input.tiers.find((t) => t.tier.id === tier.id);
    const won = c?.won ?? 0;
    const lost = c?.lost ?? 0;
    const closed = won + lost;
    return {
      tier: tier.id,
      name: tier.name,
      rank: tier.rank,
      excluded,
      opportunities: c?.opportunities ?? 0,
      open: c?.open ?? 0,
      won,
      lost,
      winRate: closed === 0 ? null : won / closed,
      winRateInterval: wilsonInterval(won, closed),
      lift: null,
      liftInterval: null,
      averageContractValue: c && c.wonWithAmount > 0 ? c.wonAmountUsd / c.wonWithAmount : null,
      wonAmountUsd: c?.wonAmountUsd ?? 0,
      meanDaysToClose: c && won > 0 ? c.wonDaysToClose / won : null,
      poolAccounts: poolOf(tier.id),
      poolShare: poolTotal === 0 ? 0 : poolOf(tier.id) / poolTotal,
    };
  });

  const baseline = setLiftAgainstBaseline(rows);
  const top = rows.find((r) => !r.excluded);
  const won = rows.reduce((n, r) => n + r.won, 0);
  const lost = rows.reduce((n, r) => n + r.lost, 0);
  const opportunities = rows.reduce((n, r) => n + r.opportunities, 0);
  const topTierShare = top?.poolShare ?? 0;
  const pool = {
    accounts: poolTotal,
    topTierShare,
    target: { low: target.low, high: target.high },
    status: poolTotal === 0 ? ("empty" as const) : topTierShare < target.low ? ("below" as const) : topTierShare > target.high ? ("above" as const) : ("healthy" as const),
  };

  const verdicts: Verdict[] = [];
  const tooFew = tooFewVerdict(won + lost, won, minClosed);
  if (tooFew) verdicts.push(tooFew);
  const lift = liftVerdict(top, baseline);
  verdicts.push(lift);
  verdicts.push(...adjacentVerdicts(rows));
  const share = topShareVerdict({ pool: { accounts: poolTotal, topTierShare, target: pool.target }, tiers: top ? [top] : [] });
  if (share) verdicts.push(share);
  const open = rows.reduce((n, r) => n + r.open, 0);
  if (open > 0) verdicts.push({ kind: "open_reported_apart", severity: "info", text: `${plural(open, "open opportunity", "open opportunities")} reported apart: counted in the pipeline, never as lost.` });

  let headline: Verdict;
  if (won + lost === 0) headline = { kind: "not_enough_evidence", severity: "warning", text: "Not enough evidence: no closed deal yet, so nothing can be said about win rates." };
  else if (won + lost >= minClosed || lift.kind === "not_enough_evidence" || lift.kind === "no_lift") headline = lift;
  else headline = { ...lift, text: `${lift.text} (Only ${count(won + lost)} closed deals: a first read, not a verdict.)` };

  return {
    scorecard: input.scorecard,
    rubricVersion: input.rubricVersion,
    tiers: rows,
    liftBaseline: baseline?.tier ?? null,
    topLift: top && baseline && top.won + top.lost > 0 ? { top: top.tier, baseline: baseline.tier, ratio: top.lift, interval: top.liftInterval } : null,
    overall: { opportunities, open, won, lost, closed: won + lost, winRate: won + lost === 0 ? null : won / (won + lost), winRateInterval: wilsonInterval(won, won + lost) },
    pool,
    verdicts,
    headline,
  };
}
