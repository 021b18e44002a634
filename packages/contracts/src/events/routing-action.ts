import { z } from "zod";
import { IsoDateTime } from "@icpstream/scoring";
import { EventId, envelopeShape } from "../envelope.js";
import { BestContactV1, ScorecardId, TierRefV1 } from "./score-parts.js";

/**
 * Routing actions v1 — what the router decided for one tier change, for the delivery
 * workers (Kafka subscribers, signed webhooks, CRM tasks). One tier change may produce
 * several actions; each has its own idempotency key derived from the change's.
 */
const action = {
  ...envelopeShape(1),
  idempotencyKey: z.string().min(1).max(200),
  /** The `tier_changed` event this action answers. */
  tierChangedEventId: EventId,
  scorecard: ScorecardId,
  tier: TierRefV1,
  /** For people: why this action (`Tier 1 with an active trigger: front of the queue`). */
  reason: z.string().min(1).max(500),
  /**
   * The contact to reach (the account's best contact when the tier changed), so a sequencer
   * enrolls the right person. Optional (added after v1 first shipped): absent when the
   * account has no contacts, and on leaving actions.
   */
  contact: BestContactV1.optional(),
};

/** Immediate routing to a named owner with a response SLA. */
export const RouteToOwnerActionV1 = z.object({
  type: z.literal("route_to_owner"),
  ...action,
  owner: z.string().min(1).max(200),
  /** The team (territory or segment) whose round-robin picked the owner. Optional: added after v1 first shipped. */
  team: z.string().min(1).max(200).optional(),
  slaDueAt: IsoDateTime,
  /** `front`: an active trigger jumps the queue. */
  priority: z.enum(["front", "normal"]),
});
export const EnrollInSequenceActionV1 = z.object({
  type: z.literal("enroll_in_sequence"),
  ...action,
  sequenceId: z.string().min(1).max(200),
});
export const AddToNurtureActionV1 = z.object({
  type: z.literal("add_to_nurture"),
  ...action,
  program: z.string().min(1).max(200).optional(),
});
export const MonitorActionV1 = z.object({
  type: z.literal("monitor"),
  ...action,
});
/** The account left every tier that routes to an owner: release it. Added to v1 as a new union member (BACKWARD: old records are still valid). */
export const UnassignOwnerActionV1 = z.object({
  type: z.literal("unassign_owner"),
  ...action,
  /** The tier the account left. */
  previousTier: TierRefV1,
});
/** The account left a tier whose sequence the new tier does not run: stop it. Added to v1 like `unassign_owner`. */
export const StopSequenceActionV1 = z.object({
  type: z.literal("stop_sequence"),
  ...action,
  sequenceId: z.string().min(1).max(200),
  previousTier: TierRefV1,
});
/**
 * Inside the top tier the best contact changed: the owner keeps the account and reaches the
 * new contact (sequences move to them). Added to v1 as a new union member like `unassign_owner`.
 */
export const SwitchContactActionV1 = z.object({
  type: z.literal("switch_contact"),
  ...action,
  contact: BestContactV1,
  previousContactId: z.string().min(1).max(200).optional(),
});
export type SwitchContactActionV1 = z.infer<typeof SwitchContactActionV1>;
export type RouteToOwnerActionV1 = z.infer<typeof RouteToOwnerActionV1>;
export type EnrollInSequenceActionV1 = z.infer<typeof EnrollInSequenceActionV1>;
export type AddToNurtureActionV1 = z.infer<typeof AddToNurtureActionV1>;
export type MonitorActionV1 = z.infer<typeof MonitorActionV1>;
export type UnassignOwnerActionV1 = z.infer<typeof UnassignOwnerActionV1>;
export type StopSequenceActionV1 = z.infer<typeof StopSequenceActionV1>;

export const RoutingActionV1 = z.discriminatedUnion("type", [
  RouteToOwnerActionV1,
  EnrollInSequenceActionV1,
  AddToNurtureActionV1,
  MonitorActionV1,
  UnassignOwnerActionV1,
  StopSequenceActionV1,
  SwitchContactActionV1,
]);
export type RoutingActionV1 = z.infer<typeof RoutingActionV1>;
