import type { EnrichmentRequestedEventV1, TopicCatalog } from "@icpstream/contracts";
import { output, type StatefulHandler } from "@icpstream/kafka-kit";
import { applyProfileForEnrichment, EnrichmentState, spendKey, type EnrichmentPolicy } from "@icpstream/pipeline";
import type { AccountProfile, Rubric } from "@icpstream/scoring";

/** Account state field and shard-wide hash of the enrichment service. */
export const ENRICHMENT_STATE_FIELD = "enrichment";
export const ENRICHMENT_SPEND = "enrichment-spend";

/**
 * Profile in → the waterfall's next step as a request (see `applyProfileForEnrichment`):
 * deduplicated, a cooldown per account, the shard's share of the daily budget per step
 * (spend kept shard-wide, written atomically with the account's state; days before today
 * are dropped). Skips are logged at debug level with the step and why.
 */
export function enrichmentHandler(rubric: Rubric, catalog: TopicCatalog, policy: EnrichmentPolicy): StatefulHandler<TopicCatalog["firmographic"]> {
  return {
    onEvent: async (event, state, { now, readShared, logger }) => {
      const stored = state[ENRICHMENT_STATE_FIELD];
      const current = stored ? EnrichmentState.parse(JSON.parse(stored)) : undefined;
      const spent = await readShared(ENRICHMENT_SPEND);
      const t = applyProfileForEnrichment(current, event, rubric, spent, now, policy);
      if (t.ignored) return {};
      for (const s of t.skipped) logger.debug({ accountKey: event.accountKey, step: s.step, why: s.why }, "enrichment step not requested");
      const today = spendKey(now, "technographic").slice(0, 10);
      const old = Object.keys(spent).filter((key) => key.slice(0, 10) < today);
      return {
        state: { set: { [ENRICHMENT_STATE_FIELD]: JSON.stringify(t.state) } },
        outputs: t.outputs.map((request) => output(catalog.enrichmentRequests, request)),
        ...(Object.keys(t.spent).length > 0 || old.length > 0 ? { shared: { [ENRICHMENT_SPEND]: { set: t.spent, ...(old.length > 0 ? { del: old } : {}) } } } : {}),
      };
    },
  };
}

/**
 * The sample worker's answer to one request: the request's profile with the requested layer
 * taken from the source (a CSV standing in for Clay / Apollo), as a profile update — or null
 * when the source knows nothing of that layer for the account (the request's cooldown then
 * keeps it from being asked again at once). The update's id is `enriched:<request id>` and its
 * instant the request's, or a millisecond after the profile it completes if that is later, so
 * a redelivered request gives the same update and it is always newer than the profile it
 * completes (the fit service keeps the newest profile by instant, then id).
 */
export function answerRequest(request: EnrichmentRequestedEventV1, source: ReadonlyMap<string, AccountProfile>): Parameters<typeof output<TopicCatalog["firmographic"]>>[1] | null {
  const known = source.get(request.accountKey);
  if (!known) return null;
  const layer = request.step === "technographic" ? { technographics: known.technographics } : { organisational: known.organisational };
  const empty = request.step === "technographic" ? known.technographics.technologies.length === 0 && known.technographics.competitorContracts.length === 0 : known.organisational.buyingRolesPresent.length === 0 && known.organisational.championIdentified === undefined && known.organisational.budgetHolderIdentified === undefined && known.organisational.hasTechnicalTeam === undefined;
  if (empty) return null;
  return {
    ...request.profile,
    ...layer,
    type: "account_profile",
    eventId: `enriched:${request.eventId}`.slice(0, 200),
    accountKey: request.accountKey,
    occurredAt: new Date(Math.max(Date.parse(request.occurredAt), Date.parse(request.profileOccurredAt) + 1)).toISOString(),
    observedAt: request.observedAt,
    source: "enrichment-worker",
    schemaVersion: 1,
  };
}

/** The worker: request in → profile update out on the firmographic topic (no state). */
export function workerHandler(catalog: TopicCatalog, source: ReadonlyMap<string, AccountProfile>): StatefulHandler<TopicCatalog["enrichmentRequests"]> {
  return {
    onEvent: (request, _state, { logger }) => {
      const update = answerRequest(request, source);
      if (!update) {
        logger.info({ accountKey: request.accountKey, step: request.step }, "the enrichment source has nothing for this account and step");
        return {};
      }
      return { outputs: [output(catalog.firmographic, update)] };
    },
  };
}
