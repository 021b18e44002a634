import type { TopicCatalog } from "@icpstream/contracts";
import { output, type HandlerResult, type PartitionReader, type StatefulHandler } from "@icpstream/kafka-kit";
import { applyFitScored, applyTimingScored, decodeCombinerState, encodeState, foldPublishedTier, RecentStates, reconcileWithPublished, RubricEpochs, type CombinerState, type CombinerTransition, type PublishedTiers } from "@icpstream/pipeline";
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
 *
 * Rubric promotions: fit and timing score under the promoted rubric's epoch from the
 * promotion on and re-score every account. Each score names its epoch; the rubric of an
 * epoch is looked up on the rubric-control topic's partition the first time one arrives
 * (`readPartition`), and an account is tiered under the newest epoch it has a score of
 * (see the pipeline's `enterEpoch`). A score of an epoch whose record compaction removed is
 * superseded by the promotion that replaced it, and ignored.
 */
export function combinerHandler(rubric: Rubric, catalog: TopicCatalog, readPartition?: PartitionReader): StatefulHandler<ScoreInput> {
  const recent = new RecentStates<CombinerState>(decodeCombinerState);
  const epochs = new RubricEpochs(rubric, async (partition, onEvent) => {
    if (!readPartition) return;
    await readPartition(catalog.rubricControl, partition, (event) => onEvent(event));
  });
  const effects = (transition: CombinerTransition): HandlerResult => {
    const text = encodeState(transition.state);
    recent.wrote(transition.state.accountKey, text, transition.state);
    return {
      state: { set: { [COMBINER_STATE_FIELD]: text } },
      // Every tier change is told (gap-free versions); of the current tier, compacted to the
      // newest per account and scorecard anyway, a batch slice publishes only the last.
      outputs: transition.outputs.flatMap((change) => [output(catalog.tierChanged, change), output(catalog.currentTier, change, { coalesceKey: `${change.accountKey}:${change.scorecard}` })]),
    };
  };
  return {
    onEvent: async (event, state, { shard }) => {
      const scoredUnder = await epochs.rubricOf(shard.partition, event.rubricEpoch ?? 0);
      if (!scoredUnder) return {}; // a promotion since replaced this score's, and re-scores every account
      const current = recent.read(event.accountKey, state[COMBINER_STATE_FIELD]);
      const transition: CombinerTransition = event.type === "fit_scored" ? applyFitScored(current, event, scoredUnder) : applyTimingScored(current, event, scoredUnder);
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
              return async (accountKey, state) => {
                const current = recent.read(accountKey, state[COMBINER_STATE_FIELD]);
                if (!current) return {};
                const tieredUnder = await epochs.rubricOf(shard.partition, current.epoch ?? 0);
                if (!tieredUnder) return {};
                return effects(reconcileWithPublished(current, published.get(current.accountKey), tieredUnder));
              };
            },
          },
        }
      : {}),
  };
}
