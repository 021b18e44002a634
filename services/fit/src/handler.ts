import type { TopicCatalog } from "@icpstream/contracts";
import { output, type PartitionReader, type StatefulHandler } from "@icpstream/kafka-kit";
import { applyContact, applyProfile, compareOccurrence, decodeFitState, encodeState, profileOfEvent, rescoreFit, ShardRubrics, type FitState, type FitTransition } from "@icpstream/pipeline";
import type { AccountProfile, Rubric } from "@icpstream/scoring";
import { followPromotions } from "@icpstream/service-runtime";

/** Account state field holding the fit state (JSON). */
export const FIT_STATE_FIELD = "fit";

export type FitInput = TopicCatalog["firmographic"] | TopicCatalog["contacts"] | TopicCatalog["rubricControl"];

/**
 * Profile or contact record in → fit state updated, fit_scored out for every scorecard whose
 * fit changed. Profiles and contacts are co-partitioned by account and share one shard, so
 * the member that holds an account's profile holds its contacts. A record past the
 * contacts limit is dead-lettered with TOO_MANY_CONTACTS (thrown by the pipeline).
 *
 * Rubric promotions (`icp rubric promote`) arrive on the rubric-control topic, co-partitioned
 * with the rest: from one on, the partition scores with the promoted rubric, and every
 * account it holds is re-scored (`rescore`), its fit published under the promotion's epoch
 * whether or not it moved. The profile a re-score needs is the one the state holds when the
 * rubric scores contacts, else it is read back from the partition of the compacted profile
 * topic (`readPartition`), once per re-score of the partition.
 */
export function fitHandler(rubrics: Rubric | ShardRubrics, catalog: TopicCatalog, readPartition?: PartitionReader): StatefulHandler<FitInput> {
  const shardRubrics = rubrics instanceof ShardRubrics ? rubrics : new ShardRubrics(rubrics);
  const effects = (transition: FitTransition) => ({
    state: { set: { [FIT_STATE_FIELD]: encodeState(transition.state) } },
    // A later fit of the same account and scorecard in one batch slice replaces this one
    // (its instant is never earlier: older profiles are ignored), so only the last is published.
    outputs: transition.outputs.map((scored) => output(catalog.fitScored, scored, { coalesceKey: `${scored.accountKey}:${scored.scorecard}` })),
  });
  return {
    onEvent: async (event, state, context) => {
      if (event.type === "rubric_promoted") return {}; // control records go to onControl
      const { rubric, epoch } = await shardRubrics.active(context);
      const current = state[FIT_STATE_FIELD] ? decodeFitState(state[FIT_STATE_FIELD]) : undefined;
      const transition: FitTransition = event.type === "contact" ? applyContact(current, event, rubric, { epoch }) : applyProfile(current, event, rubric, { epoch });
      if (transition.ignored) return {};
      return effects(transition);
    },
    onControl: followPromotions(shardRubrics),
    rescore: {
      begin: async (shard, accountKeys, context) => {
        // Profiles the state does not hold, read back from the compacted topic: the newest per account, as the fit service applies them.
        const wanted = new Set(accountKeys);
        const profiles = new Map<string, { eventId: string; occurredAt: string; profile: AccountProfile }>();
        if (readPartition) {
          await readPartition(catalog.firmographic, shard.partition, (event) => {
            if (!wanted.has(event.accountKey)) return;
            const held = profiles.get(event.accountKey);
            if (!held || compareOccurrence(event, held) >= 0) profiles.set(event.accountKey, { eventId: event.eventId, occurredAt: event.occurredAt, profile: profileOfEvent(event) });
          });
        }
        return async (accountKey, state, accountContext) => {
          if (!state[FIT_STATE_FIELD]) return {};
          // The partition's rubric as of this slice: a later promotion may have come in since `begin`.
          const { rubric, epoch } = await shardRubrics.active(accountContext);
          const current: FitState = decodeFitState(state[FIT_STATE_FIELD]);
          let profile: AccountProfile | undefined;
          if (!current.profileBody && current.profile) {
            const read = profiles.get(accountKey);
            // Only the very profile the state applied: one applied after the read was scored
            // under this promotion already; one the compacted topic no longer holds cannot be.
            if (read?.eventId === current.profile.eventId) profile = read.profile;
            else {
              // A newer profile the partition has not applied yet is scored under the promotion when it is.
              if (!read || compareOccurrence(read, current.profile) < 0) context.logger.warn({ accountKey, applied: current.profile.eventId, read: read?.eventId ?? null }, "not re-scored: the profile topic no longer holds the profile applied; the account's next profile scores it under the promotion");
              return {};
            }
          }
          return effects(rescoreFit(current, profile, rubric, epoch, new Date(accountContext.now).toISOString()));
        };
      },
    },
  };
}
