/**
 * @icpstream/routing — the router's decision table as pure code: a tier change, the routing
 * config, round-robin cursors and `now` in; actions with deterministic ids out. Also the
 * webhook signature scheme. No I/O, no clock.
 */
export * from "./errors.js";
export { epochMs, isoUtc, type Instant } from "./instant.js";
export {
  RoutingConfigDocument,
  ActionSpec,
  TierRouting,
  TerritoryRule,
  Team,
  parseRoutingConfig,
  routingConfigFromValue,
  tierRouting,
  type RoutingConfig,
} from "./routing-config.js";
export { pickOwner, normalizeCursor, type RoundRobinPick } from "./round-robin.js";
export { chooseTeam, territoryMatches, type AccountTerritory, type TeamChoice } from "./territory.js";
export { actionId, MAX_ACTION_ID_LENGTH } from "./action-id.js";
export * from "./decide-routing.js";
export * from "./webhook-signature.js";
