import { z } from "zod";
import { IsoDateTime } from "@icpstream/scoring";
import { envelopeShape, EventId } from "../envelope.js";
import { RubricVersionRef, Score, ScorecardId, TierRefV1 } from "./score-parts.js";

/**
 * `outcome_scored` v1 — an opportunity (from the outcome topic) with the account's tier on
 * one scorecard when the opportunity was created and when it closed, as the tier-changed
 * topic told it: the tier change in force at that instant (the newest with `occurredAt` at
 * or before it). One event per opportunity and scorecard, and a new revision whenever what
 * it says changes (the deal closed, reopened, or a tier change dated before one of its
 * instants arrived late); the newest revision is the truth. The outcome stage
 * (services/outcomes) publishes it; the win rates by tier are counted by the tier at
 * creation, as `icp backtest` counts them.
 */
export const TierAtInstantV1 = z.object({
  tier: TierRefV1,
  /** The total the tier change carried (0–100): the total when the tier last moved, not a score recomputed at the instant. */
  total: Score,
  excluded: z.boolean(),
  rubricVersion: RubricVersionRef,
  /** The tier change in force at the instant, and when it happened. */
  tierChangedEventId: EventId,
  since: IsoDateTime,
});
export type TierAtInstantV1 = z.infer<typeof TierAtInstantV1>;

export const OutcomeScoredEventV1 = z.object({
  type: z.literal("outcome_scored"),
  ...envelopeShape(1),
  opportunityId: z.string().min(1).max(200),
  scorecard: ScorecardId,
  /** 1 for the first event of this opportunity and scorecard, +1 for each correction. */
  revision: z.number().int().positive(),
  stage: z.enum(["open", "won", "lost"]),
  createdAt: IsoDateTime,
  closedAt: IsoDateTime.optional(),
  /** Amount in USD (the outcome contract's unit), when the CRM gave one. */
  amountUsd: z.number().nonnegative().optional(),
  /** Days from creation to close (fractional), when closed. */
  daysToClose: z.number().nonnegative().optional(),
  atCreation: TierAtInstantV1,
  /** null while open. */
  atClose: TierAtInstantV1.nullable(),
});
export type OutcomeScoredEventV1 = z.infer<typeof OutcomeScoredEventV1>;

export const OutcomeScoredFamilyV1 = z.discriminatedUnion("type", [OutcomeScoredEventV1]);
