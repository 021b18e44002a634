import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXAMPLE_EVENTS, RoutingActionV1, TOPICS } from "@icpstream/contracts";
import type { AccountProfileEventV1, TierChangedEventV1 } from "@icpstream/contracts";
import { parseRoutingConfig } from "@icpstream/routing";
import { SHIPPED_ROUTING_CONFIG } from "./config.js";
import { onProfile, onTierChange, ROUND_ROBIN, routedField, routerHandler, TERRITORY_FIELD } from "./handler.js";

const CONFIG = parseRoutingConfig(readFileSync(SHIPPED_ROUTING_CONFIG, "utf8"), SHIPPED_ROUTING_CONFIG);
const example = EXAMPLE_EVENTS.tierChanged[0]!;
const profileExample = EXAMPLE_EVENTS.firmographic[0]!;

/** A Tier 2 → Tier 1 change without a trigger, at 09:00 UTC. */
const change = (fields: Partial<TierChangedEventV1> = {}): TierChangedEventV1 =>
  TOPICS.tierChanged.schema.parse({ ...example, occurredAt: "2026-10-20T09:00:00Z", triggerActive: false, strongIntent: false, reasons: [{ text: "Fit 81" }], ...fields }) as TierChangedEventV1;
const profile = (fields: Partial<AccountProfileEventV1>): AccountProfileEventV1 => ({ ...profileExample, ...fields }) as AccountProfileEventV1;
const routeOf = (actions: readonly RoutingActionV1[]) => actions.find((a) => a.type === "route_to_owner");
const withTerritory = (firmographics: AccountProfileEventV1["firmographics"], at = "2026-10-01T00:00:00Z", eventId = "p1") =>
  onProfile(profile({ firmographics, occurredAt: at, eventId }), {}).state?.set ?? {};

describe("router handler", () => {
  it("a move up to Tier 1 stops the Tier 2 sequence and routes to an owner of the account's territory team, due 4 hours after the change occurred", () => {
    const state = withTerritory({ country: "DE", region: "emea", employeeCount: 2500 });
    const { actions } = onTierChange(change(), state, {}, CONFIG);
    expect(actions.map((a) => a.type)).toEqual(["stop_sequence", "route_to_owner"]);
    expect(actions[1]).toMatchObject({ type: "route_to_owner", owner: "ae-emea-1", team: "emea-enterprise", slaDueAt: "2026-10-20T13:00:00.000Z", priority: "normal", accountKey: example.accountKey });
  });

  it("an active trigger puts the account at the front of the queue with the shorter SLA", () => {
    const { actions } = onTierChange(change({ triggerActive: true }), {}, {}, CONFIG);
    expect(routeOf(actions)).toMatchObject({ type: "route_to_owner", priority: "front", slaDueAt: "2026-10-20T10:00:00.000Z" });
  });

  it("a change without the flag (an older producer) still finds the trigger in its reasons", () => {
    const older = change({ reasons: [{ text: "Funding round +12", rule: "timing.triggers.funding", points: 12 }] });
    delete (older as Partial<TierChangedEventV1>).triggerActive;
    expect(routeOf(onTierChange(older, {}, {}, CONFIG).actions)).toMatchObject({ priority: "front" });
  });

  it("an account with no profile seen yet goes to the fallback team", () => {
    expect(routeOf(onTierChange(change(), {}, {}, CONFIG).actions)).toMatchObject({ team: "global", owner: "ae-global-1" });
  });

  it("round-robin continues from the team's stored cursor and writes the next one with the change", () => {
    const state = withTerritory({ country: "US", employeeCount: 5000 });
    const { actions, result } = onTierChange(change(), state, { "na-enterprise": "4" }, CONFIG);
    expect(routeOf(actions)).toMatchObject({ team: "na-enterprise", owner: "ae-na-2" });
    expect(result.shared).toEqual({ [ROUND_ROBIN]: { set: { "na-enterprise": "5" } } });
    expect(result.state?.set).toEqual({ [routedField("enterprise")]: example.idempotencyKey });
  });

  it("the same tier change again is not routed twice, so no second owner is picked for it", () => {
    const first = onTierChange(change(), {}, {}, CONFIG);
    const again = onTierChange(change(), { ...first.result.state?.set }, { global: "1" }, CONFIG);
    expect(again).toEqual({ actions: [], result: {}, warnings: [] });
  });

  it("the same change decided twice gives byte-identical actions, whatever the wall clock", () => {
    const a = onTierChange(change(), {}, { global: "7" }, CONFIG);
    const b = onTierChange(change(), {}, { global: "7" }, CONFIG);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it("a move down releases the owner and enrolls in the lower tier's sequence; every action is a valid contract event", () => {
    const down = change({ previousTier: { id: "tier1", name: "Tier 1", rank: 1 }, tier: { id: "tier2", name: "Tier 2", rank: 2 }, idempotencyKey: "tc-down" });
    const { actions, result } = onTierChange(down, {}, {}, CONFIG);
    expect(actions.map((a) => a.type)).toEqual(["unassign_owner", "enroll_in_sequence"]);
    expect(result.shared).toBeUndefined();
    for (const action of actions) {
      expect(RoutingActionV1.parse(action)).toEqual(action);
      expect(action).toMatchObject({ eventId: action.idempotencyKey, occurredAt: down.occurredAt, observedAt: down.observedAt, source: "router", tierChangedEventId: down.eventId });
    }
  });

  it("a newer profile replaces the territory; an older one arriving late is ignored", () => {
    const state = withTerritory({ country: "DE", region: "emea" }, "2026-10-05T00:00:00Z", "p2");
    expect(onProfile(profile({ firmographics: { country: "US" }, occurredAt: "2026-10-01T00:00:00Z", eventId: "p1" }), state)).toEqual({});
    const newer = onProfile(profile({ firmographics: { country: "US" }, occurredAt: "2026-10-06T00:00:00Z", eventId: "p3" }), state);
    expect(JSON.parse(newer.state?.set?.[TERRITORY_FIELD] ?? "{}")).toMatchObject({ country: "US", eventId: "p3" });
  });

  it("as a stateful handler, reads the cursors from shard-wide state and publishes the actions on the routing-actions topic", async () => {
    const handler = routerHandler(CONFIG, TOPICS);
    const read: string[] = [];
    const context = { readShared: async (name: string) => (read.push(name), { global: "2" }), logger: { warn: () => undefined } } as never;
    const result = await handler.onEvent(change(), {}, context);
    expect(read).toEqual([ROUND_ROBIN]);
    expect(result.outputs?.map((o) => [o.spec.topic, (o.event as RoutingActionV1).type])).toEqual([
      [TOPICS.routingActions.topic, "stop_sequence"],
      [TOPICS.routingActions.topic, "route_to_owner"],
    ]);
    expect(result.shared).toEqual({ [ROUND_ROBIN]: { set: { global: "3" } } });
  });
});
