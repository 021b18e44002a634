import type { KafkaMessage } from "kafkajs";
import { catalogTopics, deadLetterTopics, topicCatalog, type TopicCatalog } from "@icpstream/contracts";
import { uniqueName, type StackFixture } from "@icpstream/testkit";
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
