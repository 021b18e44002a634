import { z } from "zod";
import { IsoDateTime } from "@icpstream/scoring";
import { envelopeShape } from "../envelope.js";

/**
 * Outcomes from the CRM, kept for calibration: win rate, contract value and cycle length
 * by tier, and a predictive model once there are enough closed deals. `occurredAt` is
 * when the CRM recorded the change; `createdAt` / `closedAt` are the opportunity's dates.
 */
const opportunity = {
  ...envelopeShape(1),
  /** The CRM's opportunity (deal) id; the same id across created / won / lost. */
  opportunityId: z.string().min(1).max(200),
  name: z.string().min(1).max(500).optional(),
  /** Amount in USD (annualized contract value where the CRM has it). */
  amountUsd: z.number().nonnegative().optional(),
  createdAt: IsoDateTime,
};

export const OpportunityCreatedEventV1 = z.object({
  type: z.literal("opportunity_created"),
  ...opportunity,
});
export type OpportunityCreatedEventV1 = z.infer<typeof OpportunityCreatedEventV1>;

/**
 * A close may come from a CRM notification that carries neither the deal's creation date
 * nor its amount (a HubSpot `deal.propertyChange` on `dealstage`): both are optional on the
 * closing events (widened backward-compatibly: every event valid before still is), and the
 * outcome fold takes them from the deal's other events.
 */
const closing = {
  createdAt: IsoDateTime.optional(),
};

export const OpportunityClosedWonEventV1 = z.object({
  type: z.literal("opportunity_closed_won"),
  ...opportunity,
  ...closing,
  amountUsd: z.number().nonnegative().optional(),
  closedAt: IsoDateTime,
});
export type OpportunityClosedWonEventV1 = z.infer<typeof OpportunityClosedWonEventV1>;

export const LostReason = z.enum(["price", "competitor", "timing", "no_decision", "product_fit", "other"]);
export type LostReason = z.infer<typeof LostReason>;

export const OpportunityClosedLostEventV1 = z.object({
  type: z.literal("opportunity_closed_lost"),
  ...opportunity,
  ...closing,
  closedAt: IsoDateTime,
  lostReason: LostReason.optional(),
  /** The CRM's free-text reason, kept as written. */
  lostReasonDetail: z.string().min(1).max(2000).optional(),
});
export type OpportunityClosedLostEventV1 = z.infer<typeof OpportunityClosedLostEventV1>;

export const OutcomeEventV1 = z.discriminatedUnion("type", [OpportunityCreatedEventV1, OpportunityClosedWonEventV1, OpportunityClosedLostEventV1]);
export type OutcomeEventV1 = z.infer<typeof OutcomeEventV1>;
