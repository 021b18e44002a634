import type { TopicCatalog } from "@icpstream/contracts";
import { output, type StatefulHandler } from "@icpstream/kafka-kit";
import { applyOutcome, applyTierChange, OUTCOME_COUNTS, POOL_COUNTS } from "@icpstream/pipeline";

/**
 * The outcome stage's stateful handler: outcome events and tier changes in, co-partitioned
 * by account and consumed together (shard `outcomes`), `outcome_scored` out. The decision is
 * `applyOutcome` / `applyTierChange` (@icpstream/pipeline); this only reads the shard's
 * running counts and writes back what changed, in the same atomic step as the account's
 * state, the consumed offset and the outbox — so a redelivered event finds its offset
 * stored and counts nothing twice.
 *
 * Shard-wide state: `outcome-counts` (scorecard|rubric hash|tier → counts of the
 * opportunities created in that tier) and `pool-counts` (scorecard|tier → accounts whose
 * newest tier it is). The model-health view sums them over every partition.
 */
export type OutcomesInput = TopicCatalog["outcome"] | TopicCatalog["tierChanged"];

/** The shard the stage's inputs share. */
export const OUTCOMES_STREAM = "outcomes";

export function outcomesHandler(catalog: TopicCatalog): StatefulHandler<OutcomesInput> {
  return {
    onEvent: async (event, state, context) => {
      const shared = { counts: await context.readShared(OUTCOME_COUNTS), pool: await context.readShared(POOL_COUNTS) };
      const result = event.type === "tier_changed" ? applyTierChange(state, event, shared) : applyOutcome(state, event, shared);
      if (result.ignored) return {};
      const changedShared: Record<string, { set: Record<string, string> }> = {};
      if (Object.keys(result.counts).length > 0) changedShared[OUTCOME_COUNTS] = { set: result.counts };
      if (Object.keys(result.pool).length > 0) changedShared[POOL_COUNTS] = { set: result.pool };
      return {
        state: { set: result.set },
        outputs: result.outputs.map((scored) => output(catalog.outcomeScored, scored)),
        ...(Object.keys(changedShared).length > 0 ? { shared: changedShared } : {}),
      };
    },
  };
}
