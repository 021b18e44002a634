import type { TopicCatalog } from "@icpstream/contracts";
import { output, type HandlerResult, type PartitionReader, type StatefulHandler } from "@icpstream/kafka-kit";
import { applyFitScored, applyTimingScored, decodeCombinerState, encodeState, foldPublishedTier, reconcileWithPublished, type CombinerTransition, type PublishedTiers } from "@icpstream/pipeline";
import type { Rubric } from "@icpstream/scoring";

export const COMBINER_STATE_FIELD = "combiner";

export type ScoreInput = TopicCatalog["fitScored"] | TopicCatalog["timingScored"];

/**
 * fit_scored or timing_scored in → the account's tier recomputed; tier_changed out when tier
 * or quadrant moved. Each change also goes to the compacted current-tier topic (keyed
 * `<accountKey>:<scorecard>`), in the same outbox as the tier change, so the two cannot
 * diverge: a new subscriber reads current-tier from the start to learn every account's tier.
 *
 * After a quiet replay (Redis lost the combiner's state): the tier changes already published
 * on the shard's partition of tier-changed are read back, and each replayed account is
 * reconciled with them — the version goes on from the last one told, and only a tier that
 * differs from the last one told is published.
 */
export function combinerHandler(rubric: Rubric, catalog: TopicCatalog, readPartition?: PartitionReader): StatefulHandler<ScoreInput> {
  const effects = (transition: CombinerTransition): HandlerResult => ({
    state: { set: { [COMBINER_STATE_FIELD]: encodeState(transition.state) } },
    outputs: transition.outputs.flatMap((change) => [output(catalog.tierChanged, change), output(catalog.currentTier, change)]),
  });
  return {
    onEvent: (event, state) => {
      const current = state[COMBINER_STATE_FIELD] ? decodeCombinerState(state[COMBINER_STATE_FIELD]) : undefined;
      const transition: CombinerTransition = event.type === "fit_scored" ? applyFitScored(current, event, rubric) : applyTimingScored(current, event, rubric);
      if (transition.ignored) return {};
      return effects(transition);
    },
    ...(readPartition
      ? {
          catchUp: {
            begin: async (shard, accountKeys, { logger }) => {
              const wanted = new Set(accountKeys);
              const published = new Map<string, PublishedTiers>();
              const read = await readPartition(catalog.tierChanged, shard.partition, (event) => {
                if (wanted.has(event.accountKey)) foldPublishedTier(published, event);
              });
              logger.info({ partition: shard.partition, read, accounts: accountKeys.length, published: published.size }, "read back the tier changes already published");
              return (_accountKey, state) => {
                if (!state[COMBINER_STATE_FIELD]) return {};
                const current = decodeCombinerState(state[COMBINER_STATE_FIELD]);
                return effects(reconcileWithPublished(current, published.get(current.accountKey), rubric));
              };
            },
          },
        }
      : {}),
  };
}
