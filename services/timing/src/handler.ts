import type { TopicCatalog } from "@icpstream/contracts";
import { output, type HandlerResult, type StatefulHandler } from "@icpstream/kafka-kit";
import { applySignal, decodeTimingState, encodeState, reevaluate, republish, type TimingTransition } from "@icpstream/pipeline";
import type { Rubric } from "@icpstream/scoring";

export const TIMING_STATE_FIELD = "timing";

export type SignalInput = TopicCatalog["hiring"] | TopicCatalog["funding"] | TopicCatalog["intent"];

function effects(transition: TimingTransition, catalog: TopicCatalog): HandlerResult {
  return {
    state: { set: { [TIMING_STATE_FIELD]: encodeState(transition.state) } },
    outputs: transition.outputs.map((scored) => output(catalog.timingScored, scored)),
    // The account is looked at again when its next signal ages across a decay boundary.
    scheduleAt: transition.nextChangeAt === null ? null : Date.parse(transition.nextChangeAt),
  };
}

/**
 * Signal in → timing state updated, timing_scored out when the score moved. Clock tick →
 * the same for accounts whose next decay boundary has passed, with no event at all. After a
 * quiet replay (lost Redis state) → each replayed account's timing published once, as of now.
 */
export function timingHandler(rubric: Rubric, catalog: TopicCatalog): StatefulHandler<SignalInput> {
  return {
    onEvent: (event, state, { now, position }) => {
      const current = state[TIMING_STATE_FIELD] ? decodeTimingState(state[TIMING_STATE_FIELD]) : undefined;
      const transition = applySignal(current, event, rubric, now, position);
      if (transition.ignored === "duplicate") return {};
      return effects(transition, catalog);
    },
    onDue: (_accountKey, state, { now, position }) => {
      if (!state[TIMING_STATE_FIELD]) return { scheduleAt: null };
      return effects(reevaluate(decodeTimingState(state[TIMING_STATE_FIELD]), rubric, now, position), catalog);
    },
    catchUp: {
      begin: () => (_accountKey, state, { now, position }) => {
        if (!state[TIMING_STATE_FIELD]) return { scheduleAt: null };
        return effects(republish(decodeTimingState(state[TIMING_STATE_FIELD]), rubric, now, position), catalog);
      },
    },
  };
}
