import type { AccountProfileEventV1, ContactEventV1, QuadrantV1, SignalEventV1 } from "@icpstream/contracts";
import { combine, scoreFit, scoreTiming } from "@icpstream/scoring";
import type { LoadedScorecard, Rubric, Signal } from "@icpstream/scoring";
import type { CombinerState } from "./combiner-handler.js";
import { datedContactsOf } from "./fit-handler.js";
import type { EpochMs } from "./instant.js";
import { compareOccurrence, toEpochMs } from "./instant.js";
import { DEFAULT_FUTURE_TOLERANCE_MS } from "./timing-handler.js";
import { toSignal } from "./signal-event.js";
import { emptyTimingDigest, fitDigest, fitPayload, rubricRef, timingDigest, timingPayload } from "./score-events.js";

/**
 * What the streaming pipeline must end with, computed in one pass from the same events,
 * with the engine's functions and none of the incremental handlers: the central test's
 * oracle. Per account and scorecard:
 * - fit: of the account's newest profile (by `occurredAt`, then `eventId` — the fit
 *   handler's choice for out-of-order profiles) and the newest record of each of its
 *   contacts (same order), when it has any; null without a profile;
 * - timing: of all the account's signals at `now` (duplicates by event id count once; a
 *   signal dated more than `futureToleranceMs` after its `observedAt` is left out, as the
 *   timing service dead-letters it);
 *   null when it equals "no timing" (no signal that still scores);
 * - tier: `combine` of the two (missing timing = no timing); null without a profile.
 * Entries with neither fit nor timing are left out, as the combiner never hears of them.
 */
export interface FinalScore {
  accountKey: string;
  scorecard: string;
  fit: { score: number; excluded: boolean; digest: string } | null;
  timing: { score: number; strongIntent: boolean; hasTimingSignal: boolean; digest: string } | null;
  tier: { id: string; name: string; rank: number; quadrant: QuadrantV1 } | null;
}

export function recomputeFinalState(input: { profiles: readonly AccountProfileEventV1[]; signals: readonly SignalEventV1[]; contacts?: readonly ContactEventV1[]; rubric: Rubric; now: EpochMs; futureToleranceMs?: number }): FinalScore[] {
  const { rubric, now } = input;
  const tolerance = input.futureToleranceMs ?? DEFAULT_FUTURE_TOLERANCE_MS;
  const rubricVersion = rubricRef(rubric.version);

  const newest = new Map<string, AccountProfileEventV1>();
  for (const profile of input.profiles) {
    const seen = newest.get(profile.accountKey);
    if (!seen || compareOccurrence(profile, seen) > 0) newest.set(profile.accountKey, profile);
  }
  const newestContacts = new Map<string, ContactEventV1>();
  for (const contact of input.contacts ?? []) {
    const key = `${contact.accountKey}\u0000${contact.contactId}`;
    const seen = newestContacts.get(key);
    if (!seen || compareOccurrence(contact, seen) > 0) newestContacts.set(key, contact);
  }
  const contactsOf = new Map<string, ContactEventV1[]>();
  for (const contact of newestContacts.values()) contactsOf.set(contact.accountKey, [...(contactsOf.get(contact.accountKey) ?? []), contact]);
  const signals = new Map<string, Signal[]>();
  for (const event of input.signals) {
    if (toEpochMs(event.occurredAt) - toEpochMs(event.observedAt) > tolerance) continue;
    const list = signals.get(event.accountKey) ?? [];
    list.push(toSignal(event));
    signals.set(event.accountKey, list);
  }

  const accounts = [...new Set([...newest.keys(), ...signals.keys()])].sort();
  const out: FinalScore[] = [];
  for (const accountKey of accounts) {
    const profile = newest.get(accountKey);
    const contacts = datedContactsOf(Object.fromEntries((contactsOf.get(accountKey) ?? []).map((c) => [c.contactId, { eventId: c.eventId, occurredAt: c.occurredAt, contact: c }])));
    for (const card of rubric.scorecards) {
      const fit = profile ? scoreFit(profile, card, contacts) : undefined;
      const timing = scoreTiming(signals.get(accountKey) ?? [], card, now);
      const timingView = { ...timingPayload(timing), rubricVersion };
      const tDigest = timingDigest(timingView);
      const fitView = fit ? { score: fit.score, excluded: fit.excluded, digest: fitDigest({ ...fitPayload(fit), rubricVersion }) } : null;
      const timingScore = tDigest === emptyTimingDigest(card, rubric.version) ? null : { score: timing.score, strongIntent: timing.strongIntent, hasTimingSignal: timing.hasTimingSignal, digest: tDigest };
      if (!fitView && !timingScore) continue;
      const combined = fit ? combine(fit, timing, card) : undefined;
      out.push({
        accountKey,
        scorecard: card.id,
        fit: fitView,
        timing: timingScore,
        tier: combined ? { id: combined.tier.id, name: combined.tier.name, rank: combined.tier.rank, quadrant: combined.quadrant } : null,
      });
    }
  }
  return out;
}

/**
 * The same view of where the streaming pipeline ended: the combiner's stored fit and
 * timing per scorecard and the tier it last published. Comparable with
 * `recomputeFinalState` by deep equality.
 */
export function finalScoresOf(states: Iterable<CombinerState>, rubric: Rubric): FinalScore[] {
  const out: FinalScore[] = [];
  const sorted = [...states].sort((a, b) => (a.accountKey < b.accountKey ? -1 : a.accountKey > b.accountKey ? 1 : 0));
  for (const state of sorted) {
    if (state.rubricHash !== rubric.version.hash) continue;
    for (const card of rubric.scorecards) {
      const entry = finalScoreOf(state, card, rubric);
      if (entry) out.push(entry);
    }
  }
  return out;
}

function finalScoreOf(state: CombinerState, card: LoadedScorecard, rubric: Rubric): FinalScore | null {
  const stored = state.scorecards[card.id];
  if (!stored) return null;
  const fit = stored.fit ? { score: stored.fit.score, excluded: stored.fit.excluded, digest: stored.fit.digest } : null;
  const t = stored.timing;
  const timing = t && t.digest !== emptyTimingDigest(card, rubric.version) ? { score: t.score, strongIntent: t.strongIntent, hasTimingSignal: t.hasTimingSignal, digest: t.digest } : null;
  if (!fit && !timing) return null;
  const tier = stored.tier ? { id: stored.tier.id, name: stored.tier.name, rank: stored.tier.rank, quadrant: stored.tier.quadrant } : null;
  return { accountKey: state.accountKey, scorecard: card.id, fit, timing, tier };
}
