import { z } from "zod";
import { IsoDateTime } from "@icpstream/scoring";
import { EventId, Source } from "../envelope.js";
import { RubricVersionRef } from "./score-parts.js";

/** A rubric file's text as it travels in a promotion (YAML, at most 256 KiB). */
export const MAX_RUBRIC_TEXT_BYTES = 262_144;

/**
 * `rubric_promoted` v1 — a rubric becomes the live one: written by `icp rubric promote`
 * (and `icp rubric rollback`, the same operation with an older file) once to every
 * partition of the rubric-control topic, under a key that maps to that partition. Fit and
 * timing read it in order with their inputs: from it on, the partition scores with this
 * rubric, and every account the partition holds is re-scored with it; the combiner looks
 * a promotion up by its epoch when the first score of that epoch reaches it.
 *
 * `epoch` orders promotions (one more than the newest before it; the rubric a service
 * starts with, ICP_RUBRIC, is epoch 0): a rollback to an earlier file is a new epoch, so a
 * late score of the rubric it replaces is never mistaken for one of the rollback. The
 * compacted topic keeps the newest promotion per partition. Not account-keyed: the only
 * contract besides parked items without an account key.
 */
export const RubricPromotedEventV1 = z.object({
  type: z.literal("rubric_promoted"),
  eventId: EventId,
  /** The message key, `rubric:<n>`: chosen so the catalog's partitioner maps it to the partition it is written to. */
  controlKey: z.string().regex(/^rubric:\d+$/, "expected rubric:<n>"),
  /** When the promotion was requested. */
  occurredAt: IsoDateTime,
  observedAt: IsoDateTime,
  source: Source,
  schemaVersion: z.literal(1),
  epoch: z.number().int().positive(),
  rubricVersion: RubricVersionRef,
  /** The rubric file's text, parsed by each service exactly as from the file. */
  rubricText: z.string().min(1).max(MAX_RUBRIC_TEXT_BYTES),
  /** Where the text was read from (a file name), for logs and `icp rubric status`. */
  rubricSource: z.string().min(1).max(500),
});
export type RubricPromotedEventV1 = z.infer<typeof RubricPromotedEventV1>;

export const RubricControlEventV1 = z.discriminatedUnion("type", [RubricPromotedEventV1]);
export type RubricControlEventV1 = z.infer<typeof RubricControlEventV1>;
