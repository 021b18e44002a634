import { Kafka, logLevel } from "kafkajs";
import type { Logger } from "pino";
import { z } from "zod";

/**
 * The kafkajs client from config. kafkajs logs through our logger (pino), at warn and
 * above unless told otherwise.
 */
export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  /** kafkajs's own connection timeout; the default 1 s is tight for a broker that just started. */
  connectionTimeoutMs?: number;
}

export function createKafka(config: KafkaConfig, logger?: Logger): Kafka {
  const levels: Record<number, "error" | "warn" | "info" | "debug"> = { [logLevel.ERROR]: "error", [logLevel.WARN]: "warn", [logLevel.INFO]: "info", [logLevel.DEBUG]: "debug" };
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    connectionTimeout: config.connectionTimeoutMs ?? 5_000,
    logLevel: logger ? logLevel.WARN : logLevel.NOTHING,
    logCreator: () => (entry) => {
      if (!logger) return;
      const { message, ...rest } = entry.log;
      logger[levels[entry.level] ?? "info"]({ kafkajs: entry.namespace, ...rest }, message);
    },
  });
}

/**
 * The connection settings every service and tool reads from the environment. Parse in
 * `main` only (packages never read process.env); errors name the variable.
 */
export const KafkaEnv = z.object({
  KAFKA_BROKERS: z
    .string({ error: "KAFKA_BROKERS is required (host:port[,host:port])" })
    .min(1)
    .transform((s) => s.split(",").map((b) => b.trim()).filter((b) => b !== ""))
    .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, "expected host:port")).min(1)),
  SCHEMA_REGISTRY_URL: z.url({ error: "SCHEMA_REGISTRY_URL must be the registry's Confluent-compatible base URL, e.g. http://127.0.0.1:18081/apis/ccompat/v7" }),
});
export type KafkaEnv = z.infer<typeof KafkaEnv>;

/** Formats zod issues on an environment object as `VARIABLE: problem` lines. */
export function formatEnvIssues(error: z.ZodError): string {
  return error.issues.map((i) => `  ${i.path.join(".") || "(environment)"}: ${i.message}`).join("\n");
}
