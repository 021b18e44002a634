import type { TopicCatalog } from "@icpstream/contracts";
import { output, type StatefulHandler } from "@icpstream/kafka-kit";
import { applyProfile, decodeFitState, encodeState } from "@icpstream/pipeline";
import type { Rubric } from "@icpstream/scoring";

/** Account state field holding the fit state (JSON). */
export const FIT_STATE_FIELD = "fit";

/** Profile in → fit state updated, fit_scored out for every scorecard whose fit changed. */
export function fitHandler(rubric: Rubric, catalog: TopicCatalog): StatefulHandler<TopicCatalog["firmographic"]> {
  return {
    onEvent: (event, state) => {
      const current = state[FIT_STATE_FIELD] ? decodeFitState(state[FIT_STATE_FIELD]) : undefined;
      const transition = applyProfile(current, event, rubric);
      if (transition.ignored) return {};
      return {
        state: { set: { [FIT_STATE_FIELD]: encodeState(transition.state) } },
        // A later fit of the same account and scorecard in one batch slice replaces this one
        // (its instant is never earlier: older profiles are ignored), so only the last is published.
        outputs: transition.outputs.map((scored) => output(catalog.fitScored, scored, { coalesceKey: `${scored.accountKey}:${scored.scorecard}` })),
      };
    },
  };
}
