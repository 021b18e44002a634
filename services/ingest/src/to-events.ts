import { TOPICS, eventTypesOf } from "@icpstream/contracts";
import type { AccountProfileEventV1, ContactEventV1, INPUT_TOPIC_IDS, SignalEventV1 } from "@icpstream/contracts";
import { SIGNAL_TYPES, derivedEventId } from "@icpstream/scoring";
import type { AccountProfile, Contact, Signal, SignalType } from "@icpstream/scoring";

/**
 * Domain objects (what scoring's row parsers produce) → events on the wire: the envelope's
 * `observedAt`, `schemaVersion` and `source` are added; nothing else changes, so the words
 * stay the scoring package's words.
 */
export type SignalTopicId = "hiring" | "funding" | "intent";
export type InputTopicId = (typeof INPUT_TOPIC_IDS)[number];

/** Which topic carries each signal type, read from the catalog (one topic per type). */
export const SIGNAL_TOPIC: Readonly<Record<SignalType, SignalTopicId>> = Object.fromEntries(
  SIGNAL_TYPES.map((type) => {
    const topic = (["hiring", "funding", "intent"] as const).find((id) => eventTypesOf(TOPICS[id]).includes(type));
    if (!topic) throw new Error(`no topic carries signal type ${type}`);
    return [type, topic];
  }),
) as Record<SignalType, SignalTopicId>;

export interface Observation {
  /** When we read or received it. */
  observedAt: string;
  /** Used when the record names no source of its own. */
  source: string;
}

export function signalEvent(signal: Signal, seen: Observation): SignalEventV1 {
  return { ...signal, source: signal.source ?? seen.source, observedAt: seen.observedAt, schemaVersion: 1 } as SignalEventV1;
}

/**
 * A profile snapshot as an event. The id is derived from the content and source, so the
 * same export ingested twice yields the same events (consumers drop the repeat).
 * `occurredAt` is when the source's data was read, unless the caller knows better.
 */
export function profileEvent(profile: AccountProfile, seen: Observation & { occurredAt?: string }): AccountProfileEventV1 {
  return { ...profile, type: "account_profile", ...snapshotEnvelope({ profile, source: seen.source }, seen) };
}

/**
 * A contact record as an event, like a profile: the id is derived from the content and
 * source (the same export ingested twice is one set of events), `occurredAt` is when the
 * source's data was read (the instant the record describes: its engagement is aged to it).
 */
export function contactEvent(contact: Contact, seen: Observation & { occurredAt?: string }): ContactEventV1 {
  return { ...contact, type: "contact", ...snapshotEnvelope({ contact, source: seen.source }, seen) };
}

/** The envelope of a snapshot read from a source: an id derived from `identity` (content and source), dated when it was read unless told. */
function snapshotEnvelope(identity: object, seen: Observation & { occurredAt?: string }) {
  return { eventId: derivedEventId(identity), occurredAt: seen.occurredAt ?? seen.observedAt, observedAt: seen.observedAt, source: seen.source, schemaVersion: 1 as const };
}
