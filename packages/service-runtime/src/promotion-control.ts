import type { RubricPromotedEventV1 } from "@icpstream/contracts";
import type { ControlResult, EventContext } from "@icpstream/kafka-kit";
import { PROMOTED_RUBRIC, type ShardRubrics } from "@icpstream/pipeline";

/**
 * The `onControl` of a service that follows rubric promotions (fit, timing): a promotion the
 * shard's state does not hold yet switches the partition's rubric (kept in the shard's
 * `rubric` hash with the record's offset) and asks for every account of the shard to be
 * re-scored; one it holds already changes nothing.
 * @throws PipelineError RUBRIC_INVALID — the record's text is not the rubric it names (dead-lettered)
 */
export function followPromotions(rubrics: ShardRubrics): (event: unknown, context: EventContext) => Promise<ControlResult> {
  return async (event, context) => {
    const promoted = await rubrics.promote(event as RubricPromotedEventV1, context);
    if (!promoted) return {};
    context.logger.info({ partition: context.shard.partition, epoch: promoted.active.epoch, rubric: promoted.active.rubric.version, source: promoted.active.source }, "rubric promoted: re-scoring every account of the partition");
    return { shared: { [PROMOTED_RUBRIC]: { set: promoted.shared } }, rescoreEveryAccount: true };
  };
}
