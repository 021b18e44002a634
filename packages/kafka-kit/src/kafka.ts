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

/** `KAFKA_BROKERS` as every service and tool reads it: `host:port[,host:port]` → a list. */
export const BrokerList = z
  .string({ error: "is required (host:port[,host:port])" })
  .transform((s) => s.split(",").map((b) => b.trim()).filter((b) => b !== ""))
  .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, "expected host:port")).min(1, "is required (host:port[,host:port])"));

/** Formats zod issues on an environment object as `VARIABLE: problem` lines. */
export function formatEnvIssues(error: z.ZodError): string {
  return error.issues.map((i) => `  ${i.path.join(".") || "(environment)"}: ${i.message}`).join("\n");
}

/**
 * Parses settings from the environment (in `main` only; packages never read process.env).
 * A bad or missing variable fails with every problem, each as `VARIABLE: problem`.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>, what = "settings"): z.output<S> {
  const result = schema.safeParse(env);
  if (!result.success) throw new Error(`Invalid ${what} in the environment:\n${formatEnvIssues(result.error)}`);
  return result.data;
}
