import { readFileSync } from "node:fs";
import { EXAMPLE_EVENTS, RoutingActionV1, type TierChangedEventV1 } from "@icpstream/contracts";
import { describe, expect, it } from "vitest";
import { decideRouting, hasActiveTrigger, type RoutingInput, type TierChange, type TierRef } from "./decide-routing.js";
import { parseRoutingConfig, routingConfigFromValue } from "./routing-config.js";

const config = parseRoutingConfig(readFileSync(new URL("../routing.example.yaml", import.meta.url), "utf8"), "routing.example.yaml");
const tier1: TierRef = { id: "tier1", name: "Tier 1", rank: 1 };
const tier2: TierRef = { id: "tier2", name: "Tier 2", rank: 2 };
const tier3: TierRef = { id: "tier3", name: "Tier 3", rank: 3 };
const excluded: TierRef = { id: "excluded", name: "Excluded", rank: 4 };
const NOW = "2026-10-20T09:31:12Z";

function change(previousTier: TierRef | null, tier: TierRef, extra: Partial<TierChange> = {}): TierChange {
  return { eventId: "evt-1", accountKey: "acme.com", idempotencyKey: "tc-0123456789abcdef", scorecard: "enterprise", previousTier, tier, strongIntent: false, reasons: [], ...extra };
}

function decide(c: TierChange, more: Partial<RoutingInput> = {}) {
  return decideRouting({ change: c, config, territory: { region: "EMEA", employeeCount: 2500, country: "DE" }, cursors: {}, now: NOW, ...more });
}

const funding = { text: "Funding round +12", rule: "timing.triggers.funding", points: 12 };

describe("deciding what the router does about a tier change", () => {
  it("an account entering Tier 1 is routed to a named owner with a 4-hour response SLA", () => {
    const { actions, cursorAdvance } = decide(change(tier2, tier1));
    const route = actions.find((a) => a.type === "route_to_owner");
    expect(route).toMatchObject({ type: "route_to_owner", owner: "ae-emea-1", team: "emea-enterprise", slaDueAt: "2026-10-20T13:31:12.000Z", priority: "normal" });
    expect(route?.reason).toBe("Tier 1: ae-emea-1 (emea-enterprise) to respond within 4 h");
    expect(cursorAdvance).toEqual({ team: "emea-enterprise", cursor: 1 });
  });

  it("a Tier 1 account with an active trigger jumps to the front of the queue with the shorter SLA", () => {
    const { actions } = decide(change(tier2, tier1, { reasons: [funding] }));
    expect(actions.find((a) => a.type === "route_to_owner")).toMatchObject({ priority: "front", slaDueAt: "2026-10-20T10:31:12.000Z", reason: "Tier 1 with an active trigger: front of the queue, ae-emea-1 (emea-enterprise) to respond within 1 h" });
  });

  it("the caller may say a trigger is active when the reasons do not show it", () => {
    const { actions } = decide(change(null, tier1), { triggerActive: true });
    expect(actions[0]).toMatchObject({ type: "route_to_owner", priority: "front" });
  });

  it("a trigger reason worth no points, or strong intent alone, does not jump the queue by default", () => {
    expect(hasActiveTrigger({ reasons: [{ ...funding, points: 0 }], strongIntent: true }, config)).toBe(false);
    const withIntent = routingConfigFromValue({ ...config, priority: { strongIntent: true } }, "inline");
    expect(hasActiveTrigger({ reasons: [], strongIntent: true }, withIntent)).toBe(true);
  });

  it("the next Tier 1 account for the same team goes to the next owner", () => {
    const { actions, cursorAdvance } = decide(change(null, tier1), { cursors: { "emea-enterprise": 1 } });
    expect(actions[0]).toMatchObject({ owner: "ae-emea-2" });
    expect(cursorAdvance).toEqual({ team: "emea-enterprise", cursor: 2 });
  });

  it("the team comes from the first territory that matches, else the fallback team", () => {
    const route = (territory: RoutingInput["territory"]) => decide(change(null, tier1), { territory }).actions[0];
    expect(route({ region: "emea", employeeCount: 200 })).toMatchObject({ team: "emea-commercial" });
    expect(route({ country: "us", employeeCount: 5000 })).toMatchObject({ team: "na-enterprise" });
    expect(route({ country: "BR" })).toMatchObject({ team: "global", owner: "ae-global-1" });
    expect(route(undefined)).toMatchObject({ team: "global" });
  });

  it("an account entering Tier 2 is enrolled in the automated sequence", () => {
    const { actions, cursorAdvance } = decide(change(tier3, tier2));
    expect(actions).toEqual([expect.objectContaining({ type: "enroll_in_sequence", sequenceId: "seq-tier2-revops", idempotencyKey: "tc-0123456789abcdef:enroll_in_sequence:seq-tier2-revops", reason: "Tier 2: automated sequence seq-tier2-revops" })]);
    expect(cursorAdvance).toBeUndefined();
  });

  it("an account moving up from Tier 2 to Tier 1 has its automated sequence stopped, so the owner is not doubled by it", () => {
    const { actions } = decide(change(tier2, tier1));
    expect(actions.map((a) => a.type)).toEqual(["stop_sequence", "route_to_owner"]);
    expect(actions[0]).toMatchObject({ sequenceId: "seq-tier2-revops", previousTier: tier2, tier: tier1 });
  });

  it("an account dropping from Tier 1 to Tier 2 loses its owner and gets the sequence", () => {
    const { actions } = decide(change(tier1, tier2));
    expect(actions.map((a) => a.type)).toEqual(["unassign_owner", "enroll_in_sequence"]);
    expect(actions[0]).toMatchObject({ previousTier: tier1, tier: tier2, reason: "left Tier 1 for Tier 2: owner released" });
  });

  it("an account dropping from Tier 2 to Tier 3 has its sequence stopped and goes to nurture", () => {
    const { actions } = decide(change(tier2, tier3));
    expect(actions.map((a) => [a.type, a.idempotencyKey])).toEqual([
      ["stop_sequence", "tc-0123456789abcdef:stop_sequence:seq-tier2-revops"],
      ["add_to_nurture", "tc-0123456789abcdef:add_to_nurture:monthly-newsletter"],
    ]);
  });

  it("an excluded account is monitored only, and what it had is released", () => {
    const { actions } = decide(change(tier1, excluded));
    expect(actions.map((a) => a.type)).toEqual(["unassign_owner", "monitor"]);
    expect(actions[1]?.reason).toBe("Excluded: monitor only");
  });

  it("an account tiered for the first time releases nothing", () => {
    expect(decide(change(null, tier3)).actions.map((a) => a.type)).toEqual(["add_to_nurture"]);
  });

  it("an account moving between two tiers that both route to an owner keeps its owner", () => {
    const card = routingConfigFromValue({ ...config, tiers: { ...config.tiers, tier2: { actions: [{ type: "route_to_owner", slaHours: 24 }] } } }, "inline");
    const { actions, cursorAdvance } = decideRouting({ change: change(tier1, tier2), config: card, cursors: {}, now: NOW });
    expect(actions).toEqual([]);
    expect(cursorAdvance).toBeUndefined();
  });

  it("stopping is left out when the config keeps sequences on leave", () => {
    const keep = routingConfigFromValue({ ...config, onLeave: { stopSequences: false, unassignOwner: false } }, "inline");
    const { actions } = decideRouting({ change: change(tier1, tier3), config: keep, cursors: {}, now: NOW });
    expect(actions.map((a) => a.type)).toEqual(["add_to_nurture"]);
  });

  it("a change whose tier did not move decides nothing", () => {
    expect(decide(change(tier2, tier2)).actions).toEqual([]);
  });

  it("a scorecard's own tiers apply to its changes", () => {
    const a: TierRef = { id: "a", name: "A", rank: 1 };
    const b: TierRef = { id: "b", name: "B", rank: 2 };
    const { actions } = decide(change(b, a, { scorecard: "plg" }));
    expect(actions.map((x) => x.type)).toEqual(["stop_sequence", "route_to_owner", "enroll_in_sequence"]);
    expect(actions[1]).toMatchObject({ slaDueAt: "2026-10-21T09:31:12.000Z" });
  });

  it("a tier without a team to route to still decides, with a warning", () => {
    const noTeams = routingConfigFromValue({ tiers: { tier1: { actions: [{ type: "route_to_owner", slaHours: 4 }, { type: "monitor" }] } }, fallbackTeam: "g", teams: { g: { owners: ["x"] } } }, "inline");
    const broken = { ...noTeams, fallbackTeam: undefined };
    const { actions, warnings } = decideRouting({ change: change(null, tier1), config: broken, cursors: {}, now: NOW });
    expect(actions.map((a) => a.type)).toEqual(["monitor"]);
    expect(warnings).toEqual(["Tier 1: no team to route acme.com to (no territory matched and no fallback team)"]);
  });

  it("a now that is not an instant is refused", () => {
    expect(() => decide(change(null, tier1), { now: "tomorrow" })).toThrow(/INVALID_INSTANT|now: expected an ISO-8601 instant/);
  });

  it("every action carries the tier change's event id, account and current tier, and ids that differ", () => {
    const { actions } = decide(change(tier1, excluded));
    for (const a of actions) expect(a).toMatchObject({ tierChangedEventId: "evt-1", accountKey: "acme.com", scorecard: "enterprise", tier: excluded });
    expect(new Set(actions.map((a) => a.idempotencyKey)).size).toBe(actions.length);
  });
});

describe("the router and the wire contracts", () => {
  it("routes the contracts' example tier change; every action type the contract knows satisfies RoutingActionV1", () => {
    const event: TierChangedEventV1 = EXAMPLE_EVENTS.tierChanged[0] as TierChangedEventV1;
    // The contract's event is a TierChange as is: this assignment fails to compile if they drift.
    const asInput: TierChange = event;
    const { actions } = decideRouting({ change: asInput, config, territory: { region: "emea", employeeCount: 3000 }, cursors: { "emea-enterprise": 1 }, now: event.occurredAt });
    expect(actions.map((a) => a.type)).toEqual(["stop_sequence", "route_to_owner"]);
    expect(actions[1]).toMatchObject({ type: "route_to_owner", owner: "ae-emea-2", priority: "front", idempotencyKey: `${event.idempotencyKey}:route_to_owner` });
    const envelope = { eventId: "ra-1", accountKey: event.accountKey, occurredAt: event.occurredAt, observedAt: event.occurredAt, source: "router", schemaVersion: 1 };
    const all = [...actions, ...decideRouting({ change: { ...event, previousTier: null, tier: { id: "tier2", name: "Tier 2", rank: 2 } }, config, cursors: {}, now: event.occurredAt }).actions, ...decideRouting({ change: { ...event, previousTier: null, tier: { id: "tier3", name: "Tier 3", rank: 3 } }, config, cursors: {}, now: event.occurredAt }).actions, ...decideRouting({ change: { ...event, previousTier: null, tier: { id: "excluded", name: "Excluded", rank: 4 } }, config, cursors: {}, now: event.occurredAt }).actions];
    const known = new Set(RoutingActionV1.options.map((o) => o.shape.type.value as string));
    expect([...new Set(all.map((a) => a.type))].sort()).toEqual(["add_to_nurture", "enroll_in_sequence", "monitor", "route_to_owner", "stop_sequence"]);
    // Every decided action, leaving ones included, goes on the wire whole.
    for (const action of all) expect(RoutingActionV1.safeParse({ ...action, ...envelope }).error).toBeUndefined();
    expect([...known].sort()).toEqual(["add_to_nurture", "enroll_in_sequence", "monitor", "route_to_owner", "stop_sequence", "switch_contact", "unassign_owner"]);
  });
});

describe("routing names the best contact", () => {
  const cfo = { contactId: "003-cfo", title: "CFO", score: 20, roles: ["economic_buyer" as const], why: "economic buyer; budget authority +20" };
  const champion = { contactId: "003-revops", title: "Head of RevOps", score: 40, roles: ["champion" as const, "user" as const], why: "champion, user; referred by a customer +25, engaged with content +15" };
  const envelope = { eventId: "ra-1", accountKey: "acme.com", occurredAt: NOW, observedAt: NOW, source: "router", schemaVersion: 1 };

  it("the actions of the tier entered name the contact to reach: id, title and why", () => {
    const { actions } = decide(change(tier2, tier1, { bestContact: champion }));
    const route = actions.find((a) => a.type === "route_to_owner");
    expect(route?.contact).toEqual(champion);
    expect(route?.reason).toBe("Tier 1: ae-emea-1 (emea-enterprise) to respond within 4 h; reach 003-revops (Head of RevOps): champion, user; referred by a customer +25, engaged with content +15");
    for (const action of actions) expect(RoutingActionV1.safeParse({ ...action, ...envelope }).error).toBeUndefined();
  });

  it("leaving actions name no contact; without contacts no action does", () => {
    const leaving = decide(change(tier1, tier3, { bestContact: champion })).actions;
    expect(leaving.filter((a) => a.type === "unassign_owner" || a.type === "stop_sequence").every((a) => a.contact === undefined)).toBe(true);
    expect(decide(change(tier2, tier1)).actions.every((a) => a.contact === undefined)).toBe(true);
  });

  it("a change of best contact inside Tier 1 is an action of its own, naming the new contact and the one before", () => {
    const { actions, cursorAdvance } = decide(change(tier1, tier1, { bestContact: champion, bestContactChanged: true, previousBestContactId: cfo.contactId }));
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ type: "switch_contact", contact: champion, previousContactId: "003-cfo", idempotencyKey: "tc-0123456789abcdef:switch_contact:003-revops" });
    expect(actions[0]?.reason).toBe("Tier 1: best contact is now 003-revops (Head of RevOps) instead of 003-cfo: champion, user; referred by a customer +25, engaged with content +15");
    expect(cursorAdvance).toBeUndefined();
    expect(RoutingActionV1.safeParse({ ...actions[0], ...envelope }).error).toBeUndefined();
  });

  it("the same tier again without a new best contact, or a new best contact below the top tier, decides nothing", () => {
    expect(decide(change(tier1, tier1, { bestContact: champion })).actions).toEqual([]);
    expect(decide(change(tier2, tier2, { bestContact: champion, bestContactChanged: true })).actions).toEqual([]);
  });
});
