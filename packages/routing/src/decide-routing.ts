import { actionId } from "./action-id.js";
import { epochMs, isoUtc, type Instant } from "./instant.js";
import { own, tierRouting, type ActionSpec, type RoutingConfig } from "./routing-config.js";
import { pickOwner } from "./round-robin.js";
import { chooseTeam, type AccountTerritory } from "./territory.js";

/** A tier as the tier change carries it (the contracts' `TierRefV1`). */
export interface TierRef {
  id: string;
  name: string;
  /** 1 for the top tier; the excluded tier ranks after every other. */
  rank: number;
}

export interface Reason {
  text: string;
  rule?: string | undefined;
  points?: number | undefined;
}

/**
 * The part of a `tier_changed` event the router reads. The contracts' `TierChangedEventV1`
 * satisfies it as is (a test keeps it so).
 */
/** The contact to reach, as the tier change carries it (the contracts' `BestContactV1`). */
export interface ContactRef {
  contactId: string;
  title?: string | undefined;
  score: number;
  roles: ("economic_buyer" | "champion" | "technical_evaluator" | "user")[];
  why: string;
}

export interface TierChange {
  eventId: string;
  accountKey: string;
  idempotencyKey: string;
  scorecard: string;
  /** null the first time the account is tiered on this scorecard. */
  previousTier: TierRef | null;
  tier: TierRef;
  strongIntent: boolean;
  reasons: readonly Reason[];
  /** The account's best contact, when it has contacts. */
  bestContact?: ContactRef | undefined;
  /** Published because the best contact changed inside the top tier (the tier did not move). */
  bestContactChanged?: boolean | undefined;
  previousBestContactId?: string | undefined;
}

export interface RoutingInput {
  change: TierChange;
  config: RoutingConfig;
  /** Territory facts for owner routing; absent facts match no territory rule that needs them. */
  territory?: AccountTerritory | undefined;
  /**
   * Whether the account has an active trigger (front of the queue). When not given, it is
   * read from the change: a positive reason whose rule starts with one of
   * `config.priority.triggerRules`, or strong intent if `config.priority.strongIntent`.
   */
  triggerActive?: boolean | undefined;
  /** Round-robin cursors by team, as the caller stored them; a missing team starts at 0. */
  cursors: Readonly<Record<string, number>>;
  /** The instant SLAs count from. */
  now: Instant;
}

interface ActionBase {
  /** Deterministic, from the tier change's idempotency key (see `actionId`). */
  idempotencyKey: string;
  tierChangedEventId: string;
  accountKey: string;
  scorecard: string;
  /** The tier the account is in now. */
  tier: TierRef;
  /** For people: why this action. */
  reason: string;
  /** Who to reach: the best contact, on the actions of the tier entered (absent without contacts). */
  contact?: ContactRef;
}

export interface RouteToOwnerAction extends ActionBase {
  type: "route_to_owner";
  owner: string;
  team: string;
  slaDueAt: string;
  /** `front`: an active trigger jumps the queue. */
  priority: "front" | "normal";
}
export interface EnrollInSequenceAction extends ActionBase {
  type: "enroll_in_sequence";
  sequenceId: string;
}
export interface AddToNurtureAction extends ActionBase {
  type: "add_to_nurture";
  program?: string;
}
export interface MonitorAction extends ActionBase {
  type: "monitor";
}
/** The account left every tier that routes to an owner: release it. */
export interface UnassignOwnerAction extends ActionBase {
  type: "unassign_owner";
  previousTier: TierRef;
}
/** The account left a tier whose sequence the new tier does not run: stop it. */
export interface StopSequenceAction extends ActionBase {
  type: "stop_sequence";
  sequenceId: string;
  previousTier: TierRef;
}

/** Inside the top tier the best contact changed: reach the new one (the owner stays). */
export interface SwitchContactAction extends ActionBase {
  type: "switch_contact";
  contact: ContactRef;
  previousContactId?: string;
}

export type RoutingAction = RouteToOwnerAction | EnrollInSequenceAction | AddToNurtureAction | MonitorAction | UnassignOwnerAction | StopSequenceAction | SwitchContactAction;
export type RoutingActionType = RoutingAction["type"];

export interface CursorAdvance {
  team: string;
  /** The cursor to store for the team, atomically with the change's consumed offset. */
  cursor: number;
}

export interface RoutingDecision {
  /** Leaving actions first (unassign, stop), then the new tier's actions in config order. */
  actions: RoutingAction[];
  /** Set when an owner was picked: the team's next round-robin cursor. */
  cursorAdvance: CursorAdvance | undefined;
  /** Problems that did not stop the decision (e.g. no team for an owner route). */
  warnings: string[];
}

const MAX_REASON = 500;
const clip = (text: string) => (text.length <= MAX_REASON ? text : `${text.slice(0, MAX_REASON - 1)}…`);
const HOUR_MS = 3_600_000;

/** Whether the change shows an active trigger, by the config's rules (see `RoutingInput.triggerActive`). */
export function hasActiveTrigger(change: Pick<TierChange, "reasons" | "strongIntent">, config: RoutingConfig): boolean {
  if (config.priority.strongIntent && change.strongIntent) return true;
  return change.reasons.some((r) => r.rule !== undefined && (r.points ?? 0) > 0 && config.priority.triggerRules.some((prefix) => (r.rule as string).startsWith(prefix)));
}

/**
 * The decision table: what the router does about one tier change. Pure and deterministic:
 * the same change, config, territory, cursors and `now` give the same decision.
 *
 * - Entering a tier runs the tier's actions (scorecard override → tier → `unknownTier`).
 * - `route_to_owner` picks the team by territory (first match, else the fallback team) and
 *   the owner by round-robin; the SLA counts from `now` (shorter with an active trigger when
 *   `frontOfQueueSlaHours` is set), and an active trigger puts it at the front of the queue.
 *   When the previous tier already routed to an owner, the owner stays: no new pick.
 * - Leaving a tier: a tier that routed to an owner, left for one that does not, releases the
 *   owner (`unassign_owner`); its sequences the new tier does not run are stopped.
 * - A change whose tier id did not move (e.g. a rubric re-version) decides nothing — except
 *   a change of best contact inside the top tier (`bestContactChanged`): one `switch_contact`
 *   naming the new contact, why, and the previous one.
 * - The actions of the tier entered name the best contact (`contact`: id, title, score,
 *   roles, why), so a sequencer enrolls the right person; leaving actions do not.
 */
export function decideRouting(input: RoutingInput): RoutingDecision {
  const { change, config } = input;
  const nowMs = epochMs(input.now);
  const warnings: string[] = [];
  const actions: RoutingAction[] = [];
  let cursorAdvance: CursorAdvance | undefined;
  const previous = change.previousTier;
  const contact = change.bestContact === undefined ? undefined : { ...change.bestContact, roles: [...change.bestContact.roles] };
  const base = (type: RoutingActionType, reason: string, target?: string): ActionBase => ({
    idempotencyKey: actionId(change.idempotencyKey, type, target),
    tierChangedEventId: change.eventId,
    accountKey: change.accountKey,
    scorecard: change.scorecard,
    tier: { id: change.tier.id, name: change.tier.name, rank: change.tier.rank },
    reason: clip(reason),
  });
  const reach = contact === undefined ? "" : `; reach ${contact.contactId}${contact.title ? ` (${contact.title})` : ""}: ${contact.why}`;
  if (previous !== null && previous.id === change.tier.id) {
    if (change.bestContactChanged === true && contact !== undefined && change.tier.rank === 1) {
      const was = change.previousBestContactId === undefined ? "" : ` instead of ${change.previousBestContactId}`;
      actions.push({
        ...base("switch_contact", `${change.tier.name}: best contact is now ${contact.contactId}${contact.title ? ` (${contact.title})` : ""}${was}: ${contact.why}`, contact.contactId),
        type: "switch_contact",
        contact,
        ...(change.previousBestContactId === undefined ? {} : { previousContactId: change.previousBestContactId }),
      });
    }
    return { actions, cursorAdvance, warnings };
  }
  const entered = (type: RoutingActionType, reason: string, target?: string): ActionBase => ({ ...base(type, `${reason}${reach}`, target), ...(contact === undefined ? {} : { contact }) });

  const entering = tierRouting(config, change.scorecard, change.tier.id).actions;
  const leaving: readonly ActionSpec[] = previous === null ? [] : tierRouting(config, change.scorecard, previous.id).actions;
  const hadOwner = leaving.some((a) => a.type === "route_to_owner");
  const hasOwner = entering.some((a) => a.type === "route_to_owner");
  const moved = previous === null ? "" : `left ${previous.name} for ${change.tier.name}`;
  const previousRef = previous === null ? undefined : { id: previous.id, name: previous.name, rank: previous.rank };

  if (previousRef) {
    if (config.onLeave.unassignOwner && hadOwner && !hasOwner) {
      actions.push({ ...base("unassign_owner", `${moved}: owner released`), type: "unassign_owner", previousTier: previousRef });
    }
    if (config.onLeave.stopSequences) {
      const kept = new Set(entering.flatMap((a) => (a.type === "enroll_in_sequence" ? [a.sequenceId] : [])));
      for (const spec of leaving) {
        if (spec.type !== "enroll_in_sequence" || kept.has(spec.sequenceId)) continue;
        actions.push({ ...base("stop_sequence", `${moved}: sequence ${spec.sequenceId} stopped`, spec.sequenceId), type: "stop_sequence", sequenceId: spec.sequenceId, previousTier: previousRef });
      }
    }
  }

  const tierName = change.tier.name;
  for (const spec of entering) {
    switch (spec.type) {
      case "route_to_owner": {
        if (hadOwner) break;
        const choice = chooseTeam(config, input.territory ?? {}, change.scorecard);
        const team = choice && own(config.teams, choice.team);
        if (!choice || !team) {
          warnings.push(`${tierName}: no team to route ${change.accountKey} to (no territory matched and no fallback team)`);
          break;
        }
        const pick = pickOwner(team.owners, own(input.cursors, choice.team));
        cursorAdvance = { team: choice.team, cursor: pick.nextCursor };
        const front = input.triggerActive ?? hasActiveTrigger(change, config);
        const hours = front ? (spec.frontOfQueueSlaHours ?? spec.slaHours) : spec.slaHours;
        const reason = front
          ? `${tierName} with an active trigger: front of the queue, ${pick.owner} (${choice.team}) to respond within ${hours} h`
          : `${tierName}: ${pick.owner} (${choice.team}) to respond within ${hours} h`;
        actions.push({ ...entered("route_to_owner", reason), type: "route_to_owner", owner: pick.owner, team: choice.team, slaDueAt: isoUtc(nowMs + hours * HOUR_MS), priority: front ? "front" : "normal" });
        break;
      }
      case "enroll_in_sequence":
        actions.push({ ...entered("enroll_in_sequence", `${tierName}: automated sequence ${spec.sequenceId}`, spec.sequenceId), type: "enroll_in_sequence", sequenceId: spec.sequenceId });
        break;
      case "add_to_nurture":
        actions.push(
          spec.program === undefined
            ? { ...entered("add_to_nurture", `${tierName}: nurture`), type: "add_to_nurture" }
            : { ...entered("add_to_nurture", `${tierName}: nurture (${spec.program})`, spec.program), type: "add_to_nurture", program: spec.program },
        );
        break;
      case "monitor":
        actions.push({ ...entered("monitor", `${tierName}: monitor only`), type: "monitor" });
        break;
    }
  }
  return { actions, cursorAdvance, warnings };
}
