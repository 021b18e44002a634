import type { RubricPromotedEventV1, TopicCatalog } from "@icpstream/contracts";
import { output, type HandlerResult, type StatefulHandler } from "@icpstream/kafka-kit";
import { applySignal, decodeTimingState, encodeState, RecentStates, reevaluate, republish, ShardRubrics, type TimingOptions, type TimingState, type TimingTransition } from "@icpstream/pipeline";
import type { Rubric } from "@icpstream/scoring";

export const TIMING_STATE_FIELD = "timing";

export type SignalInput = TopicCatalog["hiring"] | TopicCatalog["funding"] | TopicCatalog["intent"] | TopicCatalog["rubricControl"];

function effects(transition: TimingTransition, catalog: TopicCatalog, recent: RecentStates<TimingState>): HandlerResult {
  const text = encodeState(transition.state);
  recent.wrote(transition.state.accountKey, text, transition.state);
  return {
    state: { set: { [TIMING_STATE_FIELD]: text } },
    // A later timing score of the same account and scorecard in one batch slice replaces this
    // one (its instant and input position are never earlier), so only the last is published.
    outputs: transition.outputs.map((scored) => output(catalog.timingScored, scored, { coalesceKey: `${scored.accountKey}:${scored.scorecard}` })),
    // The account is looked at again when its next signal ages across a decay boundary.
    scheduleAt: transition.nextChangeAt === null ? null : Date.parse(transition.nextChangeAt),
  };
}

/**
 * Signal in → timing state updated, timing_scored out when the score moved (a signal dated
 * too far after it was observed is dead-lettered with SIGNAL_IN_FUTURE). Clock tick →
 * the same for accounts whose next decay boundary has passed, with no event at all. After a
 * quiet replay (lost Redis state) → each replayed account's timing published once, as of now.
 *
 * Rubric promotions (`icp rubric promote`) arrive on the rubric-control topic, co-partitioned
 * with the signals: from one on, the partition scores with the promoted rubric, and every
 * account it holds is re-scored from the signals its state keeps (`rescore`), its timing
 * published under the promotion's epoch as of now. The state keeps the signals that can
 * still contribute under the rubric in force when they were last looked at: a promoted rubric
 * with longer decay windows sees only those (`icp rebuild` re-reads every retained signal).
 */
export function timingHandler(rubrics: Rubric | ShardRubrics, catalog: TopicCatalog, options: TimingOptions = {}): StatefulHandler<SignalInput> {
  const shardRubrics = rubrics instanceof ShardRubrics ? rubrics : new ShardRubrics(rubrics);
  const recent = new RecentStates<TimingState>(decodeTimingState);
  return {
    onEvent: async (event, state, context) => {
      if (event.type === "rubric_promoted") return {}; // control records go to onControl
      const { rubric, epoch } = await shardRubrics.active(context);
      const current = recent.read(event.accountKey, state[TIMING_STATE_FIELD]);
      const transition = applySignal(current, event, rubric, context.now, context.position, { ...options, rubricEpoch: epoch });
      if (transition.ignored === "duplicate") return {};
      return effects(transition, catalog, recent);
    },
    onDue: async (accountKey, state, context) => {
      const current = recent.read(accountKey, state[TIMING_STATE_FIELD]);
      if (!current) return { scheduleAt: null };
      const { rubric, epoch } = await shardRubrics.active(context);
      return effects(reevaluate(current, rubric, context.now, context.position, epoch), catalog, recent);
    },
    catchUp: {
      begin: () => async (accountKey, state, context) => {
        const current = recent.read(accountKey, state[TIMING_STATE_FIELD]);
        if (!current) return { scheduleAt: null };
        const { rubric, epoch } = await shardRubrics.active(context);
        return effects(republish(current, rubric, context.now, context.position, epoch), catalog, recent);
      },
    },
    onControl: async (event, context) => {
      const promoted = await shardRubrics.promote(event as RubricPromotedEventV1, context);
      if (!promoted) return {};
      context.logger.info({ partition: context.shard.partition, epoch: promoted.active.epoch, rubric: promoted.active.rubric.version, source: promoted.active.source }, "rubric promoted: re-scoring every account of the partition");
      return { shared: { rubric: { set: promoted.shared } }, rescoreEveryAccount: true };
    },
    rescore: {
      begin: () => async (accountKey, state, context) => {
        const current = recent.read(accountKey, state[TIMING_STATE_FIELD]);
        if (!current) return {};
        const { rubric, epoch } = await shardRubrics.active(context);
        return effects(republish(current, rubric, context.now, context.position, epoch), catalog, recent);
      },
    },
  };
}
