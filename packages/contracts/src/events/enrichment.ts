import { z } from "zod";
import { AccountProfile, IsoDateTime } from "@icpstream/scoring";
import { envelopeShape } from "../envelope.js";
import { ScorecardId } from "./score-parts.js";

/**
 * `enrichment_requested` v1 — the enrichment waterfall asks for one account's next layer
 * (GTM article: "firmographic check → pass/fail → if pass, enrich technographics → score →
 * if above threshold, enrich organisational signals"). An enrichment worker (Clay, Apollo, or
 * the sample worker reading a CSV) answers with a profile update on the firmographic topic.
 * `eventId` is the request id: the same profile asks for the same step under the same id.
 */
export const EnrichmentRequestedEventV1 = z.object({
  type: z.literal("enrichment_requested"),
  ...envelopeShape(1),
  step: z.enum(["technographic", "organisational"]),
  /** The scorecard whose waterfall asked (the first, when several did). */
  scorecard: ScorecardId,
  /** For people: `passed the firmographic floor (18 ≥ 13 points): enrich technographics`. */
  reason: z.string().min(1).max(500),
  firmographicPoints: z.number(),
  fitBeforeOrganisational: z.number().optional(),
  /** The profile the decision was made on, which the answer completes: its id and instant (an answer is dated after it). */
  profileEventId: z.string().min(1).max(200),
  profileOccurredAt: IsoDateTime,
  profile: AccountProfile,
});
export type EnrichmentRequestedEventV1 = z.infer<typeof EnrichmentRequestedEventV1>;

export const EnrichmentRequestsEventV1 = z.discriminatedUnion("type", [EnrichmentRequestedEventV1]);
