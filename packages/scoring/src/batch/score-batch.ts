import type { AccountProfile } from "../domain/account-profile.js";
import type { Signal } from "../domain/signal.js";
import { toEpochMs } from "../domain/time.js";
import type { Rubric } from "../rubric/load-rubric.js";
import { canonicalJson } from "../rubric/canonical-json.js";
import { scoreAccountOnScorecard } from "../score-account.js";
import type { AccountScore } from "../score-account.js";

/**
 * Scores a whole pool: every profile on every scorecard (or the chosen ones), ranked.
 * The result depends only on the set of profiles and signals, the rubric and `asOf`,
 * never on their order; the streaming pipeline's end state must equal this.
 */

export interface TierShare {
  tier: string;
  name: string;
  count: number;
  /** Share of the pool, 0–1, four decimals. */
  share: number;
}

export interface ScorecardRanking {
  scorecard: string;
  name: string;
  ranked: AccountScore[];
  distribution: TierShare[];
  warnings: string[];
}

export interface BatchResult {
  asOf: string;
  rankings: ScorecardRanking[];
  /** Signals whose account has no profile in the batch: not scored. */
  signalsWithoutProfile: number;
  /** Extra copies of an account key: the copy with the smallest canonical JSON is scored. */
  duplicateProfiles: string[];
}

/** A healthy model puts roughly 10–15% of the pool in the top tier. */
export const TOP_TIER_WARNING_SHARE = 0.15;

/** Ranking order: tier, then total, fit and timing (highest first), then account key. Excluded accounts last. */
export function compareScores(a: AccountScore, b: AccountScore): number {
  return (
    a.result.tier.rank - b.result.tier.rank ||
    b.result.total - a.result.total ||
    b.fit.score - a.fit.score ||
    b.timing.score - a.timing.score ||
    (a.accountKey < b.accountKey ? -1 : a.accountKey > b.accountKey ? 1 : 0)
  );
}

export function tierDistribution(ranked: readonly AccountScore[], card: Rubric["scorecards"][number]): { distribution: TierShare[]; warnings: string[] } {
  const counts = new Map<string, number>();
  for (const s of ranked) counts.set(s.result.tier.id, (counts.get(s.result.tier.id) ?? 0) + 1);
  const total = ranked.length;
  const tiers = [...card.tiers.map((t) => ({ id: t.id, name: t.name })), { id: card.excluded.id, name: card.excluded.name }];
  const distribution = tiers.map((t) => {
    const count = counts.get(t.id) ?? 0;
    return { tier: t.id, name: t.name, count, share: total === 0 ? 0 : Math.round((count / total) * 10_000) / 10_000 };
  });
  const warnings: string[] = [];
  const top = distribution[0];
  if (top && top.share > TOP_TIER_WARNING_SHARE) {
    warnings.push(
      `${card.name}: ${top.name} holds ${(top.share * 100).toFixed(1)}% of ${total} accounts; a healthy model puts 10–15% there, so the thresholds may be too generous`,
    );
  }
  return { distribution, warnings };
}

export function scoreBatch(input: { profiles: readonly AccountProfile[]; signals: readonly Signal[]; rubric: Rubric; asOf: string | number; scorecards?: readonly string[] }): BatchResult {
  const asOfMs = typeof input.asOf === "number" ? input.asOf : toEpochMs(input.asOf);

  const profiles = new Map<string, { profile: AccountProfile }>();
  const duplicates: string[] = [];
  for (const profile of input.profiles) {
    const seen = profiles.get(profile.accountKey);
    if (!seen) profiles.set(profile.accountKey, { profile });
    else {
      duplicates.push(profile.accountKey);
      // Keep the same copy whatever the input order: the smallest canonical JSON.
      if (canonicalJson(profile) < canonicalJson(seen.profile)) profiles.set(profile.accountKey, { profile });
    }
  }

  const byAccount = new Map<string, Signal[]>();
  let orphans = 0;
  for (const signal of input.signals) {
    if (!profiles.has(signal.accountKey)) {
      orphans++;
      continue;
    }
    const list = byAccount.get(signal.accountKey);
    if (list) list.push(signal);
    else byAccount.set(signal.accountKey, [signal]);
  }

  const cards = input.scorecards ? input.rubric.scorecards.filter((c) => input.scorecards?.includes(c.id)) : input.rubric.scorecards;
  const rankings = cards.map((card) => {
    const ranked = [...profiles.values()].map(({ profile }) => scoreAccountOnScorecard(profile, byAccount.get(profile.accountKey) ?? [], card, input.rubric.version, asOfMs)).sort(compareScores);
    return { scorecard: card.id, name: card.name, ranked, ...tierDistribution(ranked, card) };
  });
  return { asOf: new Date(asOfMs).toISOString(), rankings, signalsWithoutProfile: orphans, duplicateProfiles: [...new Set(duplicates)].sort() };
}
