import type { AccountProfileEventV1, RoutingActionV1, TierChangedEventV1, TopicCatalog } from "@icpstream/contracts";
import { output, type HandlerResult, type StatefulHandler } from "@icpstream/kafka-kit";
import { decideRouting, epochMs, hasActiveTrigger, normalizeCursor, type AccountTerritory, type RoutingAction, type RoutingConfig } from "@icpstream/routing";

/**
 * The router's stateful handler: profiles and tier changes in (co-partitioned by account,
 * one shard `routing`), routing actions out.
 *
 * - **Territory**: an account's newest profile (by `occurredAt`, then event id) gives the
 *   country, region and employee count its owner's team is chosen by. A tier change the
 *   router meets before any profile is routed with no territory (the fallback team).
 * - **Round-robin**: cursors per team are shard-wide state (`round-robin`), read before the
 *   decision and written in the same atomic step as the consumed offset and the outputs,
 *   so a redelivered tier change finds its offset stored and changes nothing, and a
 *   recomputation after a crash reads the same cursor and picks the same owner.
 * - **Once per change**: the last tier change routed per scorecard is kept by idempotency
 *   key; the same change again (the combiner re-sending after a crash, at a new offset) is
 *   not routed twice, so no owner is picked twice for it.
 * - **Replays are identical**: SLAs count from the tier change's `occurredAt`, never from
 *   the clock; every action's envelope comes from the change.
 * - **Active trigger**: the change's `triggerActive` (filled by the combiner), or the
 *   routing config's own rules over its reasons and strong intent.
 */
export type RouterInput = TopicCatalog["firmographic"] | TopicCatalog["tierChanged"];

/** The shard the router's inputs share. */
export const ROUTER_STREAM = "routing";
/** Shard-wide hash: team → assignments so far. */
export const ROUND_ROBIN = "round-robin";
export const TERRITORY_FIELD = "territory";
export const routedField = (scorecard: string) => `routed:${scorecard}`;

interface StoredTerritory extends AccountTerritory {
  /** The profile it came from: newest wins. */
  occurredAt: string;
  eventId: string;
}

/** The territory facts of a profile (what the routing config's territory rules read). */
export function territoryOf(profile: AccountProfileEventV1): StoredTerritory {
  const f = profile.firmographics ?? {};
  return {
    ...(f.country !== undefined ? { country: f.country } : {}),
    ...(f.region !== undefined ? { region: f.region } : {}),
    ...(f.employeeCount !== undefined ? { employeeCount: f.employeeCount } : {}),
    occurredAt: profile.occurredAt,
    eventId: profile.eventId,
  };
}

function storedTerritory(state: Record<string, string>): StoredTerritory | undefined {
  const text = state[TERRITORY_FIELD];
  return text === undefined ? undefined : (JSON.parse(text) as StoredTerritory);
}

/** A profile keeps the account's territory when it is newer than the stored one (ties: the larger event id). */
export function onProfile(profile: AccountProfileEventV1, state: Record<string, string>): HandlerResult {
  const stored = storedTerritory(state);
  if (stored) {
    const order = epochMs(profile.occurredAt) - epochMs(stored.occurredAt) || (profile.eventId > stored.eventId ? 1 : profile.eventId < stored.eventId ? -1 : 0);
    if (order <= 0) return {};
  }
  return { state: { set: { [TERRITORY_FIELD]: JSON.stringify(territoryOf(profile)) } } };
}

export interface TierChangeRouting {
  actions: RoutingActionV1[];
  result: HandlerResult;
  warnings: string[];
}

/**
 * What one tier change does: the actions (as `routing_actions` events) and the state to
 * write with them — the change marked routed, the team's cursor advanced.
 */
export function onTierChange(change: TierChangedEventV1, state: Record<string, string>, cursors: Readonly<Record<string, string>>, config: RoutingConfig): TierChangeRouting {
  if (state[routedField(change.scorecard)] === change.idempotencyKey) return { actions: [], result: {}, warnings: [] };
  const territory = storedTerritory(state);
  const decision = decideRouting({
    change,
    config,
    territory: territory && { country: territory.country, region: territory.region, employeeCount: territory.employeeCount },
    triggerActive: change.triggerActive === true || hasActiveTrigger(change, config),
    cursors: Object.fromEntries(Object.entries(cursors).map(([team, cursor]) => [team, normalizeCursor(Number(cursor))])),
    now: change.occurredAt,
  });
  const actions = decision.actions.map((action) => routingActionEvent(action, change));
  const result: HandlerResult = {
    state: { set: { [routedField(change.scorecard)]: change.idempotencyKey } },
    ...(decision.cursorAdvance ? { shared: { [ROUND_ROBIN]: { set: { [decision.cursorAdvance.team]: String(decision.cursorAdvance.cursor) } } } } : {}),
  };
  return { actions, result, warnings: decision.warnings };
}

/** A decided action on the wire: its id is its idempotency key; time and origin are the tier change's. */
export function routingActionEvent(action: RoutingAction, change: TierChangedEventV1): RoutingActionV1 {
  return {
    ...action,
    eventId: action.idempotencyKey,
    occurredAt: change.occurredAt,
    observedAt: change.observedAt,
    source: "router",
    schemaVersion: 1,
  };
}

export function routerHandler(config: RoutingConfig, catalog: TopicCatalog): StatefulHandler<RouterInput> {
  return {
    onEvent: async (event, state, context) => {
      if (event.type === "account_profile") return onProfile(event, state);
      const cursors = await context.readShared(ROUND_ROBIN);
      const routed = onTierChange(event, state, cursors, config);
      for (const warning of routed.warnings) context.logger.warn({ accountKey: event.accountKey, scorecard: event.scorecard }, warning);
      return { ...routed.result, outputs: routed.actions.map((action) => output(catalog.routingActions, action)) };
    },
  };
}
