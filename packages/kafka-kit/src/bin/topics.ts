import { z } from "zod";
import { topicCatalog } from "@icpstream/contracts";
import { createKafka, formatEnvIssues, kafkaConnectionFromEnv } from "../kafka.js";
import { ensureTopics } from "../topics.js";

/**
 * `topics` — creates the catalog's topics and their dead-letter topics on a cluster, idempotently
 * (what `npm run stack:up` does for the local stack), for deployments where nothing else does:
 * the image's `topics` command, run once before the services (a compose one-shot, a Kubernetes
 * Job). Topics that exist are left alone; a partition count that differs from the wanted one is
 * reported, and makes the exit code 1 (adding partitions would move keys: see the README).
 *
 * Environment:
 * - `KAFKA_BROKERS` (required): comma-separated host:port;
 * - `ICP_TOPIC_PREFIX` (empty): the namespace, as for the services;
 * - `ICP_TOPIC_PARTITIONS` (the catalog's default): partitions of every topic;
 * - `ICP_TOPIC_REPLICATION_FACTOR` (default: the brokers' `default.replication.factor`, 3 on the
 *   stack's cluster topology, 1 on one node).
 * - `KAFKA_SASL_*`, `KAFKA_SSL_*`: a secured cluster, as every service reads them (`kafkaConnectionFromEnv`).
 * Exit codes: 0 done, 1 a partition count differs, 2 bad environment, 3 the broker failed.
 */
const Env = z.object({
  KAFKA_BROKERS: z
    .string({ error: "is required: comma-separated host:port of the Kafka brokers" })
    .transform((s) => s.split(",").map((b) => b.trim()).filter(Boolean))
    .refine((l) => l.length > 0 && l.every((b) => /^[^\s:]+:\d+$/.test(b)), "expected host:port[,host:port…]"),
  ICP_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, "letters, digits, . _ - only").default(""),
  ICP_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(10_000).optional(),
  ICP_TOPIC_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(32).optional(),
});

async function main(): Promise<number> {
  const parsed = Env.safeParse(process.env);
  if (!parsed.success) {
    console.error(`Invalid environment:\n${formatEnvIssues(parsed.error)}`);
    return 2;
  }
  const env = parsed.data;
  const catalog = topicCatalog({ prefix: env.ICP_TOPIC_PREFIX, ...(env.ICP_TOPIC_PARTITIONS !== undefined ? { partitions: env.ICP_TOPIC_PARTITIONS } : {}) });
  const admin = createKafka({ ...kafkaConnectionFromEnv(process.env), clientId: "icpstream-topics" }).admin();
  try {
    await admin.connect();
    const { created, existing, mismatched } = await ensureTopics(admin, catalog, env.ICP_TOPIC_REPLICATION_FACTOR !== undefined ? { replicationFactor: env.ICP_TOPIC_REPLICATION_FACTOR } : {});
    console.log(`topics: ${created.length} created, ${existing.length} already there (prefix "${env.ICP_TOPIC_PREFIX}", replication factor ${env.ICP_TOPIC_REPLICATION_FACTOR ?? "the brokers' default"})`);
    for (const line of mismatched) console.error(`partition count differs: ${line}`);
    return mismatched.length > 0 ? 1 : 0;
  } catch (error) {
    console.error(`could not create the topics on ${env.KAFKA_BROKERS.join(",")}: ${(error as Error).message}`);
    return 3;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

process.exitCode = await main();
