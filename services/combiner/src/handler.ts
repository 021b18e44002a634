import type { TopicCatalog } from "@icpstream/contracts";
import { output, type StatefulHandler } from "@icpstream/kafka-kit";
import { applyFitScored, applyTimingScored, decodeCombinerState, encodeState, type CombinerTransition } from "@icpstream/pipeline";
import type { Rubric } from "@icpstream/scoring";

export const COMBINER_STATE_FIELD = "combiner";

export type ScoreInput = TopicCatalog["fitScored"] | TopicCatalog["timingScored"];

/**
 * fit_scored or timing_scored in → the account's tier recomputed; tier_changed out when tier
 * or quadrant moved. Each change also goes to the compacted current-tier topic (keyed
 * `<accountKey>:<scorecard>`), in the same outbox as the tier change, so the two cannot
 * diverge: a new subscriber reads current-tier from the start to learn every account's tier.
 */
export function combinerHandler(rubric: Rubric, catalog: TopicCatalog): StatefulHandler<ScoreInput> {
  return {
    onEvent: (event, state) => {
      const current = state[COMBINER_STATE_FIELD] ? decodeCombinerState(state[COMBINER_STATE_FIELD]) : undefined;
      const transition: CombinerTransition = event.type === "fit_scored" ? applyFitScored(current, event, rubric) : applyTimingScored(current, event, rubric);
      if (transition.ignored) return {};
      return {
        state: { set: { [COMBINER_STATE_FIELD]: encodeState(transition.state) } },
        outputs: transition.outputs.flatMap((change) => [output(catalog.tierChanged, change), output(catalog.currentTier, change)]),
      };
    },
  };
}
