import { connect } from "node:net";
import type { Socket } from "node:net";
import { ConfigResourceTypes } from "kafkajs";
import { describe, expect } from "vitest";
import { catalogTopics, deadLetterTopics, topicCatalog } from "@icpstream/contracts";
import type { TopicCatalog } from "@icpstream/contracts";
import { RegistryCodec, confluentRegistry, ensureTopics, silentLogger, kafkaConnectionFromEnv } from "@icpstream/kafka-kit";
import { signWebhook } from "@icpstream/routing";
import { stackTest as test, uniqueName, waitFor, connectionEnv } from "@icpstream/testkit";
import type { StackFixture } from "@icpstream/testkit";
import { buildGateway } from "./gateway.js";
import type { GatewayOptions } from "./gateway.js";
import { connectSender } from "./kafka-sender.js";
import { readFileSync } from "node:fs";
import { redisIdIndex, redisReplayCache } from "@icpstream/redis-kit";
import { loadSourceMappings } from "./source-files.js";
import { hubspotV3Signature } from "./vendor-auth.js";

/** A private catalog (its topics optionally with a small `max.message.bytes`), a sender and a listening gateway. */
async function gatewayOnStack(stack: StackFixture, options: { maxMessageBytes?: number; gateway?: Partial<GatewayOptions> } = {}) {
  const catalog = topicCatalog({ prefix: `${uniqueName("gw")}.`, partitions: 1 });
  const admin = await stack.admin();
  await ensureTopics(admin, catalog);
  stack.onCleanup(async () => {
    await admin.deleteTopics({ topics: [...catalogTopics(catalog), ...deadLetterTopics(catalog)].map((t) => t.topic) });
    for (const spec of catalogTopics(catalog)) {
      const base = `${stack.settings.SCHEMA_REGISTRY_URL}/subjects/${encodeURIComponent(spec.subject)}`;
      await fetch(base, { method: "DELETE" });
      await fetch(`${base}?permanent=true`, { method: "DELETE" });
    }
  });
  if (options.maxMessageBytes) {
    await admin.alterConfigs({
      validateOnly: false,
      resources: catalogTopics(catalog).map((spec) => ({ type: ConfigResourceTypes.TOPIC, name: spec.topic, configEntries: [{ name: "max.message.bytes", value: String(options.maxMessageBytes) }] })),
    });
  }
  const sender = await connectSender({ ...kafkaConnectionFromEnv(connectionEnv(stack.settings)), registryUrl: stack.settings.SCHEMA_REGISTRY_URL, clientId: uniqueName("gw"), schemaMode: "register", catalog });
  stack.onCleanup(() => sender.close());
  const app = buildGateway({ sink: sender, apiKeys: ["k"], hmacSecrets: ["s3cret"], bodyLimitBytes: 65_536, maxBatch: 500, defaultSource: "gateway", now: () => new Date(), logger: silentLogger(), ...options.gateway });
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  stack.onCleanup(() => app.close());
  const post = (path: string, body: string, headers: Record<string, string> = { "x-api-key": "k" }) => fetch(`${address}${path}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });
  return { catalog, sender, address, post };
}

/** Every event on the topic, decoded through the registry. */
async function readAll(stack: StackFixture, catalog: TopicCatalog, topic: "intent" | "hiring" | "firmographic", expected: number) {
  const reader = new RegistryCodec(confluentRegistry({ url: stack.settings.SCHEMA_REGISTRY_URL }), { mode: "verify" });
  const admin = await stack.admin();
  const high = async () => (await admin.fetchTopicOffsets(catalog[topic].topic)).reduce((n, p) => n + Number(p.high), 0);
  await waitFor(async () => (await high()) >= expected, { what: `${expected} message(s) on ${topic}`, timeoutMs: 30_000 });
  const received: { eventId: string; accountKey: string }[] = [];
  if (expected === 0) return { received, count: await high() };
  const consumer = stack.kafka.consumer({ groupId: stack.groupId("gw") });
  await consumer.connect();
  stack.onCleanup(() => consumer.disconnect());
  await consumer.subscribe({ topic: catalog[topic].topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void received.push(await reader.decode(catalog[topic], message.value, message.key)) });
  await waitFor(() => received.length >= expected, { what: `the ${topic} events`, timeoutMs: 30_000 });
  return { received, count: await high() };
}

describe("the ingest gateway against the real stack", () => {
  test("a signed webhook is in Kafka, decodable through the registry, when the gateway answers 202; a bad signature and a stale one send nothing", async ({ stack }) => {
    const { catalog, post } = await gatewayOnStack(stack);
    const signed = (body: string, secret: string, at = new Date()) => ({ "icp-signature": signWebhook({ secret, body, now: at }) });
    const good = JSON.stringify({ type: "demo_request", domain: "https://www.Acme.com/demo", occurredAt: "2026-10-20T09:00:00Z", eventId: "gw-good" });
    const forged = JSON.stringify({ type: "demo_request", domain: "globex.com", occurredAt: "2026-10-20T09:00:00Z", eventId: "gw-forged" });
    const stale = JSON.stringify({ type: "demo_request", domain: "initech.com", occurredAt: "2026-10-20T09:00:00Z", eventId: "gw-stale" });
    expect((await post("/v1/signals", forged, signed(forged, "wrong"))).status).toBe(401);
    expect((await post("/v1/signals", stale, signed(stale, "s3cret", new Date(Date.now() - 10 * 60_000)))).status).toBe(401);
    expect((await post("/v1/signals", good, signed(good, "s3cret"))).status).toBe(202);

    // The 202 came after the broker's acknowledgement: the event is there to read now.
    const { received } = await readAll(stack, catalog, "intent", 1);
    expect(received.map((e) => [e.eventId, e.accountKey])).toEqual([["gw-good", "acme.com"]]);
  });

  test("a HubSpot v3 batch signed over the URL it was sent to is in Kafka when the gateway answers; the event whose company is not known yet is on the parked topic", async ({ stack }) => {
    const secret = "hs-int-secret";
    const sources = loadSourceMappings([new URL("../../../examples/sources/hubspot.yaml", import.meta.url).pathname], { ICP_SOURCE_HUBSPOT_CLIENT_SECRET: secret });
    const redis = stack.redis();
    const { catalog, address } = await gatewayOnStack(stack, { gateway: { sources: { sources, replay: redisReplayCache(redis, { prefix: stack.keyPrefix, ttlSeconds: 60 }), index: redisIdIndex(redis, { prefix: stack.keyPrefix }) } } });
    const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../packages/imports/fixtures/sources/${name}`, import.meta.url), "utf8")) as unknown[];
    const body = JSON.stringify([...fixture("hubspot-company-propertychange.json"), ...fixture("hubspot-deal-propertychange-dealstage-closedwon.json")]);
    const url = `${address}/v1/sources/hubspot`;
    const send = (signedWith: string, at = Date.now()) =>
      fetch(url, { method: "POST", body, headers: { "content-type": "application/json", "x-hubspot-request-timestamp": String(at), "x-hubspot-signature-v3": hubspotV3Signature(signedWith, "POST", url, body, String(at)) } });
    expect((await send("not-the-secret")).status).toBe(401);
    expect((await send(secret, Date.now() - 6 * 60_000)).status).toBe(401);
    const response = await send(secret);
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: 2, parked: 1 });
    const { received } = await readAll(stack, catalog, "firmographic", 2);
    expect(received.map((e) => e.accountKey)).toEqual(["quillfeather.example", "quillfeather.example"]);
    const parked = await (await stack.admin()).fetchTopicOffsets(catalog.parked.topic);
    expect(parked.reduce((n, p) => n + Number(p.high), 0)).toBe(1);
    expect(await redisIdIndex(redis, { prefix: stack.keyPrefix }).lookup("hubspot-company", "21468920117")).toBe("quillfeather.example");
  });

  test("measured against the topics' real max.message.bytes: a batch larger than one request is stored whole; a batch over two topics with an event the broker can never take is refused with 413, and nothing of it is written", async ({ stack }) => {
    const { catalog, sender, post } = await gatewayOnStack(stack, { maxMessageBytes: 700 });
    expect(sender.maxMessageBytes).toBe(700);
    const surge = (i: number) => ({ type: "intent_topic_surge", domain: `acme${i}.com`, occurredAt: "2026-10-20T09:00:00Z", topic: "Lead Scoring", score: 81, source: "bombora" });
    // Valid under the contract, but about 1 KB once encoded: more than these topics take.
    const tooLarge = { type: "job_posting", domain: "initech.com", occurredAt: "2026-10-20T09:00:00Z", title: "T".repeat(200), postingId: "p".repeat(200), source: "s".repeat(100), seniority: "director", department: "revops" };

    const many = await post("/v1/signals/batch", JSON.stringify({ events: Array.from({ length: 10 }, (_, i) => surge(i)) }));
    expect(many.status).toBe(202);
    expect((await readAll(stack, catalog, "intent", 10)).count).toBe(10);

    const refused = await post("/v1/signals/batch", JSON.stringify({ events: [surge(100), tooLarge] }));
    expect(refused.status).toBe(413);
    expect(await refused.json()).toMatchObject({ error: "EVENT_TOO_LARGE", problems: [{ index: 1, field: "(event)", message: expect.stringMatching(/once encoded; the broker takes at most 700/) }] });
    // Acknowledged writes would be visible by now; the first topic got nothing from the refused batch.
    expect((await readAll(stack, catalog, "intent", 10)).count).toBe(10);
    expect((await readAll(stack, catalog, "hiring", 0)).count).toBe(0);
  });

  test("slow clients are cut off: 200 half-sent requests without credentials get 401 at once, half-sent signed ones and unfinished headers are closed by the timeouts", async ({ stack }) => {
    const { address } = await gatewayOnStack(stack, { gateway: { requestTimeoutMs: 1500, headersTimeoutMs: 1000 } });
    const { port } = new URL(address);
    const open = (request: string) => {
      const socket: Socket & { answer?: string; gone?: boolean } = connect(Number(port), "127.0.0.1", () => socket.write(request));
      socket.answer = "";
      socket.on("data", (chunk) => (socket.answer += chunk.toString()));
      socket.on("close", () => (socket.gone = true));
      socket.on("error", () => undefined);
      stack.onCleanup(async () => socket.destroy());
      return socket;
    };
    const halfBody = (headers: string) => `POST /v1/signals HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n${headers}\r\n{"type":`;
    const unauthenticated = Array.from({ length: 200 }, () => open(halfBody("")));
    await waitFor(() => unauthenticated.every((s) => s.gone), { what: "every unauthenticated half-sent request closed", timeoutMs: 20_000 });
    expect(unauthenticated.every((s) => s.answer?.startsWith("HTTP/1.1 401"))).toBe(true);

    const signed = Array.from({ length: 20 }, () => open(halfBody(`icp-signature: t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}\r\n`)));
    const slowHeaders = Array.from({ length: 20 }, () => open("POST /v1/signals HTTP/1.1\r\nHost: x\r\n"));
    await waitFor(() => [...signed, ...slowHeaders].every((s) => s.gone), { what: "every stalled request closed by the timeouts", timeoutMs: 20_000 });
    expect(signed.every((s) => s.answer?.startsWith("HTTP/1.1 408"))).toBe(true);
  });
});
