import { createHmac } from "node:crypto";
import { describe, expect } from "vitest";
import { catalogTopics, deadLetterTopics, topicCatalog } from "@icpstream/contracts";
import { RegistryCodec, confluentRegistry, ensureTopics, silentLogger } from "@icpstream/kafka-kit";
import { stackTest as test, uniqueName, waitFor } from "@icpstream/testkit";
import { buildGateway } from "./gateway.js";
import { connectSender } from "./kafka-sender.js";

describe("the ingest gateway against the real stack", () => {
  test("a signed webhook is in Kafka, decodable through the registry, when the gateway answers 202; a bad signature sends nothing", async ({ stack }) => {
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
    const sender = await connectSender({ brokers: stack.settings.KAFKA_BROKERS.split(","), registryUrl: stack.settings.SCHEMA_REGISTRY_URL, clientId: uniqueName("gw"), schemaMode: "register", catalog });
    stack.onCleanup(() => sender.close());
    const app = buildGateway({ send: sender.send, apiKeys: [], hmacSecrets: ["s3cret"], bodyLimitBytes: 4096, maxBatch: 10, defaultSource: "gateway", now: () => new Date(), logger: silentLogger() });
    const address = await app.listen({ port: 0, host: "127.0.0.1" });
    stack.onCleanup(() => app.close());

    const post = (body: string, secret: string) =>
      fetch(`${address}/v1/signals`, { method: "POST", body, headers: { "content-type": "application/json", "x-icp-signature": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}` } });
    const good = JSON.stringify({ type: "demo_request", domain: "https://www.Acme.com/demo", occurredAt: "2026-10-20T09:00:00Z", eventId: "gw-good" });
    const forged = JSON.stringify({ type: "demo_request", domain: "globex.com", occurredAt: "2026-10-20T09:00:00Z", eventId: "gw-forged" });
    expect((await post(forged, "wrong")).status).toBe(401);
    expect((await post(JSON.stringify({ type: "demo_request", domain: "acme.com", occurredAt: "2026-10-20T09:00:00Z", contactTitle: "x".repeat(5000) }), "s3cret")).status).toBe(413);
    expect((await post(good, "s3cret")).status).toBe(202);

    // The 202 came after the broker's acknowledgement: the event is there to read now.
    const reader = new RegistryCodec(confluentRegistry({ url: stack.settings.SCHEMA_REGISTRY_URL }), { mode: "verify" });
    const received: { eventId: string; accountKey: string }[] = [];
    const consumer = stack.kafka.consumer({ groupId: stack.groupId("gw") });
    await consumer.connect();
    stack.onCleanup(() => consumer.disconnect());
    await consumer.subscribe({ topic: catalog.intent.topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(await reader.decode(catalog.intent, message.value, message.key)) });
    await waitFor(() => received.length >= 1, { what: "the webhook's event", timeoutMs: 30_000 });
    expect(received.map((e) => [e.eventId, e.accountKey])).toEqual([["gw-good", "acme.com"]]);
  });
});
