import type { TopicCatalog } from "@icpstream/contracts";
import { output, type HandlerResult, type StatefulHandler } from "@icpstream/kafka-kit";
import { applySignal, decodeTimingState, encodeState, RecentStates, reevaluate, republish, type TimingOptions, type TimingState, type TimingTransition } from "@icpstream/pipeline";
import type { Rubric } from "@icpstream/scoring";

export const TIMING_STATE_FIELD = "timing";

export type SignalInput = TopicCatalog["hiring"] | TopicCatalog["funding"] | TopicCatalog["intent"];

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
 */
export function timingHandler(rubric: Rubric, catalog: TopicCatalog, options: TimingOptions = {}): StatefulHandler<SignalInput> {
  const recent = new RecentStates<TimingState>(decodeTimingState);
  return {
    onEvent: (event, state, { now, position }) => {
      const current = recent.read(event.accountKey, state[TIMING_STATE_FIELD]);
      const transition = applySignal(current, event, rubric, now, position, options);
      if (transition.ignored === "duplicate") return {};
      return effects(transition, catalog, recent);
    },
    onDue: (accountKey, state, { now, position }) => {
      const current = recent.read(accountKey, state[TIMING_STATE_FIELD]);
      if (!current) return { scheduleAt: null };
      return effects(reevaluate(current, rubric, now, position), catalog, recent);
    },
    catchUp: {
      begin: () => (accountKey, state, { now, position }) => {
        const current = recent.read(accountKey, state[TIMING_STATE_FIELD]);
        if (!current) return { scheduleAt: null };
        return effects(republish(current, rubric, now, position), catalog, recent);
      },
    },
  };
}
