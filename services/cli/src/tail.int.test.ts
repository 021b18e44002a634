import { EXAMPLE_EVENTS, topicCatalog } from "@icpstream/contracts";
import { confluentRegistry, createKafka, EventProducer, RegistryCodec, kafkaConnectionFromEnv } from "@icpstream/kafka-kit";
import { stackTest, uniqueName, connectionEnv } from "@icpstream/testkit";
import { Partitioners } from "kafkajs";
import { afterEach, expect, vi } from "vitest";
import { runCli } from "./run.js";
import { memoryIo } from "./testing-io.js";

afterEach(() => vi.unstubAllEnvs());

stackTest("icp tail prints the tier changes of its namespace's tier-changed topic, decoded through the registry", async ({ stack }) => {
  const prefix = `${uniqueName("tail")}.`;
  const spec = topicCatalog({ prefix }).tierChanged;
  const admin = await stack.admin();
  await admin.createTopics({ topics: [{ topic: spec.topic, numPartitions: 2 }], waitForLeaders: true });
  stack.onCleanup(async () => {
    await admin.deleteTopics({ topics: [spec.topic] });
    const subject = `${stack.settings.SCHEMA_REGISTRY_URL}/subjects/${encodeURIComponent(spec.subject)}`;
    await fetch(subject, { method: "DELETE" });
    await fetch(`${subject}?permanent=true`, { method: "DELETE" });
  });

  const kafka = createKafka({ ...kafkaConnectionFromEnv(connectionEnv(stack.settings)), clientId: "tail-test" });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  stack.onCleanup(() => producer.disconnect());
  const example = EXAMPLE_EVENTS.tierChanged[0]!;
  const events = [example, { ...example, eventId: `${example.eventId}-2`, accountKey: "globex.io", previousTier: null }];
  await new EventProducer(producer, new RegistryCodec(confluentRegistry({ url: stack.settings.SCHEMA_REGISTRY_URL }))).send(spec, events);

  vi.stubEnv("KAFKA_BROKERS", stack.settings.KAFKA_BROKERS);
  vi.stubEnv("SCHEMA_REGISTRY_URL", stack.settings.SCHEMA_REGISTRY_URL);
  vi.stubEnv("REDIS_URL", stack.settings.REDIS_URL);
  const t = memoryIo();
  const code = await runCli(["tail", "--from-beginning", "--max-events", "2", "--format", "ndjson", "--topic-prefix", prefix], t.io);
  expect(t.stderr()).toBe("");
  expect(code).toBe(0);
  const received = t.stdout().trim().split("\n").map((line) => JSON.parse(line) as { eventId: string });
  expect(received.map((e) => e.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
});
