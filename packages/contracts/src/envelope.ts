import { z } from "zod";
import { AccountKey, IsoDateTime } from "@icpstream/scoring";

/**
 * The envelope every event carries, defined once. Event contracts are flat: the
 * envelope's fields sit beside the event's own fields and its `type`, so a signal event
 * *is* a scoring `Signal` (plus `observedAt` and `schemaVersion`) and a profile event
 * *is* an `AccountProfile` — the words on the wire are the words the engine scores.
 *
 * - `eventId`: globally unique; the same id seen twice is one event (consumers dedupe on it).
 * - `accountKey`: the normalized domain (`acme.com`); also the Kafka message key, so one
 *   account's events stay ordered on one partition.
 * - `occurredAt`: when it happened in the world. `observedAt`: when we received or produced it.
 * - `source`: the feed or service that produced it (`apollo`, `bombora`, `website`, `fit`, …).
 * - `schemaVersion`: the contract version of this event type (not the registry's subject version).
 */
export const EventId = z.string().min(1).max(200);
export const Source = z.string().min(1).max(100);

export function envelopeShape<V extends number>(schemaVersion: V) {
  return {
    eventId: EventId,
    accountKey: AccountKey,
    occurredAt: IsoDateTime,
    observedAt: IsoDateTime,
    source: Source,
    schemaVersion: z.literal(schemaVersion),
  };
}

/** The envelope on its own: what every contract version shares (checked by a test). */
export const Envelope = z.object({ ...envelopeShape(1), schemaVersion: z.number().int().positive(), type: z.string().min(1) });
export type Envelope = z.infer<typeof Envelope>;
