import { z } from "zod";
import { ExternalId, IsoDateTime } from "@icpstream/scoring";
import { EventId, Source } from "../envelope.js";

/**
 * `parked_item` v1 — a third-party payload item whose account is known only by an id in
 * another system (a HubSpot company or deal id, a Segment groupId) that the id → account
 * index does not hold yet. Kept here, keyed by its first id (`<system>:<id>`), until the
 * resolver learns the id from a profile or an outcome and releases the item through its
 * source's mapping; past the resolver's bound it is dead-lettered with the reason. The only
 * contract without an account key: it has none yet.
 */
export const ParkedItemEventV1 = z.object({
  type: z.literal("parked_item"),
  /** `park:<the item's stable event id>`: a retried delivery parks the same item once. */
  eventId: EventId,
  /** The message key: the first unresolved id, `<system>:<id>`. */
  parkKey: z.string().min(3).max(300),
  /** When the gateway received the item. */
  occurredAt: IsoDateTime,
  observedAt: IsoDateTime,
  /** The source (its mapping's name in the route, `hubspot`). */
  source: Source,
  schemaVersion: z.literal(1),
  /** The vendor's event id (or the item's content hash). */
  vendorEventId: z.string().min(1).max(200),
  /** Every id that could name the item's account. */
  ids: z.array(ExternalId).min(1).max(20),
  /** The item as the vendor sent it, JSON text (the gateway's body limit bounds it). */
  item: z.string().min(2).max(1_048_576),
  /** The instant the item's records default to (the signature's, else the receipt's). */
  defaultOccurredAt: IsoDateTime,
});
export type ParkedItemEventV1 = z.infer<typeof ParkedItemEventV1>;

export const ParkedEventV1 = z.discriminatedUnion("type", [ParkedItemEventV1]);
export type ParkedEventV1 = z.infer<typeof ParkedEventV1>;
