import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { AccountProfileEventV1, ParkedItemEventV1 } from "@icpstream/contracts";
import { parseSourceMapping, parseXmlPayload } from "@icpstream/imports";
import type { SourceMapping } from "@icpstream/imports";
import type { ParkedEntry } from "./resolver.js";
import { Resolver } from "./resolver.js";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, "..", "..", "..");
const hubspot = parseSourceMapping(readFileSync(join(ROOT, "examples", "sources", "hubspot.yaml"), "utf8"), "examples/sources/hubspot.yaml");
const fixture = (name: string) => JSON.parse(readFileSync(join(ROOT, "packages", "imports", "fixtures", "sources", name), "utf8")) as Record<string, unknown>[];
const RECEIVED = "2026-11-21T12:00:00.000Z";
const DAY = 86_400_000;

function parked(item: Record<string, unknown>, ids: { system: string; id: string }[], n = 1): ParkedItemEventV1 {
  return { type: "parked_item", eventId: `park:${n}`, parkKey: `${ids[0]?.system}:${ids[0]?.id}`, occurredAt: RECEIVED, observedAt: RECEIVED, source: "hubspot", schemaVersion: 1, vendorEventId: String(item.eventId), ids, item: JSON.stringify(item), defaultOccurredAt: RECEIVED };
}

/** The resolver's ports as in-memory twins (the Redis lot and index are tested on the stack). */
function harness(options: { maxItems?: number; mappings?: Map<string, SourceMapping> } = {}) {
  const ids = new Map<string, string>();
  const lot = new Map<string, ParkedEntry>();
  const sent: { topic: string; event: Record<string, unknown> }[] = [];
  const dead: { eventId: string; code: string; message: string }[] = [];
  const clock = { now: Date.parse(RECEIVED) };
  const resolver = new Resolver({
    mappings: options.mappings ?? new Map([["hubspot", hubspot]]),
    index: { lookup: (system, id) => ids.get(`${system}:${id}`), record: async (entries) => void entries.forEach((e) => ids.set(`${e.system}:${e.id}`, e.accountKey)) },
    lot: {
      add: async (eventId, entry) => (lot.has(eventId) ? "exists" : lot.size >= (options.maxItems ?? 100) ? "full" : (lot.set(eventId, entry), "added")),
      all: async () => [...lot].map(([eventId, entry]) => ({ eventId, entry })),
      remove: async (eventIds) => void eventIds.forEach((id) => lot.delete(id)),
    },
    send: async (events) => void sent.push(...events),
    deadLetter: async (item, code, message) => void dead.push({ eventId: item.eventId, code, message }),
    now: () => new Date(clock.now),
    maxAgeMs: 7 * DAY,
    futureToleranceHours: 24,
  });
  return { resolver, ids, lot, sent, dead, clock };
}

const profile = (accountKey: string, externalIds: { system: string; id: string }[]): AccountProfileEventV1 => ({
  type: "account_profile",
  eventId: "p1",
  accountKey,
  occurredAt: RECEIVED,
  observedAt: RECEIVED,
  source: "hubspot",
  schemaVersion: 1,
  firmographics: {},
  technographics: { technologies: [], competitorContracts: [] },
  organisational: { buyingRolesPresent: [] },
  antiIcp: {},
  externalIds,
});

describe("the resolver", () => {
  const deal = fixture("hubspot-deal-propertychange-dealstage-closedwon.json")[0] as Record<string, unknown>;
  const headcount = fixture("hubspot-company-propertychange.json")[1] as Record<string, unknown>;

  it("keeps a parked deal until an outcome names the deal's account, then releases it as the gateway would have sent it", async () => {
    const h = harness();
    expect(await h.resolver.onParked(parked(deal, [{ system: "opportunity", id: "30518846532" }]))).toBe("waiting");
    expect(h.sent).toEqual([]);
    expect(await h.resolver.onOutcome({ type: "opportunity_created", eventId: "o1", accountKey: "quillfeather.example", occurredAt: "2026-10-01T00:00:00Z", observedAt: "2026-10-01T00:00:00Z", source: "crm-export", schemaVersion: 1, opportunityId: "30518846532", createdAt: "2026-10-01T00:00:00Z" })).toBe(1);
    expect(h.sent).toEqual([{ topic: "outcome", event: expect.objectContaining({ type: "opportunity_closed_won", accountKey: "quillfeather.example", opportunityId: "30518846532", source: "hubspot", observedAt: RECEIVED }) }]);
    expect(h.lot.size).toBe(0);
  });

  it("releases a parked company property change when a profile carrying the company id arrives", async () => {
    const h = harness();
    await h.resolver.onParked(parked(headcount, [{ system: "hubspot-company", id: "21468920117" }]));
    expect(await h.resolver.onProfile(profile("quillfeather.example", [{ system: "segment-group", id: "x" }]))).toBe(0);
    expect(h.lot.size).toBe(1);
    expect(await h.resolver.onProfile(profile("quillfeather.example", [{ system: "hubspot-company", id: "21468920117" }]))).toBe(1);
    expect(h.sent[0]).toMatchObject({ topic: "firmographic", event: { type: "account_profile", accountKey: "quillfeather.example", firmographics: { employeeCount: 420 } } });
  });

  it("releases at once an item whose id was learned while it was on its way", async () => {
    const h = harness();
    h.ids.set("opportunity:30518846532", "quillfeather.example");
    expect(await h.resolver.onParked(parked(deal, [{ system: "opportunity", id: "30518846532" }]))).toBe("released");
    expect(h.lot.size).toBe(0);
  });

  it("the same release twice sends the same event ids", async () => {
    const h = harness();
    h.ids.set("opportunity:30518846532", "quillfeather.example");
    await h.resolver.onParked(parked(deal, [{ system: "opportunity", id: "30518846532" }]));
    await h.resolver.onParked(parked(deal, [{ system: "opportunity", id: "30518846532" }]));
    expect(h.sent.map((s) => s.event.eventId)).toHaveLength(2);
    expect(new Set(h.sent.map((s) => s.event.eventId)).size).toBe(1);
  });

  it("dead-letters an item still unresolved after its bound, naming the ids, and one that does not fit the lot", async () => {
    const h = harness({ maxItems: 1 });
    await h.resolver.onParked(parked(deal, [{ system: "opportunity", id: "30518846532" }], 1));
    expect(await h.resolver.onParked(parked(headcount, [{ system: "hubspot-company", id: "21468920117" }], 2))).toBe("dead-lettered");
    expect(h.dead[0]).toMatchObject({ eventId: "park:2", code: "PARK_FULL" });
    h.clock.now += 6 * DAY;
    expect(await h.resolver.tick()).toEqual({ released: 0, deadLettered: 0 });
    h.clock.now += 2 * DAY;
    expect(await h.resolver.tick()).toEqual({ released: 0, deadLettered: 1 });
    expect(h.dead[1]).toMatchObject({ eventId: "park:1", code: "UNRESOLVED_ACCOUNT", message: expect.stringContaining("opportunity id 30518846532") });
    expect(h.lot.size).toBe(0);
  });

  it("releases a parked item of a source whose items sit deep in the body (Salesforce's SOAP notifications)", async () => {
    const salesforce = parseSourceMapping(readFileSync(join(ROOT, "examples", "sources", "salesforce.yaml"), "utf8"), "examples/sources/salesforce.yaml");
    const payload = parseXmlPayload(readFileSync(join(ROOT, "packages", "imports", "fixtures", "sources", "salesforce-outbound-opportunity.xml"), "utf8"), salesforce.xmlArrays) as { Envelope: { Body: { notifications: { Notification: Record<string, unknown>[] } } } };
    const notification = payload.Envelope.Body.notifications.Notification[0] as Record<string, unknown>;
    const h = harness({ mappings: new Map([["salesforce", salesforce]]) });
    const item = { ...parked({ ...notification, eventId: notification.Id }, [{ system: "salesforce-account", id: "0015e00000QuIlFAAV" }]), source: "salesforce", item: JSON.stringify(notification) };
    expect(await h.resolver.onParked(item)).toBe("waiting");
    expect(await h.resolver.onProfile(profile("quillfeather.example", [{ system: "salesforce-account", id: "0015e00000QuIlFAAV" }]))).toBe(1);
    expect(h.sent[0]).toMatchObject({ topic: "outcome", event: { type: "opportunity_closed_won", accountKey: "quillfeather.example", source: "salesforce" } });
  });

  it("a tick releases what the index learned by another way", async () => {
    const h = harness();
    await h.resolver.onParked(parked(deal, [{ system: "opportunity", id: "30518846532" }]));
    h.ids.set("opportunity:30518846532", "quillfeather.example");
    expect(await h.resolver.tick()).toEqual({ released: 1, deadLettered: 0 });
  });
});
