import { z } from "zod";
import { IsoDateTime } from "@icpstream/scoring";
import { envelopeShape } from "../envelope.js";
import { CausingEventIds, CommitteeV1, ContributionV1, LayerScoreV1, RubricVersionRef, ScorecardId, SignedScore, StrongSignalV1, TierCapV1 } from "./score-parts.js";

/**
 * Which promotion of the rubric a score was made under (`rubric_promoted.epoch`; 0, or
 * absent on events from before promotions existed, is the rubric the service started with).
 * The combiner keeps one epoch per account and ignores a score of an older one, so a score
 * made before a rollback is never mistaken for one made after it, although both name the
 * same rubric version.
 */
export const RubricEpoch = z.number().int().nonnegative().optional();

/**
 * `fit_scored` v1 — the fit service's score for one account on one scorecard, published
 * whenever it changes. `occurredAt` is the instant of the newest input it was scored from
 * (the profile, or a contact record of the account).
 */
export const FitScoredEventV1 = z.object({
  type: z.literal("fit_scored"),
  ...envelopeShape(1),
  scorecard: ScorecardId,
  rubricVersion: RubricVersionRef,
  fit: SignedScore,
  /** Hard-disqualified: kept and scored, but tiered as excluded. */
  excluded: z.boolean(),
  exclusions: z.array(z.object({ rule: z.string().min(1), reason: z.string().min(1) })).default([]),
  /** Soft disqualifiers that cap the tier (added in rubric semantics 2; absent on older events). */
  tierCaps: z.array(TierCapV1).max(20).default([]),
  layers: z.array(LayerScoreV1).default([]),
  contributions: z.array(ContributionV1).default([]),
  /**
   * The buying committee formed by the account's contacts, when it has any and the scorecard
   * scores contacts. Optional (added after v1 first shipped): absent on older events.
   */
  committee: CommitteeV1.optional(),
  rubricEpoch: RubricEpoch,
  causingEventIds: CausingEventIds,
});
export type FitScoredEventV1 = z.infer<typeof FitScoredEventV1>;

/**
 * `timing_scored` v1 — the timing service's score, published when a signal arrives or a
 * signal ages out. `occurredAt` is the as-of instant of the computation.
 */
export const TimingScoredEventV1 = z.object({
  type: z.literal("timing_scored"),
  ...envelopeShape(1),
  scorecard: ScorecardId,
  rubricVersion: RubricVersionRef,
  timing: SignedScore,
  /** A fresh match of a rule marked strong (inside its strong window): lifts the tier one step. */
  strongIntent: z.boolean(),
  /** The fresh strong-intent signals, freshest first (added in rubric semantics 2; absent on older events). */
  strongSignals: z.array(StrongSignalV1).max(50).default([]),
  /** Any live positive contribution. */
  hasTimingSignal: z.boolean(),
  /** The score stays constant until this instant unless an event arrives; null when nothing will age out. */
  nextChangeAt: IsoDateTime.nullable(),
  layers: z.array(LayerScoreV1).default([]),
  contributions: z.array(ContributionV1).default([]),
  rubricEpoch: RubricEpoch,
  causingEventIds: CausingEventIds,
});
export type TimingScoredEventV1 = z.infer<typeof TimingScoredEventV1>;

export const FitScoredFamilyV1 = z.discriminatedUnion("type", [FitScoredEventV1]);
export const TimingScoredFamilyV1 = z.discriminatedUnion("type", [TimingScoredEventV1]);
