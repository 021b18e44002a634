import { z } from "zod";
import { envelopeShape } from "../envelope.js";
import { BestContactV1, CausingEventIds, QuadrantV1, RubricVersionRef, Score, ScorecardId, SignedScore, TierRefV1 } from "./score-parts.js";

/**
 * `tier_changed` v1 — the public contract downstream sequencers and CRMs subscribe to:
 * an account's tier on a scorecard moved. Subscribers drop redeliveries by
 * `idempotencyKey` (the same change, recomputed after a restart, has the same key; see
 * `tierChangeIdempotencyKey`).
 */
export const ReasonV1 = z.object({
  /** For people: `Funding round series_b +12`, `excluded: below minimum viable size`. */
  text: z.string().min(1).max(500),
  /** The rubric rule behind it, when there is one (`timing.triggers.funding`). */
  rule: z.string().min(1).max(200).optional(),
  points: z.number().optional(),
});
export type ReasonV1 = z.infer<typeof ReasonV1>;

export const TierChangedEventV1 = z.object({
  type: z.literal("tier_changed"),
  ...envelopeShape(1),
  idempotencyKey: z.string().min(1).max(200),
  scorecard: ScorecardId,
  rubricVersion: RubricVersionRef,
  /** null the first time the account is tiered on this scorecard. */
  previousTier: TierRefV1.nullable(),
  tier: TierRefV1,
  /** 0–100. */
  total: Score,
  /** −100–100 (see SignedScore). */
  fit: SignedScore,
  /** −100–100: negative when negative behaviour outweighs the rest. */
  timing: SignedScore,
  /** The weighted components (fit, timing or timing layers), each −100–100; the total is their weighted sum, clamped to 0–100. */
  components: z.record(z.string().min(1), SignedScore).default({}),
  quadrant: QuadrantV1,
  excluded: z.boolean(),
  strongIntent: z.boolean(),
  /**
   * A situational trigger (a live positive contribution of the timing layer `triggers`:
   * funding, new revenue leader, acquisition…) was active when the tier moved; the router
   * puts such an account at the front of the queue. Optional (added after v1 first
   * shipped): absent on older events, where subscribers read it from `reasons`.
   */
  triggerActive: z.boolean().optional(),
  reasons: z.array(ReasonV1).max(50),
  causingEventIds: CausingEventIds,
  /**
   * The contact to reach first (id, title, score, roles, why), so a sequencer enrolls the right
   * person. Optional (added after v1 first shipped): absent when the account has no contacts.
   */
  bestContact: BestContactV1.optional(),
  /**
   * True when this change was published because the best contact changed inside the top tier
   * (tier and quadrant stayed); `previousBestContactId` is the one told before. Optional, as above.
   */
  bestContactChanged: z.boolean().optional(),
  previousBestContactId: z.string().min(1).max(200).optional(),
});
export type TierChangedEventV1 = z.infer<typeof TierChangedEventV1>;

export const TierChangedFamilyV1 = z.discriminatedUnion("type", [TierChangedEventV1]);

/**
 * The idempotency key of a tier change: the same account, scorecard, rubric, move and
 * causing events give the same key, whenever and however often it is computed.
 * FNV-1a (two 32-bit lanes) over the canonical parts: a dedupe key, not a security token.
 */
export function tierChangeIdempotencyKey(parts: {
  accountKey: string;
  scorecard: string;
  rubricHash: string;
  previousTierId: string | null;
  tierId: string;
  causingEventIds: readonly string[];
}): string {
  const text = [parts.accountKey, parts.scorecard, parts.rubricHash, parts.previousTierId ?? "-", parts.tierId, ...[...parts.causingEventIds].sort()].join("\u0000");
  return `tc-${fnv1a(text, 0x811c9dc5)}${fnv1a(text, 0x01000193 ^ 0x5bd1e995)}`;
}

function fnv1a(text: string, seed: number): string {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
