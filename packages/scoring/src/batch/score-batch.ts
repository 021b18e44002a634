import type { AccountProfile } from "../domain/account-profile.js";
import type { Signal } from "../domain/signal.js";
import type { DatedContact } from "../contacts/score-contact.js";
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
  topTier: TopTierHealth;
  warnings: string[];
}

/**
 * The top tier's share of the pool against the scorecard's healthy band (methodology: "Tier A
 * should represent roughly 10-15% of your total account pool"; "if 60-70% of accounts score
 * as Tier A, the thresholds are too generous").
 */
export interface TopTierHealth {
  tier: string;
  name: string;
  /** Share of the pool, 0–1. */
  share: number;
  band: { min: number; max: number };
  status: "below" | "healthy" | "above" | "empty";
  /**
   * Outside the band: the top tier's `min` that would put the middle of the band there,
   * judged by total alone (holds, lifts and caps move some accounts); null otherwise.
   */
  suggestedMin: number | null;
}

export interface BatchResult {
  asOf: string;
  rankings: ScorecardRanking[];
  /** Signals whose account has no profile in the batch: not scored. */
  signalsWithoutProfile: number;
  /** Contacts whose account has no profile in the batch: not used. */
  contactsWithoutProfile: number;
  /** Extra copies of an account key: the copy with the smallest canonical JSON is scored. */
  duplicateProfiles: string[];
}

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

/**
 * `scores` in `compareScores` order. The sort keys are read once per score into flat entries,
 * so a pool of 100k accounts is not sorted by chasing four nested objects per comparison.
 */
function rank(scores: readonly AccountScore[]): AccountScore[] {
  const entries = scores.map((s) => ({ s, rank: s.result.tier.rank, total: s.result.total, fit: s.fit.score, timing: s.timing.score, key: s.accountKey }));
  entries.sort((a, b) => a.rank - b.rank || b.total - a.total || b.fit - a.fit || b.timing - a.timing || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return entries.map((e) => e.s);
}

export function tierDistribution(ranked: readonly AccountScore[], card: Rubric["scorecards"][number]): { distribution: TierShare[]; topTier: TopTierHealth; warnings: string[] } {
  const counts = new Map<string, number>();
  for (const s of ranked) counts.set(s.result.tier.id, (counts.get(s.result.tier.id) ?? 0) + 1);
  const total = ranked.length;
  const tiers = [...card.tiers.map((t) => ({ id: t.id, name: t.name })), { id: card.excluded.id, name: card.excluded.name }];
  const distribution = tiers.map((t) => {
    const count = counts.get(t.id) ?? 0;
    return { tier: t.id, name: t.name, count, share: total === 0 ? 0 : Math.round((count / total) * 10_000) / 10_000 };
  });
  const topTier = topTierHealth(distribution[0]?.share ?? 0, total, card, ranked.map((s) => s.result.total));
  const warning = topTierWarning(topTier, card, total);
  return { distribution, topTier, warnings: warning === undefined ? [] : [warning] };
}

/**
 * The top tier's health: its share (0–1) of a pool of `poolSize` accounts against the
 * scorecard's band; with the pool's totals, also the min that would fix it.
 */
export function topTierHealth(share: number, poolSize: number, card: Rubric["scorecards"][number], totals?: readonly number[]): TopTierHealth {
  const top = card.tiers[0] as Rubric["scorecards"][number]["tiers"][number];
  const band = card.topTierShare;
  const status = poolSize === 0 ? "empty" : share < band.min ? "below" : share > band.max ? "above" : "healthy";
  let suggestedMin: number | null = null;
  if (totals && totals.length > 0 && (status === "below" || status === "above")) {
    // The smallest whole-point min whose top tier (by total) holds no more than the band's middle.
    const sorted = [...totals].sort((a, b) => b - a);
    const wanted = Math.max(1, Math.round(((band.min + band.max) / 2) * sorted.length));
    const at = sorted[Math.min(wanted, sorted.length) - 1] ?? 100;
    suggestedMin = Math.min(100, Math.max(0, Math.ceil(at)));
  }
  return { tier: top.id, name: top.name, share, band, status, suggestedMin };
}

/** A warning for a top tier outside its band, saying which way to move the threshold; undefined when healthy. */
export function topTierWarning(health: TopTierHealth, card: Rubric["scorecards"][number], pool: number): string | undefined {
  if (health.status !== "below" && health.status !== "above") return undefined;
  const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
  const top = card.tiers[0];
  const where = `${card.name}: ${health.name} holds ${pct(health.share)} of ${pool} accounts, ${health.status} the healthy ${pct(health.band.min)}–${pct(health.band.max)}`;
  const move = health.status === "above" ? `raise ${health.name}'s min (${top?.min}): the thresholds are too generous` : `lower ${health.name}'s min (${top?.min}) or widen what earns it: the thresholds are too strict`;
  const hint = health.suggestedMin !== null && health.suggestedMin !== top?.min ? `; a min of ${health.suggestedMin} would put about ${pct((health.band.min + health.band.max) / 2)} there by total alone` : "";
  return `${where}; ${move}${hint}`;
}

/**
 * `contacts` (optional): the accounts' contacts, each dated with the instant its record
 * describes; given, every account has a buying committee (empty without contacts) on the
 * scorecards with a `contacts` section. Contacts of accounts not in the batch are counted in
 * `contactsWithoutProfile`.
 */
export function scoreBatch(input: { profiles: readonly AccountProfile[]; signals: readonly Signal[]; rubric: Rubric; asOf: string | number; scorecards?: readonly string[]; contacts?: readonly DatedContact[] }): BatchResult {
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

  const contactsOf = new Map<string, DatedContact[]>();
  let contactOrphans = 0;
  for (const contact of input.contacts ?? []) {
    if (!profiles.has(contact.accountKey)) {
      contactOrphans++;
      continue;
    }
    const list = contactsOf.get(contact.accountKey);
    if (list) list.push(contact);
    else contactsOf.set(contact.accountKey, [contact]);
  }
  const contactsFor = (key: string) => (input.contacts ? (contactsOf.get(key) ?? []) : undefined);

  const cards = input.scorecards ? input.rubric.scorecards.filter((c) => input.scorecards?.includes(c.id)) : input.rubric.scorecards;
  const rankings = cards.map((card) => {
    const ranked = rank([...profiles.values()].map(({ profile }) => scoreAccountOnScorecard(profile, byAccount.get(profile.accountKey) ?? [], card, input.rubric.version, asOfMs, contactsFor(profile.accountKey))));
    return { scorecard: card.id, name: card.name, ranked, ...tierDistribution(ranked, card) };
  });
  return { asOf: new Date(asOfMs).toISOString(), rankings, signalsWithoutProfile: orphans, contactsWithoutProfile: contactOrphans, duplicateProfiles: [...new Set(duplicates)].sort() };
}
