import { describe, expect } from "vitest";
import { ContactEventV1 } from "@icpstream/contracts";
import type { AccountProfileEventV1, FitScoredEventV1, RoutingActionV1, SignalEventV1, TierChangedEventV1 } from "@icpstream/contracts";
import { confluentRegistry, RegistryCodec } from "@icpstream/kafka-kit";
import { collectTopic } from "@icpstream/kafka-kit/testing";
import { finalScoresOf, recomputeFinalState } from "@icpstream/pipeline";
import { stackTest as test, waitFor } from "@icpstream/testkit";
import type { KafkaMessage } from "kafkajs";
import { DAY_MS, Pipeline } from "./support/pipeline-harness.js";

/**
 * Issue 17 on the real stack: the fit service consumes contact records beside profiles, a
 * contact moves the account's organisational score, the combiner names the best contact on
 * the tier change, and the router's actions name the person to reach — a new best contact
 * inside Tier 1 being an action of its own.
 */
const CLOCK = Date.parse("2026-10-01T00:00:00.000Z");
const at = (daysBefore: number) => new Date(CLOCK - daysBefore * DAY_MS).toISOString();
const ACCOUNT = "contactful-software.com";

// Firmographics 30 + technographics 25 of 70, nothing organisational in the account's own columns.
const profile: AccountProfileEventV1 = {
  type: "account_profile",
  eventId: "contacts-it-profile",
  accountKey: ACCOUNT,
  occurredAt: at(10),
  observedAt: at(10),
  source: "test",
  schemaVersion: 1,
  firmographics: { industry: "Computer Software", employeeCount: 800, revenueUsd: 90_000_000, country: "US", region: "NA", businessModel: "b2b", deliveryModel: "saas", fundingStage: "series_c" },
  technographics: { technologies: [{ name: "Salesforce" }, { name: "HubSpot" }, { name: "Outreach" }, { name: "Gong" }, { name: "6sense" }], competitorContracts: [{ vendor: "LegacyScore", strength: "weak" }] },
  organisational: { buyingRolesPresent: [] },
  antiIcp: {},
};
const funding = { type: "funding_round", eventId: "contacts-it-funding", accountKey: ACCOUNT, occurredAt: at(2), observedAt: at(2), source: "test", schemaVersion: 1, round: "series_c" } as SignalEventV1;
const contact = (eventId: string, fields: Partial<ContactEventV1> & { contactId: string }, daysBefore: number): ContactEventV1 =>
  ContactEventV1.parse({ type: "contact", eventId, accountKey: ACCOUNT, occurredAt: at(daysBefore), observedAt: at(daysBefore), source: "test", schemaVersion: 1, ...fields });
const cfo = contact("contacts-it-c1", { contactId: "003-cfo", title: "CFO", budgetAuthority: true }, 5);
const champion = contact("contacts-it-c2", { contactId: "003-revops", title: "Head of RevOps", referredByCustomer: true, engagements: [{ kind: "meeting", occurredAt: at(3) }] }, 1);

describe("contacts on the real stack", () => {
  test("a contact event moves the organisational score, and the routing action names the new best contact", { timeout: 240_000 }, async ({ stack, onTestFailed }) => {
    const pipeline = await Pipeline.create(stack, { clock: CLOCK, partitions: 2 });
    onTestFailed(() => console.log(`${pipeline.logTails()}\n\n${pipeline.startRouter().tail(25)}`));
    const { catalog } = pipeline;
    const codec = new RegistryCodec(confluentRegistry({ url: stack.settings.SCHEMA_REGISTRY_URL }), { mode: "register" });
    const decoded = async <T>(spec: Parameters<RegistryCodec["decode"]>[0], messages: readonly KafkaMessage[]): Promise<T[]> => {
      const out: T[] = [];
      for (const m of [...messages]) out.push((await codec.decode(spec, m.value ?? Buffer.alloc(0), m.key)) as T);
      return out;
    };
    const fitMessages = await collectTopic(stack, catalog.fitScored.topic);
    const tierMessages = await collectTopic(stack, catalog.tierChanged.topic);
    const actionMessages = await collectTopic(stack, catalog.routingActions.topic);

    pipeline.startAll();
    pipeline.startRouter();
    await pipeline.waitUntilRunning();
    await pipeline.send({ profiles: [profile], contacts: [cfo] });

    const organisational = (e: FitScoredEventV1) => e.layers.find((l) => l.id === "organisational")?.points;
    const fits = async () => (await decoded<FitScoredEventV1>(catalog.fitScored, fitMessages)).filter((e) => e.accountKey === ACCOUNT && e.scorecard === "enterprise");
    const tiers = async () => (await decoded<TierChangedEventV1>(catalog.tierChanged, tierMessages)).filter((e) => e.accountKey === ACCOUNT);
    const actions = async () => (await decoded<RoutingActionV1>(catalog.routingActions, actionMessages)).filter((e) => e.accountKey === ACCOUNT);

    // The CFO alone: budget holder identified 3 + economic buyer 2 = 5 organisational points (the profile alone: 0).
    await waitFor(async () => (await fits()).some((e) => organisational(e) === 5), { timeoutMs: 90_000, intervalMs: 500, what: "a fit of the account with the CFO in its committee" });
    expect((await fits()).map(organisational)).toEqual([0, 5]);
    // Then a fresh funding round takes the account to Tier 1: the tier change and the owner routing name the CFO.
    await pipeline.send({ signals: [{ topic: "funding", event: funding }] });
    await waitFor(async () => (await actions()).some((a) => a.type === "route_to_owner"), { timeoutMs: 60_000, intervalMs: 500, what: "the router's route_to_owner for the account" });
    const entered = (await tiers()).find((t) => t.tier.id === "tier1");
    expect(entered?.bestContact).toMatchObject({ contactId: "003-cfo", title: "CFO", score: 20 });
    const route = (await actions()).find((a) => a.type === "route_to_owner");
    expect(route?.contact).toMatchObject({ contactId: "003-cfo", title: "CFO", why: "economic buyer; budget authority +20" });
    expect(route?.reason).toContain("reach 003-cfo (CFO)");

    // A referred, engaged Head of RevOps joins the committee: the layer fills to its 15 and becomes the best contact (25 + 15 = 40).
    await pipeline.send({ contacts: [champion] });
    await waitFor(async () => (await actions()).some((a) => a.type === "switch_contact"), { timeoutMs: 60_000, intervalMs: 500, what: "the router's switch_contact for the account" });
    const latestFit = (await fits()).at(-1)!;
    expect(organisational(latestFit)).toBe(15);
    expect(latestFit.committee).toMatchObject({ contacts: 2, coverage: { held: 3, of: 4 }, bestContact: { contactId: "003-revops" } });
    expect(latestFit.causingEventIds).toEqual([profile.eventId, champion.eventId]);
    const switched = (await tiers()).at(-1);
    expect(switched).toMatchObject({ previousTier: { id: "tier1" }, tier: { id: "tier1" }, bestContactChanged: true, previousBestContactId: "003-cfo", bestContact: { contactId: "003-revops", title: "Head of RevOps", score: 40 } });
    const switchAction = (await actions()).find((a) => a.type === "switch_contact");
    expect(switchAction).toMatchObject({ contact: { contactId: "003-revops", title: "Head of RevOps", why: "champion, user; referred by a customer +25, engaged with content +15" }, previousContactId: "003-cfo" });

    // And the streaming end state is the batch recompute's.
    await pipeline.waitForQuiescence({ timeoutMs: 60_000, what: "the pipeline after the contacts" });
    const batch = recomputeFinalState({ profiles: [profile], contacts: [cfo, champion], signals: [funding], rubric: pipeline.rubric, now: CLOCK });
    expect(finalScoresOf(await pipeline.combinerStates(), pipeline.rubric)).toEqual(batch);
  });
});
