import type { TopicCatalog } from "@icpstream/contracts";
import { output, type StatefulHandler } from "@icpstream/kafka-kit";
import { applyContact, applyProfile, decodeFitState, encodeState, type FitTransition } from "@icpstream/pipeline";
import type { Rubric } from "@icpstream/scoring";

/** Account state field holding the fit state (JSON). */
export const FIT_STATE_FIELD = "fit";

export type FitInput = TopicCatalog["firmographic"] | TopicCatalog["contacts"];

/**
 * Profile or contact record in → fit state updated, fit_scored out for every scorecard whose
 * fit changed. Profiles and contacts are co-partitioned by account and share one shard, so
 * the member that holds an account's profile holds its contacts. A record past the
 * contacts limit is dead-lettered with TOO_MANY_CONTACTS (thrown by the pipeline).
 */
export function fitHandler(rubric: Rubric, catalog: TopicCatalog): StatefulHandler<FitInput> {
  return {
    onEvent: (event, state) => {
      const current = state[FIT_STATE_FIELD] ? decodeFitState(state[FIT_STATE_FIELD]) : undefined;
      const transition: FitTransition = event.type === "contact" ? applyContact(current, event, rubric) : applyProfile(current, event, rubric);
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
