import type { KafkaMessage, Producer } from "kafkajs";
import { catalogTopics, deadLetterTopics, topicCatalog, type TopicCatalog } from "@icpstream/contracts";
import { RedisPartitionStateStore } from "@icpstream/redis-kit";
import { uniqueName, type StackFixture } from "@icpstream/testkit";
import { RegistryCodec } from "./codec.js";
import { EventProducer } from "./producer.js";
import { confluentRegistry } from "./registry.js";
import { ensureTopics } from "./topics.js";

/**
 * Integration-test helpers on top of testkit's stack fixture (not part of the package's
 * runtime surface; imported as `@icpstream/kafka-kit/testing`).
 */

/**
 * A topic catalog of the test's own (random prefix), its topics and dead-letter topics
 * created; at cleanup they are deleted, and with `deleteSubjects` their registry subjects too.
 */
export async function isolatedCatalog(stack: StackFixture, options: { prefix?: string; partitions?: number; deleteSubjects?: boolean } = {}): Promise<TopicCatalog> {
  const catalog = topicCatalog({ prefix: `${uniqueName(options.prefix ?? "t")}.`, partitions: options.partitions ?? 2 });
  const admin = await stack.admin();
  await ensureTopics(admin, catalog);
  stack.onCleanup(async () => {
    await admin.deleteTopics({ topics: [...catalogTopics(catalog), ...deadLetterTopics(catalog)].map((t) => t.topic) });
    if (!options.deleteSubjects) return;
    for (const spec of catalogTopics(catalog)) {
      const base = `${stack.settings.SCHEMA_REGISTRY_URL}/subjects/${encodeURIComponent(spec.subject)}`;
      await fetch(base, { method: "DELETE" });
      await fetch(`${base}?permanent=true`, { method: "DELETE" });
    }
  });
  return catalog;
}

/** Every message of a topic from the beginning, collected as it arrives (the array fills over time). */
export async function collectTopic(stack: StackFixture, topic: string): Promise<KafkaMessage[]> {
  const seen: KafkaMessage[] = [];
  const consumer = stack.kafka.consumer({ groupId: stack.groupId("collect") });
  await consumer.connect();
  stack.onCleanup(() => consumer.disconnect());
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
  return seen;
}

/** What a stateful-consumer test runs on: its own catalog, the registry codec, a connected producer, the state store under the test's key prefix. */
export async function statefulRig(stack: StackFixture, options: { prefix: string; partitions?: number }): Promise<{ catalog: TopicCatalog; codec: RegistryCodec; producer: Producer; events: EventProducer; store: RedisPartitionStateStore }> {
  const catalog = await isolatedCatalog(stack, options);
  const codec = new RegistryCodec(confluentRegistry({ url: stack.settings.SCHEMA_REGISTRY_URL }), { mode: "register" });
  const producer = stack.kafka.producer();
  await producer.connect();
  stack.onCleanup(() => producer.disconnect());
  return { catalog, codec, producer, events: new EventProducer(producer, codec), store: new RedisPartitionStateStore(stack.redis(), { prefix: stack.keyPrefix }) };
}
