import { z } from "zod";
import { IsoDateTime } from "@icpstream/scoring";
import type { Quadrant } from "@icpstream/scoring";
import { EventId } from "../envelope.js";

/**
 * Pieces the output contracts share. They mirror the scoring package's result types
 * (`Contribution`, `LayerResult`, `TierRef`, `Quadrant`, `RubricVersion`) so a score on
 * the wire explains itself exactly as `icp explain` does.
 */
export const ScorecardId = z.string().regex(/^[a-z][a-z0-9_-]*$/, "expected a scorecard id (lower-case letters, digits, - and _)").max(64);
/** A total: 0–100. */
export const Score = z.number().min(0).max(100);
/**
 * A component of a total (fit, timing, a timing layer): −100–100. Negative when deductions
 * or negative behaviour outweigh the rest, so that the total sees them; only the total is
 * clamped to 0–100. (Before the scoring semantics of rubric version 2 these were 0–100, which
 * this range includes: older events stay valid.)
 */
export const SignedScore = z.number().min(-100).max(100);

/** The rubric that produced a score: sha256 of its canonical JSON, and its human label. */
export const RubricVersionRef = z.object({
  hash: z.string().regex(/^[0-9a-f]{64}$/, "expected the rubric's sha256 in lower-case hex"),
  label: z.string().min(1).max(200).optional(),
});
export type RubricVersionRef = z.infer<typeof RubricVersionRef>;

export const EvidenceV1 = z.object({
  description: z.string().min(1).max(1000),
  eventId: EventId.optional(),
  occurredAt: IsoDateTime.optional(),
  ageDays: z.number().nonnegative().optional(),
  factor: z.number().min(0).max(1).optional(),
  points: z.number(),
});

/** One rule's share of a score, after decay and caps; negative for deductions. */
export const ContributionV1 = z.object({
  rule: z.string().min(1).max(200),
  layer: z.string().min(1).max(100),
  label: z.string().min(1).max(500),
  points: z.number(),
  evidence: z.array(EvidenceV1).max(100).default([]),
});
export type ContributionV1 = z.infer<typeof ContributionV1>;

export const LayerScoreV1 = z.object({
  id: z.string().min(1).max(100),
  points: z.number(),
  /** The layer as −100–100 (points over its max, or over |min| for a negative-only layer). */
  score: SignedScore.optional(),
});
export type LayerScoreV1 = z.infer<typeof LayerScoreV1>;

export const TierRefV1 = z.object({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  /** 1 for the top tier; the excluded tier ranks after every other. */
  rank: z.number().int().positive(),
});
export type TierRefV1 = z.infer<typeof TierRefV1>;

export const QuadrantV1 = z.enum(["top_priority", "nurture_for_timing", "qualify_carefully", "deprioritize"]);
export type QuadrantV1 = z.infer<typeof QuadrantV1>;
// The wire's quadrants are the engine's quadrants, word for word: this fails to compile if they drift.
const _sameQuadrants: [Quadrant, QuadrantV1] extends [QuadrantV1, Quadrant] ? true : never = true;
void _sameQuadrants;

/** A soft disqualifier that caps the tier: the account is never above `tierId`. */
export const TierCapV1 = z.object({
  tierId: z.string().min(1).max(64),
  rule: z.string().min(1).max(200),
  reason: z.string().min(1).max(500),
});
export type TierCapV1 = z.infer<typeof TierCapV1>;

/** A fresh strong-intent signal: lifts the tier one step from the fit-based tier until `strongUntil`. */
export const StrongSignalV1 = z.object({
  rule: z.string().min(1).max(200),
  label: z.string().min(1).max(500),
  eventId: EventId,
  occurredAt: IsoDateTime,
  description: z.string().min(1).max(1000),
  strongUntil: IsoDateTime,
});
export type StrongSignalV1 = z.infer<typeof StrongSignalV1>;

/** The input events a score was computed from (the ones that changed it, newest last). */
export const CausingEventIds = z.array(EventId).max(1000);

/** A buying role (`economic_buyer`, `champion`, `technical_evaluator`, `user`). */
export const BuyingRoleV1 = z.enum(["economic_buyer", "champion", "technical_evaluator", "user"]);

/**
 * The contact a seller should reach first at an account: id (in the CRM it came from), title,
 * score and roles, and why — so a sequencer enrolls the right person.
 */
export const BestContactV1 = z.object({
  contactId: z.string().min(1).max(200),
  title: z.string().min(1).max(300).optional(),
  score: z.number(),
  roles: z.array(BuyingRoleV1).max(4),
  /** For people: `economic buyer; budget authority +20, engaged with content +15`. */
  why: z.string().min(1).max(500),
});
export type BestContactV1 = z.infer<typeof BestContactV1>;

/** The account's buying committee as a score carries it: contacts counted, roles held, the best contact. */
export const CommitteeV1 = z.object({
  contacts: z.number().int().nonnegative(),
  coverage: z.object({ held: z.number().int().nonnegative(), of: z.number().int().nonnegative() }),
  bestContact: BestContactV1.optional(),
});
export type CommitteeV1 = z.infer<typeof CommitteeV1>;
