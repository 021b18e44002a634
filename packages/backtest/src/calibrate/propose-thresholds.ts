import type { AccountScore, LoadedScorecard } from "@icpstream/scoring";
import { DEFAULT_TARGET_TOP_SHARE } from "../report/build-report.js";
import type { ScoredOpportunity } from "../score/point-in-time.js";
import { wilsonInterval } from "../stats/proportions.js";
import type { Interval } from "../stats/proportions.js";
import { Retier } from "./retier.js";

/**
 * Tier thresholds from outcomes. The references: "Tier A should represent roughly 10-15%
 * of your total account pool" and higher tiers should close at higher rates; recalibrate
 * monthly for three months, then quarterly (icp-scoring-methodology).
 *
 * The proposal, on whole-point thresholds:
 * 1. the top threshold: kept when the pool's top-tier share is already within the target
 *    band; otherwise the one whose share is closest to the band's middle (the share can
 *    only grow as the threshold falls, so the scan stops once it passes the band);
 * 2. the lower thresholds: kept (pushed below the top one if needed) when the tiers' win
 *    rates are ordered (each tier with closed deals wins at least as often as every tier
 *    below it); otherwise a coordinate search moves each, one at a time, to the value that
 *    leaves the least disorder, the nearest to the hand-set value on ties;
 * 3. repeated (at most three rounds) because a strong-intent lift into the top tier depends
 *    on the second tier's threshold.
 * Tier names, ids, actions and the bottom tier's 0 stay. Nothing here claims significance:
 * the before/after table shows each tier's win rate with its 95% interval.
 */
export interface TierSummary {
  tier: string;
  name: string;
  min: number;
  poolAccounts: number;
  poolShare: number;
  won: number;
  lost: number;
  winRate: number | null;
  winRateInterval: Interval | null;
}

export interface CalibrationResult {
  scorecard: string;
  target: { low: number; high: number };
  before: TierSummary[];
  after: TierSummary[];
  /** Tier minimums top down, before and after. */
  thresholds: { tier: string; name: string; before: number; after: number }[];
  changed: boolean;
  topShare: { before: number; after: number };
  ordered: { before: boolean; after: boolean };
  closedDeals: number;
  notes: string[];
}

const MAX_ROUNDS = 3;

export function proposeThresholds(input: { card: LoadedScorecard; pool: readonly AccountScore[]; opportunities: readonly ScoredOpportunity[]; target?: { low: number; high: number } }): CalibrationResult {
  const { card, pool } = input;
  const target = input.target ?? { ...DEFAULT_TARGET_TOP_SHARE };
  const closed = input.opportunities.filter((o) => o.opportunity.stage !== "open");
  const wonFlags = closed.map((o) => o.opportunity.stage === "won");
  const poolRetier = new Retier(card, pool);
  const dealRetier = new Retier(card, closed.map((o) => o.score));
  const tierCount = card.tiers.length;
  const original = card.tiers.map((t) => t.min);
  const notes: string[] = [];

  const topShare = (mins: readonly number[]) => {
    if (pool.length === 0) return 0;
    const ranks = poolRetier.ranks(mins, pool.length);
    let top = 0;
    for (const r of ranks) if (r === 1) top++;
    return top / pool.length;
  };
  const winRates = (mins: readonly number[]) => {
    const ranks = dealRetier.ranks(mins, closed.length);
    const won = new Array<number>(tierCount + 2).fill(0);
    const all = new Array<number>(tierCount + 2).fill(0);
    ranks.forEach((r, i) => {
      all[r] = (all[r] ?? 0) + 1;
      if (wonFlags[i]) won[r] = (won[r] ?? 0) + 1;
    });
    return Array.from({ length: tierCount }, (_, i) => ((all[i + 1] ?? 0) === 0 ? null : (won[i + 1] ?? 0) / (all[i + 1] as number)));
  };
  /** How far the win rates are from ordered: the sum of every rise from a tier to one below it. 0 = ordered. */
  const disorder = (mins: readonly number[]) => {
    const rates = winRates(mins).filter((r): r is number => r !== null);
    let d = 0;
    for (let i = 0; i < rates.length; i++) for (let j = i + 1; j < rates.length; j++) d += Math.max(0, (rates[j] as number) - (rates[i] as number));
    return d;
  };
  /** Top threshold t with the lower ones pushed below it; undefined when they do not fit. */
  const withTop = (t: number, lower: readonly number[]) => {
    const mins = [t, ...lower.slice(1)];
    for (let i = 1; i < tierCount - 1; i++) mins[i] = Math.min(mins[i] as number, (mins[i - 1] as number) - 1);
    mins[tierCount - 1] = 0;
    return mins.slice(0, tierCount - 1).every((m) => m > 0) || tierCount === 1 ? mins : undefined;
  };

  let mins = [...original];
  if (tierCount < 2) notes.push(`${card.name} has a single tier: there is no threshold to calibrate`);
  else if (pool.length === 0) notes.push("the pool is empty: the top tier's share cannot be measured, the thresholds are kept");
  else {
    const middle = (target.low + target.high) / 2;
    const within = (s: number) => s >= target.low && s <= target.high;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const before = [...mins];
      if (!within(topShare(mins))) {
        let best: { mins: number[]; share: number; distance: number } | undefined;
        for (let t = 99; t >= tierCount - 1; t--) {
          const candidate = withTop(t, mins);
          if (!candidate) break;
          const share = topShare(candidate);
          const distance = within(share) ? Math.abs(share - middle) : 1 + Math.min(Math.abs(share - target.low), Math.abs(share - target.high));
          if (!best || distance < best.distance) best = { mins: candidate, share, distance };
          if (share > target.high) break;
        }
        if (best) mins = best.mins;
      }
      if (tierCount >= 3 && closed.length > 0 && disorder(mins) > 0) {
        for (let pass = 0; pass < 3; pass++) {
          for (let i = 1; i < tierCount - 1; i++) {
            let bestValue = mins[i] as number;
            let bestDisorder = disorder(mins);
            for (let v = (mins[i + 1] as number) + 1; v <= (mins[i - 1] as number) - 1; v++) {
              const candidate = [...mins];
              candidate[i] = v;
              const d = disorder(candidate);
              if (d < bestDisorder - 1e-12 || (Math.abs(d - bestDisorder) <= 1e-12 && Math.abs(v - (original[i] as number)) < Math.abs(bestValue - (original[i] as number)))) {
                bestValue = v;
                bestDisorder = d;
              }
            }
            mins[i] = bestValue;
          }
        }
      }
      if (mins.every((m, i) => m === before[i])) break;
    }
    const share = topShare(mins);
    if (!within(share)) notes.push(`no whole-point threshold puts ${card.tiers[0]?.name} within ${Math.round(target.low * 100)}–${Math.round(target.high * 100)}% of the pool (many accounts share a score); the closest gives ${(share * 100).toFixed(1)}%`);
    if (closed.length > 0 && disorder(mins) > 0) notes.push("no thresholds found that order the tiers' win rates: the rubric's weights, not its thresholds, need work (icp learn)");
    if (closed.length === 0) notes.push("no closed deal: the thresholds are set from the pool's shares alone");
  }

  const summarize = (m: readonly number[]): TierSummary[] => {
    const poolRanks = poolRetier.ranks(m, pool.length);
    const dealRanks = dealRetier.ranks(m, closed.length);
    return card.tiers.map((t, i) => {
      let accounts = 0;
      for (const r of poolRanks) if (r === i + 1) accounts++;
      let won = 0;
      let lost = 0;
      dealRanks.forEach((r, k) => {
        if (r !== i + 1) return;
        if (wonFlags[k]) won++;
        else lost++;
      });
      return { tier: t.id, name: t.name, min: m[i] as number, poolAccounts: accounts, poolShare: pool.length === 0 ? 0 : accounts / pool.length, won, lost, winRate: won + lost === 0 ? null : won / (won + lost), winRateInterval: wilsonInterval(won, won + lost) };
    });
  };
  const before = summarize(original);
  const after = summarize(mins);
  return {
    scorecard: card.id,
    target,
    before,
    after,
    thresholds: card.tiers.map((t, i) => ({ tier: t.id, name: t.name, before: original[i] as number, after: mins[i] as number })),
    changed: mins.some((m, i) => m !== original[i]),
    topShare: { before: before[0]?.poolShare ?? 0, after: after[0]?.poolShare ?? 0 },
    ordered: { before: disorder(original) === 0, after: disorder(mins) === 0 },
    closedDeals: closed.length,
    notes,
  };
}
