import type { TopicCatalog } from "@icpstream/contracts";
import { output, type HandlerResult, type StatefulHandler } from "@icpstream/kafka-kit";
import { applySignal, decodeTimingState, encodeState, RecentStates, reevaluate, republish, ShardRubrics, type TimingOptions, type TimingState, type TimingTransition } from "@icpstream/pipeline";
import type { Rubric } from "@icpstream/scoring";
import { followPromotions } from "@icpstream/service-runtime";

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
 * still contribute under the rubric in force or the one the service started with (so a
 * rollback to it finds them): a promoted rubric with longer decay windows than both sees only
 * those (`icp rebuild` re-reads every retained signal).
 */
export function timingHandler(rubrics: Rubric | ShardRubrics, catalog: TopicCatalog, options: TimingOptions = {}): StatefulHandler<SignalInput> {
  const shardRubrics = rubrics instanceof ShardRubrics ? rubrics : new ShardRubrics(rubrics);
  const recent = new RecentStates<TimingState>(decodeTimingState);
  return {
    onEvent: async (event, state, context) => {
      if (event.type === "rubric_promoted") return {}; // control records go to onControl
      const active = await shardRubrics.active(context);
      const current = recent.read(event.accountKey, state[TIMING_STATE_FIELD]);
      const transition = applySignal(current, event, active.rubric, context.now, context.position, { ...options, rubricEpoch: active.epoch, retainFor: shardRubrics.retainedFor(active) });
      if (transition.ignored === "duplicate") return {};
      return effects(transition, catalog, recent);
    },
    onDue: async (accountKey, state, context) => {
      const current = recent.read(accountKey, state[TIMING_STATE_FIELD]);
      if (!current) return { scheduleAt: null };
      const active = await shardRubrics.active(context);
      return effects(reevaluate(current, active.rubric, context.now, context.position, active.epoch, shardRubrics.retainedFor(active)), catalog, recent);
    },
    catchUp: {
      begin: () => async (accountKey, state, context) => {
        const current = recent.read(accountKey, state[TIMING_STATE_FIELD]);
        if (!current) return { scheduleAt: null };
        const active = await shardRubrics.active(context);
        return effects(republish(current, active.rubric, context.now, context.position, active.epoch, shardRubrics.retainedFor(active)), catalog, recent);
      },
    },
    onControl: followPromotions(shardRubrics),
    rescore: {
      begin: () => async (accountKey, state, context) => {
        const current = recent.read(accountKey, state[TIMING_STATE_FIELD]);
        if (!current) return {};
        const active = await shardRubrics.active(context);
        return effects(republish(current, active.rubric, context.now, context.position, active.epoch, shardRubrics.retainedFor(active)), catalog, recent);
      },
    },
  };
}
