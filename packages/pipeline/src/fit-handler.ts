import { z } from "zod";
import type { AccountProfileEventV1, FitScoredEventV1 } from "@icpstream/contracts";
import { AccountKey, IsoDateTime, scoreFit } from "@icpstream/scoring";
import type { Rubric } from "@icpstream/scoring";
import { assertSameAccount } from "./errors.js";
import { compareOccurrence } from "./instant.js";
import { outputEventId } from "./output-id.js";
import { fitDigest, fitPayload, rubricRef } from "./score-events.js";

/**
 * The fit service's decision: a profile arrives → fit per scorecard → publish what changed.
 *
 * State per account (JSON, stored as is): which profile is the newest seen, and per
 * scorecard the digest of the last published `fit_scored`. The profile itself is not
 * kept: fit depends on nothing else, and the compacted firmographic topic holds it.
 *
 * Out of order: a profile older than the stored one — by `occurredAt`, then `eventId` —
 * is ignored (the compacted topic may redeliver an older version). The batch recompute
 * picks the same profile: the newest by that order. The stored profile seen again with a
 * later `occurredAt` keeps its scores and takes the later instant, so an older profile
 * arriving after it stays older, as in the batch.
 *
 * Fit does not depend on the clock, so this takes no `now`: the output's `occurredAt` is
 * the profile's, `observedAt` the profile's `observedAt`, and the id
 * `fit:<accountKey>:<scorecard>:<profile eventId>`; reprocessing a profile at any time
 * gives byte-identical outputs.
 */
export const FitState = z.object({
  v: z.literal(1),
  accountKey: AccountKey,
  /** The newest profile applied. */
  profile: z.object({ eventId: z.string().min(1), occurredAt: IsoDateTime }),
  /** Scorecard id → digest of the last published fit_scored. */
  published: z.record(z.string(), z.string()),
});
export type FitState = z.infer<typeof FitState>;

export type Ignored = "duplicate" | "stale";

export interface FitTransition {
  state: FitState;
  outputs: FitScoredEventV1[];
  /** Why the input changed nothing, when it was not applied. */
  ignored?: Ignored;
}

export function applyProfile(state: FitState | undefined, event: AccountProfileEventV1, rubric: Rubric): FitTransition {
  assertSameAccount(state?.accountKey, event.accountKey, "a profile");
  if (state) {
    if (state.profile.eventId === event.eventId) {
      // The same profile again, stamped later (a re-signed webhook or a re-read export that
      // gave no occurredAt): nothing to score, but the held instant moves to the later one,
      // the instant the batch recompute's newest-by-occurrence choice sees for it.
      if (compareOccurrence(event, state.profile) <= 0) return { state, outputs: [], ignored: "duplicate" };
      return { state: { ...state, profile: { eventId: event.eventId, occurredAt: event.occurredAt } }, outputs: [] };
    }
    if (compareOccurrence(event, state.profile) < 0) return { state, outputs: [], ignored: "stale" };
  }

  const rubricVersion = rubricRef(rubric.version);
  const published: Record<string, string> = {};
  const outputs: FitScoredEventV1[] = [];
  for (const card of rubric.scorecards) {
    const payload = fitPayload(scoreFit(event, card));
    const digest = fitDigest({ ...payload, rubricVersion });
    published[card.id] = digest;
    if (state?.published[card.id] === digest) continue;
    outputs.push({
      type: "fit_scored",
      eventId: outputEventId("fit", [event.accountKey, card.id, event.eventId]),
      accountKey: event.accountKey,
      occurredAt: event.occurredAt,
      observedAt: event.observedAt,
      source: "fit",
      schemaVersion: 1,
      scorecard: card.id,
      rubricVersion,
      ...payload,
      causingEventIds: [event.eventId],
    });
  }
  return { state: { v: 1, accountKey: event.accountKey, profile: { eventId: event.eventId, occurredAt: event.occurredAt }, published }, outputs };
}
