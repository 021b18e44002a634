import { readFileSync } from "node:fs";
import { Kafka, logLevel, type SASLOptions } from "kafkajs";
import type { Logger } from "pino";
import { z } from "zod";

/** SASL credentials for the brokers (SCRAM-SHA-512 on the secured stack). */
export interface KafkaSasl {
  mechanism: "scram-sha-512" | "scram-sha-256" | "plain";
  username: string;
  password: string;
}

/**
 * TLS to the brokers. `ca`: PEM text of the certificates to trust (default: Node's trust
 * store); `cert`/`key`: PEM text of a client certificate for brokers that require one;
 * `servername`: the name to check the brokers' certificates against when it differs from
 * the host in KAFKA_BROKERS (an IP address, a load balancer).
 */
export interface KafkaSsl {
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
}

/** How to reach the brokers: addresses, and the credentials and TLS a secured cluster asks for. */
export interface KafkaConnection {
  brokers: string[];
  sasl?: KafkaSasl;
  ssl?: KafkaSsl;
}

/**
 * The kafkajs client from config. kafkajs logs through our logger (pino), at warn and
 * above unless told otherwise. With `sasl` it authenticates every connection; with `ssl`
 * it speaks TLS (SASL_SSL when both are set).
 */
export interface KafkaConfig extends KafkaConnection {
  clientId: string;
  /** kafkajs's own connection timeout; the default 1 s is tight for a broker that just started. */
  connectionTimeoutMs?: number;
  /** kafkajs's retries per request (default 5); 0 for probes that are polled anyway. */
  retries?: number;
}

export function createKafka(config: KafkaConfig, logger?: Logger): Kafka {
  const levels: Record<number, "error" | "warn" | "info" | "debug"> = { [logLevel.ERROR]: "error", [logLevel.WARN]: "warn", [logLevel.INFO]: "info", [logLevel.DEBUG]: "debug" };
  const { ssl, sasl } = config;
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    ...(ssl ? { ssl: { ...(ssl.ca ? { ca: [ssl.ca] } : {}), ...(ssl.cert ? { cert: ssl.cert } : {}), ...(ssl.key ? { key: ssl.key } : {}), ...(ssl.servername ? { servername: ssl.servername } : {}) } } : {}),
    ...(sasl ? { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions } : {}),
    connectionTimeout: config.connectionTimeoutMs ?? 5_000,
    ...(config.retries !== undefined ? { retry: { retries: config.retries } } : {}),
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

const flag = z
  .enum(["true", "false", "1", "0", "yes", "no"], { error: "expected true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");

/**
 * The Kafka connection variables (see `kafkaConnectionFromEnv`). Unknown mechanisms and
 * half-given credentials fail here, naming the variable.
 */
export const KafkaConnectionEnv = z
  .object({
    KAFKA_BROKERS: BrokerList,
    KAFKA_SASL_MECHANISM: z.enum(["scram-sha-512", "scram-sha-256", "plain"], { error: "expected scram-sha-512, scram-sha-256 or plain" }).optional(),
    KAFKA_SASL_USERNAME: z.string().min(1).optional(),
    KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
    KAFKA_SASL_PASSWORD_FILE: z.string().min(1).optional(),
    KAFKA_SSL: flag.optional(),
    KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
    KAFKA_SSL_CERT_FILE: z.string().min(1).optional(),
    KAFKA_SSL_KEY_FILE: z.string().min(1).optional(),
    KAFKA_SSL_SERVERNAME: z.string().min(1).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.KAFKA_SASL_MECHANISM) {
      if (!e.KAFKA_SASL_USERNAME) ctx.addIssue({ code: "custom", path: ["KAFKA_SASL_USERNAME"], message: `is required with KAFKA_SASL_MECHANISM=${e.KAFKA_SASL_MECHANISM}` });
      if (!e.KAFKA_SASL_PASSWORD && !e.KAFKA_SASL_PASSWORD_FILE) ctx.addIssue({ code: "custom", path: ["KAFKA_SASL_PASSWORD"], message: `KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE is required with KAFKA_SASL_MECHANISM=${e.KAFKA_SASL_MECHANISM}` });
    } else if (e.KAFKA_SASL_USERNAME || e.KAFKA_SASL_PASSWORD || e.KAFKA_SASL_PASSWORD_FILE) {
      ctx.addIssue({ code: "custom", path: ["KAFKA_SASL_MECHANISM"], message: "is required when KAFKA_SASL_USERNAME or a password is set (scram-sha-512, scram-sha-256 or plain)" });
    }
    if (e.KAFKA_SASL_PASSWORD && e.KAFKA_SASL_PASSWORD_FILE) ctx.addIssue({ code: "custom", path: ["KAFKA_SASL_PASSWORD_FILE"], message: "set KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE, not both" });
    if (Boolean(e.KAFKA_SSL_CERT_FILE) !== Boolean(e.KAFKA_SSL_KEY_FILE)) ctx.addIssue({ code: "custom", path: [e.KAFKA_SSL_CERT_FILE ? "KAFKA_SSL_KEY_FILE" : "KAFKA_SSL_CERT_FILE"], message: "a client certificate needs both KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE" });
    if (e.KAFKA_SSL === false && (e.KAFKA_SSL_CA_FILE || e.KAFKA_SSL_CERT_FILE || e.KAFKA_SSL_SERVERNAME)) ctx.addIssue({ code: "custom", path: ["KAFKA_SSL"], message: "is false, but KAFKA_SSL_* files or a servername are set" });
  });

function readSetting(variable: string, file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`Invalid Kafka settings in the environment:\n  ${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/**
 * The one place every service, tool and test turns the environment into a Kafka connection
 * (called from `main` or a test's set-up; packages never read process.env themselves):
 *
 * - `KAFKA_BROKERS` host:port[,host:port]
 * - `KAFKA_SASL_MECHANISM` scram-sha-512 | scram-sha-256 | plain, with `KAFKA_SASL_USERNAME` and
 *   `KAFKA_SASL_PASSWORD` or `KAFKA_SASL_PASSWORD_FILE` (a file holding the password; one
 *   trailing newline is dropped)
 * - `KAFKA_SSL` true | false (default: true when any KAFKA_SSL_* file is given), `KAFKA_SSL_CA_FILE`
 *   (PEM, the CA to trust instead of Node's store), `KAFKA_SSL_CERT_FILE` + `KAFKA_SSL_KEY_FILE`
 *   (PEM client certificate), `KAFKA_SSL_SERVERNAME` (the name the brokers' certificates carry)
 *
 * Throws an Error naming each bad variable, or a file it cannot read. The password is never
 * part of an error message.
 */
export function kafkaConnectionFromEnv(env: Record<string, string | undefined>): KafkaConnection {
  const e = parseEnv(KafkaConnectionEnv, env, "Kafka settings");
  const connection: KafkaConnection = { brokers: e.KAFKA_BROKERS };
  if (e.KAFKA_SASL_MECHANISM && e.KAFKA_SASL_USERNAME) {
    const password = e.KAFKA_SASL_PASSWORD ?? readSetting("KAFKA_SASL_PASSWORD_FILE", e.KAFKA_SASL_PASSWORD_FILE as string).replace(/\r?\n$/, "");
    if (password === "") throw new Error(`Invalid Kafka settings in the environment:\n  KAFKA_SASL_PASSWORD_FILE: ${e.KAFKA_SASL_PASSWORD_FILE} is empty`);
    connection.sasl = { mechanism: e.KAFKA_SASL_MECHANISM, username: e.KAFKA_SASL_USERNAME, password };
  }
  const ssl = e.KAFKA_SSL ?? Boolean(e.KAFKA_SSL_CA_FILE || e.KAFKA_SSL_CERT_FILE || e.KAFKA_SSL_SERVERNAME);
  if (ssl) {
    connection.ssl = {
      ...(e.KAFKA_SSL_CA_FILE ? { ca: readSetting("KAFKA_SSL_CA_FILE", e.KAFKA_SSL_CA_FILE) } : {}),
      ...(e.KAFKA_SSL_CERT_FILE ? { cert: readSetting("KAFKA_SSL_CERT_FILE", e.KAFKA_SSL_CERT_FILE) } : {}),
      ...(e.KAFKA_SSL_KEY_FILE ? { key: readSetting("KAFKA_SSL_KEY_FILE", e.KAFKA_SSL_KEY_FILE) } : {}),
      ...(e.KAFKA_SSL_SERVERNAME ? { servername: e.KAFKA_SSL_SERVERNAME } : {}),
    };
  }
  return connection;
}

/** The names of the Kafka connection variables, for tools that pass them on to child processes. */
export const KAFKA_CONNECTION_VARIABLES = Object.keys(KafkaConnectionEnv.shape) as (keyof typeof KafkaConnectionEnv.shape)[];

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
