import { fileURLToPath } from "node:url";
import { z } from "zod";
import { BrokerList, parseEnv } from "@icpstream/kafka-kit";
import { LOG_LEVELS } from "@icpstream/observability";
import { parseClock } from "./clock.js";

export const DEFAULT_RUBRIC = fileURLToPath(new URL("../../../rubrics/enterprise.yaml", import.meta.url));

/** Settings every scoring service reads from the environment (and nothing else). */
export const ServiceEnv = z.object({
  KAFKA_BROKERS: BrokerList,
  SCHEMA_REGISTRY_URL: z.url({ error: "expected the registry's Confluent-compatible base URL, e.g. http://127.0.0.1:18081/apis/ccompat/v7" }),
  REDIS_URL: z.string({ error: "is required (redis://host:port)" }).regex(/^rediss?:\/\//, "expected redis://host:port or rediss://…"),
  /** Prepended to every topic: several pipelines (or tests) can share one cluster. */
  ICP_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, "letters, digits, . _ - only").default(""),
  /** Prepended to every Redis key. */
  ICP_REDIS_PREFIX: z.string().regex(/^[^{}]*$/, "may not contain { or } (it would become the cluster hash tag)").default(""),
  /** Prepended to consumer group ids: `<prefix><service>`. */
  ICP_GROUP_PREFIX: z.string().default("icp."),
  /** Default: the shipped enterprise rubric, found from the code so the working directory does not matter. */
  ICP_RUBRIC: z.string().min(1).default(DEFAULT_RUBRIC),
  /**
   * Set: this process is the shadow instance of its service, scoring with this candidate
   * rubric instead of ICP_RUBRIC: same inputs, its own derived topics (`shadow.icp.…`, see
   * `shadowCatalog`), consumer group `<ICP_GROUP_PREFIX><name>.shadow`, Redis keys under
   * `<ICP_REDIS_PREFIX>shadow.`, default ops port +20. Run it beside the live instance.
   */
  ICP_SHADOW_RUBRIC: z.string().min(1).optional(),
  ICP_CLOCK: z
    .string()
    .default("system")
    .superRefine((spec, ctx) => {
      try {
        parseClock(spec);
      } catch (error) {
        if (!spec.startsWith("file:")) ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    }),
  ICP_SCHEMA_MODE: z.enum(["register", "verify"]).default("register"),
  ICP_OPS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  ICP_OPS_HOST: z.string().default("127.0.0.1"),
  /** How long the group waits for a silent member before giving its partitions away. */
  ICP_SESSION_TIMEOUT_MS: z.coerce.number().int().min(3_000).max(300_000).default(30_000),
  /**
   * Bytes fetched per partition per fetch at most. kafkajs fetches again only once every
   * batch of a fetch is processed, so this bounds how long a fresh message waits behind a
   * large batch: smaller = lower latency under load, more fetches.
   */
  ICP_FETCH_MAX_BYTES_PER_PARTITION: z.coerce.number().int().min(16_384).max(16_777_216).default(131_072),
  /** How often due decay re-evaluations are looked for. */
  ICP_TICK_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(1_000),
  /** Accounts re-scored per step after a rubric promotion (each step one atomic apply, the partition's messages between steps). */
  ICP_RESCORE_SLICE_ACCOUNTS: z.coerce.number().int().min(1).max(5_000).default(500),
  ICP_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(300_000).default(20_000),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
});
export type ServiceEnv = z.infer<typeof ServiceEnv>;

/** Parses the environment; a bad or missing variable fails with its name and what was expected. */
export function parseServiceEnv(env: Record<string, string | undefined>): ServiceEnv {
  return parseEnv(ServiceEnv, env);
}
