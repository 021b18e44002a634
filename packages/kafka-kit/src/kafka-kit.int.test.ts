import { ConfigResourceTypes } from "kafkajs";
import type { KafkaMessage } from "kafkajs";
import { describe, expect } from "vitest";
import { EXAMPLE_EVENTS, catalogTopics, registrySchemaFor, topicCatalog } from "@icpstream/contracts";
import type { TopicId } from "@icpstream/contracts";
import { stackTest as test, uniqueName, waitFor, connectionEnv } from "@icpstream/testkit";
import type { StackFixture } from "@icpstream/testkit";
import { RegistryCodec } from "./codec.js";
import { runConsumer } from "./consumer.js";
import { DLQ_HEADERS, headerText } from "./dead-letter.js";
import { classifyError } from "./errors.js";
import { createKafka, kafkaConnectionFromEnv } from "./kafka.js";
import { silentLogger } from "./logger.js";
import { EventProducer } from "./producer.js";
import { confluentRegistry } from "./registry.js";
import { ensureTopics } from "./topics.js";
import { isolatedCatalog } from "./testing.js";
import { encodeWire } from "./wire.js";

async function connectedProducer(stack: StackFixture) {
  const producer = stack.kafka.producer();
  await producer.connect();
  stack.onCleanup(() => producer.disconnect());
  return producer;
}

describe("kafka-kit against the real stack", () => {
  test("creates the catalog's topics with their cleanup policy and retention, and a second run creates nothing", async ({ stack }) => {
    const catalog = await isolatedCatalog(stack, { deleteSubjects: true });
    const admin = await stack.admin();
    const again = await ensureTopics(admin, catalog);
    expect(again.created).toEqual([]);
    expect(again.existing).toHaveLength(catalogTopics(catalog).length * 2);
    expect(again.mismatched).toEqual([]);
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [catalog.firmographic.topic, catalog.hiring.topic].map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ["cleanup.policy", "retention.ms"] })),
    });
    const configOf = (name: string) => Object.fromEntries(described.resources.find((r) => r.resourceName === name)!.configEntries.map((e) => [e.configName, e.configValue]));
    expect(configOf(catalog.firmographic.topic)["cleanup.policy"]).toBe("compact");
    expect(configOf(catalog.hiring.topic)).toEqual({ "cleanup.policy": "delete", "retention.ms": String(catalog.hiring.retentionMs) });
  });

  test("every example event of every contract round-trips through the registry and Kafka", async ({ stack }) => {
    const catalog = await isolatedCatalog(stack, { deleteSubjects: true });
    const codec = new RegistryCodec(confluentRegistry({ url: stack.settings.SCHEMA_REGISTRY_URL }));
    await codec.prepare(catalog);
    const producer = new EventProducer(await connectedProducer(stack), codec);
    const ids = Object.keys(catalog) as TopicId[];
    for (const id of ids) await producer.send(catalog[id], EXAMPLE_EVENTS[id] as never);

    const byTopic = new Map(ids.map((id) => [catalog[id].topic, id]));
    const received: { id: TopicId; event: unknown }[] = [];
    const consumer = stack.kafka.consumer({ groupId: stack.groupId("roundtrip") });
    await consumer.connect();
    stack.onCleanup(() => consumer.disconnect());
    await consumer.subscribe({ topics: [...byTopic.keys()], fromBeginning: true });
    // A codec of its own, with an empty cache: ids are resolved through the registry.
    const reader = new RegistryCodec(confluentRegistry({ url: stack.settings.SCHEMA_REGISTRY_URL }), { mode: "verify" });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const id = byTopic.get(topic)!;
        received.push({ id, event: await reader.decode(catalog[id], message.value, message.key) });
      },
    });
    const total = ids.reduce((n, id) => n + EXAMPLE_EVENTS[id].length, 0);
    await waitFor(() => received.length >= total, { what: `${total} events back`, timeoutMs: 45_000 });
    for (const id of ids) {
      const expected = EXAMPLE_EVENTS[id].map((e) => catalog[id].schema.parse(e));
      const got = received.filter((r) => r.id === id).map((r) => r.event);
      expect(got).toEqual(expect.arrayContaining(expected));
      expect(got).toHaveLength(expected.length);
    }
  });

  test("the registry refuses an incompatible change to a contract and accepts a new optional field", async ({ stack }) => {
    const registry = confluentRegistry({ url: stack.settings.SCHEMA_REGISTRY_URL });
    const subject = stack.subject("contract-evolution-value");
    const current = registrySchemaFor(topicCatalog().hiring) as { oneOf: { properties: Record<string, unknown> }[] };
    await registry.register(subject, current);

    // hiring_spike.openRoles from integer to string: old events could not be read.
    const changedType = structuredClone(current);
    changedType.oneOf[1]!.properties.openRoles = { type: "string" };
    const refused = await registry.register(subject, changedType).then(
      () => "accepted",
      (error: unknown) => classifyError(error).code,
    );
    expect(refused).toBe("SCHEMA_INCOMPATIBLE");

    const addedOptional = structuredClone(current);
    addedOptional.oneOf[1]!.properties.remoteShare = { type: "number" };
    await expect(registry.register(subject, addedOptional)).resolves.toBeGreaterThan(0);
  });

  test("malformed, oversized, unknown-schema and invalid messages land in the dead-letter topic with a reason while the rest flows", async ({ stack }) => {
    const catalog = await isolatedCatalog(stack, { deleteSubjects: true });
    const spec = catalog.hiring;
    const registry = confluentRegistry({ url: stack.settings.SCHEMA_REGISTRY_URL });
    const writer = new RegistryCodec(registry);
    const producer = await connectedProducer(stack);
    const good = (n: number) => ({ ...EXAMPLE_EVENTS.hiring[0]!, eventId: `good-${n}` });
    const encoded = async (n: number) => (await writer.encode(spec, good(n))).value;
    const schemaId = await writer.writerId(spec);

    const bad: { code: string; message: { key: string; value: Buffer } }[] = [
      { code: "WIRE_FORMAT", message: { key: "northwind-analytics.com", value: Buffer.from(JSON.stringify(good(90))) } },
      { code: "MALFORMED_JSON", message: { key: "northwind-analytics.com", value: encodeWire(schemaId, Buffer.from('{"type":"job_posting",')) } },
      { code: "UNKNOWN_SCHEMA", message: { key: "northwind-analytics.com", value: encodeWire(2_000_000_000, Buffer.from(JSON.stringify(good(91)))) } },
      { code: "CONTRACT_VIOLATION", message: { key: "northwind-analytics.com", value: encodeWire(schemaId, Buffer.from(JSON.stringify({ ...good(92), accountKey: "not a domain" }))) } },
      { code: "OVERSIZED", message: { key: "northwind-analytics.com", value: encodeWire(schemaId, Buffer.from(JSON.stringify({ ...good(93), title: "x".repeat(6000) }))) } },
    ];
    await producer.send({
      topic: spec.topic,
      messages: [{ key: "northwind-analytics.com", value: await encoded(1) }, ...bad.map((b) => ({ ...b.message, headers: { "x-origin": "test" } })), { key: "northwind-analytics.com", value: await encoded(2) }],
    });

    const handled: string[] = [];
    const runner = await runConsumer({
      kafka: createKafka({ ...kafkaConnectionFromEnv(connectionEnv(stack.settings)), clientId: uniqueName("dlq-test") }),
      producer,
      codec: new RegistryCodec(registry, { mode: "verify", maxMessageBytes: 4096 }),
      spec,
      groupId: stack.groupId("dlq"),
      fromBeginning: true,
      logger: silentLogger(),
      handler: async (event) => {
        handled.push(event.eventId);
      },
    });
    stack.onCleanup(() => runner.stop());

    const letters: KafkaMessage[] = [];
    const dlqConsumer = stack.kafka.consumer({ groupId: stack.groupId("dlq-reader") });
    await dlqConsumer.connect();
    stack.onCleanup(() => dlqConsumer.disconnect());
    await dlqConsumer.subscribe({ topic: spec.deadLetterTopic, fromBeginning: true });
    await dlqConsumer.run({ eachMessage: async ({ message }) => void letters.push(message) });

    await waitFor(() => handled.length === 2 && letters.length === bad.length, { what: "2 handled and 5 dead letters", timeoutMs: 45_000 });
    expect(handled).toEqual(["good-1", "good-2"]);
    for (const { code, message } of bad) {
      const letter = letters.find((l) => headerText(l.headers, DLQ_HEADERS.code) === code);
      expect(letter, `a dead letter with code ${code}`).toBeDefined();
      expect(letter!.value).toEqual(message.value);
      expect(letter!.key?.toString()).toBe(message.key);
      expect(headerText(letter!.headers, DLQ_HEADERS.reason)).toMatch(/\w+/);
      expect(headerText(letter!.headers, DLQ_HEADERS.topic)).toBe(spec.topic);
      expect(headerText(letter!.headers, DLQ_HEADERS.offset)).toMatch(/^\d+$/);
      expect(headerText(letter!.headers, "x-origin")).toBe("test");
    }
    expect(headerText(letters.find((l) => headerText(l.headers, DLQ_HEADERS.code) === "CONTRACT_VIOLATION")!.headers, DLQ_HEADERS.reason)).toContain("accountKey");
  });
});
