import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { TOPICS } from "@icpstream/contracts";
import { EventEncoder, InMemorySchemaRegistry, KafkaKitError, RegistryCodec } from "@icpstream/kafka-kit";
import type { EncodedRecord } from "@icpstream/kafka-kit";
import { silentLogger } from "@icpstream/observability";
import { Registry } from "prom-client";
import { buildGateway } from "./gateway.js";
import type { EventSink, SinkTopicId } from "./kafka-sender.js";
import { loadSourceMappings } from "./source-files.js";
import { bodySignature, hubspotV3Signature } from "./vendor-auth.js";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, "..", "..", "..");
const FIXTURES = join(ROOT, "packages", "imports", "fixtures", "sources");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const NOW = Date.parse("2026-11-21T12:00:00Z");
const SECRETS = {
  ICP_SOURCE_SEGMENT_SECRET: "seg-secret",
  ICP_SOURCE_HUBSPOT_CLIENT_SECRET: "hs-client-secret",
  ICP_SOURCE_THEIRSTACK_SECRET: "ts-secret",
  ICP_SOURCE_CLEARBIT_SECRET: "cb-secret",
  ICP_SOURCE_6SENSE_TOKEN: "6s-token",
  ICP_SOURCE_RUDDERSTACK_TOKEN: "rs-token",
  ICP_SOURCE_SALESFORCE_ORG_IDS: "00D5e000000QuIl",
};
const sources = loadSourceMappings([join(ROOT, "examples", "sources")], SECRETS);

function memorySink(fail?: () => Error | undefined) {
  const codec = new RegistryCodec(new InMemorySchemaRegistry());
  const encoder = new EventEncoder(codec);
  const sent: { topic: SinkTopicId; events: Record<string, unknown>[] }[] = [];
  const sink: EventSink = {
    encode: (topic, event) => encoder.encode(TOPICS[topic], event as never),
    sendEncoded: async (batches) => {
      const failure = fail?.();
      if (failure) throw failure;
      for (const { topic, records } of batches) sent.push({ topic, events: await Promise.all(records.map((r: EncodedRecord) => codec.decode(TOPICS[topic], r.value, r.key) as Promise<Record<string, unknown>>)) });
    },
    maxMessageBytes: encoder.maxMessageBytes,
  };
  return { sink, sent };
}

/** The Redis stores' in-memory twins (the Redis ones are tested on the real stack). */
function memoryStores() {
  const replayed = new Set<string>();
  const ids = new Map<string, string>();
  return {
    replayed,
    ids,
    replay: { seen: async (source: string, list: readonly string[]) => list.map((id) => replayed.has(`${source}:${id}`)), remember: async (source: string, list: readonly string[]) => void list.forEach((id) => replayed.add(`${source}:${id}`)) },
    index: { lookup: (system: string, id: string) => ids.get(`${system}:${id}`), record: async (entries: readonly { system: string; id: string; accountKey: string }[]) => void entries.forEach((e) => ids.set(`${e.system}:${e.id}`, e.accountKey)) },
  };
}

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

function gateway(options: { fail?: () => Error | undefined; park?: boolean } = {}) {
  const { sink, sent } = memorySink(options.fail);
  const stores = memoryStores();
  const clock = { now: NOW };
  const registry = new Registry();
  const app = buildGateway({
    sink,
    apiKeys: ["k"],
    hmacSecrets: [],
    bodyLimitBytes: 65_536,
    maxBatch: 10,
    defaultSource: "gateway",
    now: () => new Date(clock.now),
    logger: silentLogger(),
    metrics: registry,
    sources: { sources, replay: stores.replay, index: stores.index, publicUrl: "https://icp.example.com", park: options.park },
  });
  apps.push(app);
  const post = (source: string, body: string, headers: Record<string, string>) => app.inject({ method: "POST", url: `/v1/sources/${source}`, payload: body, headers: { "content-type": "application/json", ...headers } });
  const metric = async (name: string, labels: Record<string, string>) => {
    const found = (await registry.getSingleMetric(name)?.get())?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
    return found?.value ?? 0;
  };
  return { app, sent, stores, clock, post, metric };
}

const hubspotHeaders = (body: string, at = NOW, secret = SECRETS.ICP_SOURCE_HUBSPOT_CLIENT_SECRET, url = "https://icp.example.com/v1/sources/hubspot") => ({
  "x-hubspot-signature-v3": hubspotV3Signature(secret, "POST", url, body, String(at)),
  "x-hubspot-request-timestamp": String(at),
});
const segmentHeaders = (body: string, secret = SECRETS.ICP_SOURCE_SEGMENT_SECRET) => ({ "x-signature": bodySignature({ scheme: "hmac-sha1", prefix: "", encoding: "hex" }, secret, body) });

describe("POST /v1/sources/{source}: the vendor's own authentication", () => {
  it("takes a HubSpot v3 batch signed over method, URI, body and timestamp, and stores each event", async () => {
    const { post, sent } = gateway();
    const body = fixture("hubspot-company-propertychange.json");
    const response = await post("hubspot", body, hubspotHeaders(body));
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ accepted: 2, rejected: 0, results: [{ index: 0, vendorEventId: "3816279340", status: "accepted" }, { index: 1, vendorEventId: "3816279341", status: "accepted" }] });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.topic).toBe("firmographic");
    expect(sent[0]?.events.map((e) => e.accountKey)).toEqual(["quillfeather.example", "quillfeather.example"]);
    expect(sent[0]?.events[0]).toMatchObject({ type: "account_profile", source: "hubspot", externalIds: [{ system: "hubspot-company", id: "21468920117" }] });
  });

  it("refuses a HubSpot request signed more than 5 minutes ago, a forged one and an unsigned one, each with its reason, counted", async () => {
    const { post, sent, metric } = gateway();
    const body = fixture("hubspot-company-propertychange.json");
    const stale = await post("hubspot", body, hubspotHeaders(body, NOW - 5 * 60_000 - 1));
    expect(stale.statusCode).toBe(401);
    expect(stale.json()).toMatchObject({ error: "SIGNATURE_EXPIRED" });
    const forged = await post("hubspot", body, hubspotHeaders(body, NOW, "not-the-secret"));
    expect(forged.json()).toMatchObject({ error: "BAD_SIGNATURE" });
    // Signed for another URL (a capture replayed at another endpoint).
    const elsewhere = await post("hubspot", body, hubspotHeaders(body, NOW, SECRETS.ICP_SOURCE_HUBSPOT_CLIENT_SECRET, "https://icp.example.com/v1/sources/other"));
    expect(elsewhere.json()).toMatchObject({ error: "BAD_SIGNATURE" });
    const tampered = await post("hubspot", body.replace("420", "4200"), hubspotHeaders(body));
    expect(tampered.json()).toMatchObject({ error: "BAD_SIGNATURE" });
    const unsigned = await post("hubspot", body, {});
    expect(unsigned.json()).toMatchObject({ error: "UNAUTHENTICATED" });
    expect(sent).toEqual([]);
    expect(await metric("source_requests_refused_total", { source: "hubspot", reason: "SIGNATURE_EXPIRED" })).toBe(1);
    expect(await metric("source_requests_refused_total", { source: "hubspot", reason: "BAD_SIGNATURE" })).toBe(3);
  });

  it("takes a Segment message signed with HMAC-SHA1 of the body once, and refuses its replay", async () => {
    const { post, sent, metric } = gateway();
    const body = fixture("segment-track-pricing-page-viewed.json");
    const first = await post("segment", body, segmentHeaders(body));
    expect(first.statusCode).toBe(202);
    expect(sent[0]).toMatchObject({ topic: "intent", events: [{ type: "pricing_page_visit", accountKey: "quillfeather.example", source: "segment" }] });
    const replay = await post("segment", body, segmentHeaders(body));
    expect(replay.statusCode).toBe(409);
    expect(replay.json()).toMatchObject({ error: "REPLAYED" });
    expect(sent).toHaveLength(1);
    expect(await metric("source_requests_refused_total", { source: "segment", reason: "REPLAYED" })).toBe(1);
    const forged = await post("segment", body, segmentHeaders(body, "guess"));
    expect(forged.statusCode).toBe(401);
  });

  it("a delivery the broker did not acknowledge is not remembered: the vendor's retry is stored, as the same events", async () => {
    let down = true;
    const { post, sent } = gateway({ fail: () => (down ? new KafkaKitError("BROKER_UNAVAILABLE", "broker down", { retryable: true }) : undefined) });
    const body = fixture("theirstack-job-new.json");
    const headers = { "x-theirstack-signature-256": bodySignature({ scheme: "hmac-sha256", prefix: "sha256=", encoding: "hex" }, SECRETS.ICP_SOURCE_THEIRSTACK_SECRET, body) };
    const failed = await post("theirstack", body, headers);
    expect(failed.statusCode).toBe(503);
    down = false;
    const retried = await post("theirstack", body, headers);
    expect(retried.statusCode).toBe(202);
    expect(sent[0]).toMatchObject({ topic: "hiring", events: [{ type: "job_posting", postingId: "451209887" }] });
  });

  it("checks a bearer token before the body is read", async () => {
    const { post } = gateway();
    const body = fixture("6sense-identification.json");
    const wrong = await post("6sense", body, { authorization: "Bearer nope" });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ error: "BAD_TOKEN" });
    expect(wrong.headers.connection).toBe("close");
    const right = await post("6sense", body, { authorization: `Bearer ${SECRETS.ICP_SOURCE_6SENSE_TOKEN}` });
    expect(right.statusCode).toBe(202);
    expect(right.json()).toMatchObject({ accepted: 1 });
  });

  it("answers 404 for a source that is not configured", async () => {
    const { post } = gateway();
    const response = await post("marketo", "{}", {});
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: "UNKNOWN_SOURCE" });
  });
});

describe("POST /v1/sources/{source}: batches and retries", () => {
  const rudder = (body: string) => ({ authorization: `Bearer ${SECRETS.ICP_SOURCE_RUDDERSTACK_TOKEN}`, "content-length": String(Buffer.byteLength(body)) });

  it("a batch with a bad item stores the others and says per item what became of each", async () => {
    const { post, sent } = gateway();
    const batch = JSON.parse(fixture("rudderstack-batch.json")) as { batch: Record<string, unknown>[] };
    batch.batch.push({ type: "group", messageId: "rs-bad", groupId: "g-2", timestamp: "2026-11-21T08:00:00Z", traits: { website: "https://www.linkedin.com/company/x" } });
    const body = JSON.stringify(batch);
    const response = await post("rudderstack", body, rudder(body));
    expect(response.statusCode).toBe(202);
    const json = response.json();
    expect(json).toMatchObject({ accepted: 2, rejected: 1, ignored: 1 });
    expect(json.results.map((r: { status: string }) => r.status)).toEqual(["accepted", "accepted", "ignored", "rejected"]);
    expect(json.results[3]).toMatchObject({ vendorEventId: "rs-bad", problems: [{ reason: "profile_url" }] });
    expect(sent.flatMap((s) => s.events.map((e) => e.accountKey))).toEqual(expect.arrayContaining(["brambleworks.example"]));
  });

  it("a payload with more items than the batch limit is refused whole, 413", async () => {
    const { post, sent } = gateway();
    const body = JSON.stringify({ batch: Array.from({ length: 11 }, (_, i) => ({ type: "track", event: "Newsletter Opened", messageId: `m-${i}` })) });
    const response = await post("rudderstack", body, rudder(body));
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: "BATCH_TOO_LARGE" });
    expect(sent).toEqual([]);
  });

  it("a payload none of whose items can be stored is 422, nothing written", async () => {
    const { post, sent } = gateway();
    const body = JSON.stringify({ type: "group", messageId: "rs-bad", groupId: "g-2", timestamp: "2026-11-21T08:00:00Z", traits: { website: "not a domain" } });
    const response = await post("rudderstack", body, rudder(body));
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ accepted: 0, rejected: 1 });
    expect(sent).toEqual([]);
  });

  it("the same vendor event is the same event id alone or in a batch, and the index learns the ids profiles carry", async () => {
    const { post, sent, stores } = gateway();
    const batch = fixture("rudderstack-batch.json");
    await post("rudderstack", batch, rudder(batch));
    const page = JSON.stringify((JSON.parse(batch) as { batch: unknown[] }).batch[1]);
    // Alone, the page view resolves its group through the index the batch taught.
    const alone = await post("rudderstack", page, rudder(page));
    expect(alone.statusCode).toBe(202);
    expect(stores.ids.get("segment-group:acct_9020")).toBe("brambleworks.example");
    const ids = sent.flatMap((s) => s.events.filter((e) => e.type === "pricing_page_visit").map((e) => e.eventId));
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
  });

  it("an item whose account is known only by an id the index lacks is parked on its own topic, not dropped", async () => {
    const { post, sent } = gateway();
    const body = fixture("hubspot-deal-propertychange-dealstage-closedwon.json");
    const response = await post("hubspot", body, hubspotHeaders(body));
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ accepted: 0, parked: 1, results: [{ status: "parked", problems: [{ reason: "unresolved_account" }] }] });
    expect(sent.map((s) => s.topic)).toEqual(["parked"]);
    const parked = sent[0]?.events[0];
    expect(parked).toMatchObject({ type: "parked_item", source: "hubspot", parkKey: "opportunity:30518846532", vendorEventId: "4471092385", ids: [{ system: "opportunity", id: "30518846532" }], defaultOccurredAt: new Date(NOW).toISOString() });
    expect(JSON.parse(String(parked?.item))).toMatchObject({ eventId: 4471092385, propertyValue: "closedwon" });
  });

  it("without parking, such an item is rejected with the reason", async () => {
    const { post, sent } = gateway({ park: false });
    const body = fixture("hubspot-deal-propertychange-dealstage-closedwon.json");
    const response = await post("hubspot", body, hubspotHeaders(body));
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ rejected: 1, results: [{ status: "rejected", problems: [{ reason: "unresolved_account" }] }] });
    expect(sent).toEqual([]);
  });
});

describe("POST /v1/sources/salesforce: outbound messages", () => {
  const xml = readFileSync(join(FIXTURES, "salesforce-outbound-opportunity.xml"), "utf8");
  const postXml = (app: ReturnType<typeof gateway>["app"], body: string) => app.inject({ method: "POST", url: "/v1/sources/salesforce", payload: body, headers: { "content-type": "text/xml; charset=utf-8", soapaction: '""' } });

  it("answers a stored message with the acknowledgement Salesforce expects", async () => {
    const { app, sent, stores } = gateway();
    stores.ids.set("salesforce-account:0015e00000QuIlFAAV", "quillfeather.example");
    const response = await postXml(app, xml);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/xml/);
    expect(response.body).toContain('<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse>');
    expect(sent[0]).toMatchObject({ topic: "outcome", events: [{ type: "opportunity_closed_won", accountKey: "quillfeather.example", opportunityId: "0065e00000QfWonAAF", amountUsd: 72000, source: "salesforce" }] });
  });

  it("refuses a message from another organization, and XML on the icpstream routes", async () => {
    const { app, sent, metric } = gateway();
    const other = await postXml(app, xml.replace("00D5e000000QuIlAAK", "00D9z000000OtHeRAA"));
    expect(other.statusCode).toBe(401);
    expect(other.json()).toMatchObject({ error: "BAD_TOKEN" });
    expect(await metric("source_requests_refused_total", { source: "salesforce", reason: "BAD_TOKEN" })).toBe(1);
    const doctype = await postXml(app, `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "a">]>${xml.slice(xml.indexOf("<soapenv"))}`);
    expect(doctype.statusCode).toBe(400);
    expect(sent).toEqual([]);
    const icp = await app.inject({ method: "POST", url: "/v1/signals", payload: "<x/>", headers: { "content-type": "text/xml", "x-api-key": "k" } });
    expect(icp.statusCode).toBe(415);
  });
});

describe("source mappings at start", () => {
  it("a mapping whose secret is not set stops the start, naming the file and the variable", () => {
    expect(() => loadSourceMappings([join(ROOT, "examples", "sources", "hubspot.yaml")], {})).toThrow(/hubspot\.yaml: auth\.secretEnv: ICP_SOURCE_HUBSPOT_CLIENT_SECRET is not set/);
  });
});
