import type { Admin, ITopicConfig } from "kafkajs";
import type { TopicCatalog } from "@icpstream/contracts";
import { catalogTopics, deadLetterTopics } from "@icpstream/contracts";

/**
 * Creates every topic of the catalog and its dead-letter topic, idempotently: topics that
 * exist are left as they are (reported in `existing`, with a warning in `mismatched` when
 * their partition count differs from the catalog's). Safe to run on every `stack:up`.
 */
export interface EnsureTopicsResult {
  created: string[];
  existing: string[];
  mismatched: string[];
}

/**
 * The catalog's topics and dead-letter topics as topic configs. `replicationFactor` -1 (the
 * default) takes the brokers' `default.replication.factor`: 1 on the single-node stack, 3 on
 * the cluster topology, whatever a production cluster sets.
 */
export function topicConfigs(catalog: TopicCatalog, replicationFactor = -1): ITopicConfig[] {
  const config = (t: { topic: string; partitions: number; cleanupPolicy: string; retentionMs: number }): ITopicConfig => ({
    topic: t.topic,
    numPartitions: t.partitions,
    replicationFactor,
    configEntries: [
      { name: "cleanup.policy", value: t.cleanupPolicy },
      { name: "retention.ms", value: String(t.retentionMs) },
    ],
  });
  return [...catalogTopics(catalog).map(config), ...deadLetterTopics(catalog).map(config)];
}

export async function ensureTopics(admin: Admin, catalog: TopicCatalog, options: { replicationFactor?: number } = {}): Promise<EnsureTopicsResult> {
  const wanted = topicConfigs(catalog, options.replicationFactor ?? -1);
  const present = new Set(await admin.listTopics());
  const missing = wanted.filter((t) => !present.has(t.topic));
  if (missing.length > 0) {
    // waitForLeaders: producers may send right after this returns.
    try {
      await admin.createTopics({ topics: missing, waitForLeaders: true });
    } catch (error) {
      // The leader wait asks for the new topics' metadata and retries only "leader not
      // available"; while several topics are created at once the broker may still answer
      // "does not host this topic-partition" for one it has just created. The wait below
      // (bounded) takes over: it fails if they never answer. Anything else is thrown as is.
      if ((error as { type?: string }).type !== "UNKNOWN_TOPIC_OR_PARTITION") throw error;
    }
    await untilOffsetsAnswer(admin, missing.map((t) => t.topic));
  }
  // Another process may have created some between list and create: re-read instead of trusting our view.
  const existing = wanted.filter((t) => present.has(t.topic));
  const mismatched: string[] = [];
  if (existing.length > 0) {
    const metadata = await admin.fetchTopicMetadata({ topics: existing.map((t) => t.topic) });
    for (const t of metadata.topics) {
      const spec = wanted.find((w) => w.topic === t.name);
      if (spec?.numPartitions !== undefined && t.partitions.length !== spec.numPartitions) mismatched.push(`${t.name}: ${t.partitions.length} partitions, catalog says ${spec.numPartitions}`);
    }
  }
  return { created: missing.map((t) => t.topic), existing: existing.map((t) => t.topic), mismatched };
}

/**
 * A topic whose leaders are elected can still answer "does not host this topic-partition"
 * to a ListOffsets for a moment (seen on a loaded single-node KRaft broker): waits, bounded,
 * until every new topic answers, so callers can read watermarks right after creating.
 */
async function untilOffsetsAnswer(admin: Admin, topics: readonly string[], timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const topic of topics) {
    for (;;) {
      try {
        await admin.fetchTopicOffsets(topic);
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }
}
