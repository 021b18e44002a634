import { z } from "zod";
import { Contact } from "@icpstream/scoring";
import { envelopeShape } from "../envelope.js";

/**
 * `contact` v1 — one person inside an account, as the source (CRM, Apollo, …) knows them now:
 * title, normalised seniority and department (derived from the title when absent), budget
 * authority, technical background, referred by a customer, engagement events, and whether the
 * person left the account. Each event is the whole contact record; the newest record per
 * `contactId` (by `occurredAt`, then `eventId`) is the truth. Keyed by the account key like
 * every input, so a contact's events reach the fit shard that holds its account.
 * `occurredAt` is the instant the record describes: engagement is aged to it.
 */
export const ContactEventV1 = Contact.extend({
  type: z.literal("contact"),
  ...envelopeShape(1),
});
export type ContactEventV1 = z.infer<typeof ContactEventV1>;

export const ContactsEventV1 = z.discriminatedUnion("type", [ContactEventV1]);
export type ContactsEventV1 = z.infer<typeof ContactsEventV1>;
