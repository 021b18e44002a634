import { z } from "zod";
import type { AccountProfileEventV1, EnrichmentRequestedEventV1 } from "@icpstream/contracts";
import { AccountKey, decideEnrichment } from "@icpstream/scoring";
import type { AccountProfile, EnrichedLayers, EnrichmentStep, LoadedScorecard, Rubric, WaterfallRules } from "@icpstream/scoring";
import { assertSameAccount } from "./errors.js";
import { compareOccurrence, toIso } from "./instant.js";
import { outputEventId } from "./output-id.js";

/**
 * The enrichment service's decision: a profile arrives → the waterfall's next step per
 * scorecard with a `waterfall` section (see `decideEnrichment`) → a request on the
 * enrichment-requests topic, unless
 * - **duplicate**: the step was already requested for this very profile (the request id is
 *   `enrich:<account>:<step>:<profile eventId>`, so a redelivered profile asks nothing new);
 * - **cooldown**: the step was requested for the account less than `cooldownMs` ago (a
 *   worker that had nothing to add is not asked again at every profile update);
 * - **budget**: the shard spent its share of the step's daily budget (UTC day of `now`):
 *   `dailyBudget[step]` split evenly over the topic's partitions, rounded up, so it holds
 *   whichever member handles which partition;
 * - **stale**: the profile is older than the newest one seen (by `occurredAt`, then `eventId`).
 *
 * A layer counts as enriched when the profile has data in it (technologies or competitor
 * contracts; buying roles or an organisational fact): an empty layer is asked for, and a
 * worker with nothing to add leaves it empty, which the cooldown then rate-limits.
 * Requests depend on the clock (cooldown, budget day), so unlike scores they are not part
 * of the batch recompute.
 */
export interface EnrichmentPolicy {
  cooldownMs: number;
  dailyBudget: Record<EnrichmentStep, number>;
  /** Partitions of the input topic: the daily budget is split over them. */
  partitions: number;
}

export const EnrichmentState = z.object({
  v: z.literal(1),
  accountKey: AccountKey,
  profile: z.object({ eventId: z.string().min(1), occurredAt: z.string() }),
  /** Step → when it was last requested (epoch ms) and for which profile. */
  requested: z.record(z.string(), z.object({ at: z.number(), profileEventId: z.string() })),
});
export type EnrichmentState = z.infer<typeof EnrichmentState>;

export type EnrichmentSkip = "duplicate" | "cooldown" | "budget";

export interface EnrichmentTransition {
  state: EnrichmentState;
  outputs: EnrichmentRequestedEventV1[];
  /** Shard-wide spend to write with the state: `<UTC day>:<step>` → count. */
  spent: Record<string, string>;
  /** Steps the waterfall wanted but that were not requested, and why. */
  skipped: { step: EnrichmentStep; why: EnrichmentSkip }[];
  ignored?: "stale";
}

/** Which layers of a profile hold data (the waterfall's "already enriched"). */
export function enrichedLayersOf(profile: AccountProfile): EnrichedLayers {
  const t = profile.technographics;
  const o = profile.organisational;
  return {
    technographic: t.technologies.length > 0 || t.competitorContracts.length > 0,
    organisational: o.buyingRolesPresent.length > 0 || o.championIdentified !== undefined || o.budgetHolderIdentified !== undefined || o.hasTechnicalTeam !== undefined,
  };
}

/** The shard's share of a step's daily budget. */
export const shardBudget = (policy: EnrichmentPolicy, step: EnrichmentStep): number => Math.ceil(policy.dailyBudget[step] / Math.max(1, policy.partitions));
export const spendKey = (now: number, step: EnrichmentStep): string => `${toIso(now).slice(0, 10)}:${step}`;

export function applyProfileForEnrichment(state: EnrichmentState | undefined, event: AccountProfileEventV1, rubric: Rubric, spent: Readonly<Record<string, string>>, now: number, policy: EnrichmentPolicy): EnrichmentTransition {
  assertSameAccount(state?.accountKey, event.accountKey, "a profile");
  const base: EnrichmentState = state ?? { v: 1, accountKey: event.accountKey, profile: { eventId: event.eventId, occurredAt: event.occurredAt }, requested: {} };
  if (state && compareOccurrence(event, state.profile) < 0) return { state, outputs: [], spent: {}, skipped: [], ignored: "stale" };
  const { type: _t, eventId: _e, occurredAt: _o, observedAt: _ob, source: _s, schemaVersion: _v, ...profile } = event;
  const enriched = enrichedLayersOf(profile);
  const wanted = new Map<EnrichmentStep, { card: LoadedScorecard; reason: string; firmographicPoints: number; fitBeforeOrganisational?: number }>();
  for (const card of rubric.scorecards) {
    if (!card.waterfall) continue;
    const decision = decideEnrichment(profile, card as LoadedScorecard & { waterfall: WaterfallRules }, enriched);
    if (decision.next && !wanted.has(decision.next)) {
      wanted.set(decision.next, { card, reason: decision.reason, firmographicPoints: decision.firmographicPoints, ...(decision.fitBeforeOrganisational === undefined ? {} : { fitBeforeOrganisational: decision.fitBeforeOrganisational }) });
    }
  }
  const requested = { ...base.requested };
  const outputs: EnrichmentRequestedEventV1[] = [];
  const newSpend: Record<string, string> = {};
  const skipped: EnrichmentTransition["skipped"] = [];
  for (const [step, why] of wanted) {
    const last = requested[step];
    if (last?.profileEventId === event.eventId) {
      skipped.push({ step, why: "duplicate" });
      continue;
    }
    if (last && now - last.at < policy.cooldownMs) {
      skipped.push({ step, why: "cooldown" });
      continue;
    }
    const key = spendKey(now, step);
    const used = Number(newSpend[key] ?? spent[key] ?? 0);
    if (used >= shardBudget(policy, step)) {
      skipped.push({ step, why: "budget" });
      continue;
    }
    newSpend[key] = String(used + 1);
    requested[step] = { at: now, profileEventId: event.eventId };
    outputs.push({
      type: "enrichment_requested",
      eventId: outputEventId("enrich", [event.accountKey, step, event.eventId]),
      accountKey: event.accountKey,
      occurredAt: toIso(now),
      observedAt: toIso(now),
      source: "enrichment",
      schemaVersion: 1,
      step,
      scorecard: why.card.id,
      reason: why.reason,
      firmographicPoints: why.firmographicPoints,
      ...(why.fitBeforeOrganisational === undefined ? {} : { fitBeforeOrganisational: why.fitBeforeOrganisational }),
      profileEventId: event.eventId,
      profileOccurredAt: event.occurredAt,
      profile,
    });
  }
  return { state: { ...base, profile: { eventId: event.eventId, occurredAt: event.occurredAt }, requested }, outputs, spent: newSpend, skipped };
}
