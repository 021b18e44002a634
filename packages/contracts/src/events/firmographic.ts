import { z } from "zod";
import { AccountProfile } from "@icpstream/scoring";
import { envelopeShape } from "../envelope.js";

/**
 * `account_profile` v1 — who the account is: firmographics, technographics, organisational
 * attributes and anti-ICP facts (an entrenched competitor's contract end date, a hiring
 * freeze, a regulatory blocker…). Each event is the whole profile as the source knows it
 * now; the firmographic topic is compacted, so the newest profile per account is kept.
 */
export const AccountProfileEventV1 = AccountProfile.extend({
  type: z.literal("account_profile"),
  ...envelopeShape(1),
});
export type AccountProfileEventV1 = z.infer<typeof AccountProfileEventV1>;

export const FirmographicEventV1 = z.discriminatedUnion("type", [AccountProfileEventV1]);
export type FirmographicEventV1 = z.infer<typeof FirmographicEventV1>;
