import { z } from "zod";
import type { AccountProfileEventV1, ContactEventV1, FitScoredEventV1 } from "@icpstream/contracts";
import { AccountKey, AccountProfile, Contact, IsoDateTime, scoreFit } from "@icpstream/scoring";
import type { DatedContact, Rubric } from "@icpstream/scoring";
import { assertSameAccount, PipelineError } from "./errors.js";
import { compareOccurrence } from "./instant.js";
import { outputEventId } from "./output-id.js";
import { fitDigest, fitPayload, rubricRef } from "./score-events.js";

/**
 * The fit service's decision: a profile or a contact record arrives → fit per scorecard →
 * publish what changed.
 *
 * State per account (JSON, stored as is): which profile is the newest seen, and per
 * scorecard the digest of the last published `fit_scored`. When the account has contacts,
 * the state also keeps the newest profile's content (a contact arriving later is scored
 * against it) and the newest record per contact id: fit is computed from the profile and the
 * buying committee the contacts form (see `scoreFit`).
 *
 * Out of order: a profile older than the stored one — by `occurredAt`, then `eventId` —
 * is ignored (the compacted firmographic topic may redeliver an older version); so is a
 * contact record older than the stored record of the same contact. The batch recompute
 * picks the same: the newest profile and the newest record per contact by that order. The
 * stored profile seen again with a later `occurredAt` keeps its scores and takes the later
 * instant, so an older profile arriving after it stays older, as in the batch.
 *
 * Fit does not depend on the clock, so this takes no `now`. A fit scored because of a
 * profile has the id `fit:<accountKey>:<scorecard>:<profile eventId>`; because of a contact
 * `…:<profile eventId>:<contact eventId>`. Its `occurredAt` is the profile's in both cases:
 * the combiner orders fits by that instant and the profile id, and of two fits of one
 * profile takes the later arrival (one account's fits are published in order on one
 * partition). Reprocessing the same inputs gives byte-identical outputs. Contacts arriving
 * before any profile are kept and scored when the profile comes; the profile's content is
 * kept whenever the rubric scores contacts, for the contacts that come after it.
 */
const Occurrence = z.object({ eventId: z.string().min(1), occurredAt: IsoDateTime });
export const FitState = z.object({
  v: z.literal(1),
  accountKey: AccountKey,
  /** The newest profile applied; absent while only contacts have arrived. */
  profile: Occurrence.optional(),
  /** Scorecard id → digest of the last published fit_scored. */
  published: z.record(z.string(), z.string()),
  /** The newest profile's content, kept when the rubric scores contacts (absent in states stored before contacts). */
  profileBody: AccountProfile.optional(),
  /** Contact id → its newest record (absent when the account has none). */
  contacts: z.record(z.string(), Occurrence.extend({ contact: Contact })).optional(),
});
export type FitState = z.infer<typeof FitState>;

export type Ignored = "duplicate" | "stale";

export interface FitTransition {
  state: FitState;
  outputs: FitScoredEventV1[];
  /** Why the input changed nothing, when it was not applied. */
  ignored?: Ignored;
}

/** At most this many contact records are kept per account; a record of yet another contact is refused (TOO_MANY_CONTACTS). */
export const MAX_STORED_CONTACTS = 1000;

const profileOf = (event: AccountProfileEventV1): AccountProfile => {
  const { type: _t, eventId: _e, occurredAt: _o, observedAt: _ob, source: _s, schemaVersion: _v, ...profile } = event;
  return profile;
};
const contactOf = (event: ContactEventV1): Contact => {
  const { type: _t, eventId: _e, occurredAt: _o, observedAt: _ob, source: _s, schemaVersion: _v, ...contact } = event;
  return contact;
};

/** The contact records the engine scores: each contact's newest record, dated with its instant (undefined when there are none). */
export function datedContactsOf(contacts: FitState["contacts"]): DatedContact[] | undefined {
  const entries = Object.values(contacts ?? {});
  if (entries.length === 0) return undefined;
  return entries.map((c) => ({ ...c.contact, occurredAt: c.occurredAt })).sort((a, b) => (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0));
}

/** Whether any scorecard of the rubric scores contacts (then the fit state keeps the profile's content). */
export const scoresContacts = (rubric: Rubric): boolean => rubric.scorecards.some((card) => card.contacts !== undefined);

/**
 * How a fit is scored beyond its inputs: under which promotion of the rubric (`epoch`, see
 * `RubricPromotedEventV1`; 0 is the rubric the service started with), and whether every
 * scorecard is published even when its digest did not change (`always`: a re-score after a
 * promotion tells the combiner the new epoch).
 */
export interface FitScoring {
  epoch?: number;
  always?: boolean;
}

function score(state: FitState, profile: AccountProfile, ids: { profile: string; cause: readonly string[] }, envelope: { occurredAt: string; observedAt: string }, rubric: Rubric, scoring: FitScoring = {}): { published: Record<string, string>; outputs: FitScoredEventV1[] } {
  const epoch = scoring.epoch ?? 0;
  const rubricVersion = rubricRef(rubric.version);
  const contacts = datedContactsOf(state.contacts);
  const occurredAt = envelope.occurredAt;
  const published: Record<string, string> = {};
  const outputs: FitScoredEventV1[] = [];
  for (const card of rubric.scorecards) {
    const payload = fitPayload(scoreFit(profile, card, contacts));
    const digest = fitDigest({ ...payload, rubricVersion });
    published[card.id] = digest;
    if (!scoring.always && state.published[card.id] === digest) continue;
    outputs.push({
      type: "fit_scored",
      // A score of a later promotion has an id of its own: the same inputs scored again are news.
      eventId: outputEventId("fit", [state.accountKey, card.id, ...ids.cause], epoch > 0 ? `~e${epoch}` : ""),
      accountKey: state.accountKey,
      occurredAt,
      observedAt: envelope.observedAt,
      source: "fit",
      schemaVersion: 1,
      scorecard: card.id,
      rubricVersion,
      ...payload,
      ...(epoch > 0 ? { rubricEpoch: epoch } : {}),
      causingEventIds: [ids.profile, ...ids.cause.slice(1)],
    });
  }
  return { published, outputs };
}

export function applyProfile(state: FitState | undefined, event: AccountProfileEventV1, rubric: Rubric, scoring: Omit<FitScoring, "always"> = {}): FitTransition {
  assertSameAccount(state?.accountKey, event.accountKey, "a profile");
  if (state?.profile) {
    if (state.profile.eventId === event.eventId) {
      // The same profile again, stamped later (a re-signed webhook or a re-read export that
      // gave no occurredAt): nothing to score, but the held instant moves to the later one,
      // the instant the batch recompute's newest-by-occurrence choice sees for it.
      if (compareOccurrence(event, state.profile) <= 0) return { state, outputs: [], ignored: "duplicate" };
      return { state: { ...state, profile: { eventId: event.eventId, occurredAt: event.occurredAt } }, outputs: [] };
    }
    if (compareOccurrence(event, state.profile) < 0) return { state, outputs: [], ignored: "stale" };
  }
  const base: FitState = state ?? { v: 1, accountKey: event.accountKey, published: {} };
  const profile = profileOf(event);
  const { published, outputs } = score(base, profile, { profile: event.eventId, cause: [event.eventId] }, event, rubric, scoring);
  const { profileBody: _old, ...rest } = base;
  const next: FitState = { ...rest, profile: { eventId: event.eventId, occurredAt: event.occurredAt }, published, ...(scoresContacts(rubric) ? { profileBody: profile } : {}) };
  return { state: next, outputs };
}

/**
 * A contact record → the account's fit again, when the account has a profile whose content
 * is held; otherwise the record is kept for when the profile comes. Throws TOO_MANY_CONTACTS
 * (not retryable: the record is dead-lettered) past `MAX_STORED_CONTACTS` contacts.
 */
export function applyContact(state: FitState | undefined, event: ContactEventV1, rubric: Rubric, scoring: Omit<FitScoring, "always"> = {}): FitTransition {
  assertSameAccount(state?.accountKey, event.accountKey, "a contact");
  const base: FitState = state ?? { v: 1, accountKey: event.accountKey, published: {} };
  const held = base.contacts?.[event.contactId];
  if (held) {
    if (held.eventId === event.eventId && compareOccurrence(event, held) <= 0) return { state: base, outputs: [], ignored: "duplicate" };
    if (compareOccurrence(event, held) < 0) return { state: base, outputs: [], ignored: "stale" };
  } else if (Object.keys(base.contacts ?? {}).length >= MAX_STORED_CONTACTS) {
    throw new PipelineError("TOO_MANY_CONTACTS", `${event.accountKey} already has ${MAX_STORED_CONTACTS} contacts; contact ${event.contactId} is not kept`);
  }
  const contacts = { ...base.contacts, [event.contactId]: { eventId: event.eventId, occurredAt: event.occurredAt, contact: contactOf(event) } };
  const withContact: FitState = { ...base, contacts };
  if (!base.profile || !base.profileBody) {
    // No profile yet, or a state stored before contacts (its profile content is not held):
    // the contact waits for the next profile.
    return { state: withContact, outputs: [] };
  }
  const { published, outputs } = score(withContact, base.profileBody, { profile: base.profile.eventId, cause: [base.profile.eventId, event.eventId] }, { occurredAt: base.profile.occurredAt, observedAt: event.observedAt }, rubric, scoring);
  return { state: { ...withContact, published }, outputs };
}

/** The profile content of a profile event (the envelope taken off). */
export const profileOfEvent = profileOf;

/**
 * After a rubric promotion: the account's fit again under `rubric` at `epoch`, every
 * scorecard published (changed or not), from the newest profile applied — its content as
 * the state holds it, else `profile` (read back from the compacted profile topic by the
 * caller) — and the contacts the state holds. An account with only contacts so far has
 * nothing to score: only its state's rubric-dependent parts are kept. `observedAt` is the
 * instant of the re-score.
 */
export function rescoreFit(state: FitState, profile: AccountProfile | undefined, rubric: Rubric, epoch: number, observedAt: string): FitTransition {
  const body = state.profileBody ?? profile;
  if (!state.profile || !body) return { state, outputs: [] };
  const { published, outputs } = score(state, body, { profile: state.profile.eventId, cause: [state.profile.eventId] }, { occurredAt: state.profile.occurredAt, observedAt }, rubric, { epoch, always: true });
  const { profileBody: _held, ...rest } = state;
  return { state: { ...rest, published, ...(scoresContacts(rubric) ? { profileBody: body } : {}) }, outputs };
}
