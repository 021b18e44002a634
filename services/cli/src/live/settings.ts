import { KAFKA_CONNECTION_VARIABLES, kafkaConnectionFromEnv, type KafkaConnection } from "@icpstream/kafka-kit";
import { REDIS_CONNECTION_VARIABLES, redisConnectionFromEnv, type RedisConnection } from "@icpstream/redis-kit";
import { CliError } from "../io.js";

/**
 * Where the live commands (tail, explain --live, rebuild) find the pipeline: the
 * connection settings and the three namespaces the services were started with.
 *
 * Each setting comes from the command line, else the environment (the same variables the
 * services read), else `.stack/stack.env` (written by `npm run stack:up`), else the
 * default. The Kafka variables (KAFKA_BROKERS, KAFKA_SASL_*, KAFKA_SSL_*) come together from
 * one place: the environment when it sets KAFKA_BROKERS, else the file; the Redis ones
 * (REDIS_URL, REDIS_PASSWORD_FILE, REDIS_TLS_*) likewise. The caller passes the environment
 * and the env file's text; the files they name (a CA, a password) are read here.
 */
export interface LiveSettings {
  kafka: KafkaConnection;
  registryUrl: string;
  redis: RedisConnection;
  /** ICP_TOPIC_PREFIX of the services. */
  topicPrefix: string;
  /** ICP_REDIS_PREFIX of the services. */
  redisPrefix: string;
  /** ICP_GROUP_PREFIX of the services (group id = prefix + service name). */
  groupPrefix: string;
  /** ICP_RUBRIC: the rubric the services score with. */
  rubric: string;
}

export interface NamespaceOptions {
  topicPrefix?: string;
  redisPrefix?: string;
  groupPrefix?: string;
  rubric?: string;
}

/** `KEY=VALUE` lines; blank lines and `#` comments skipped; surrounding quotes removed. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    const key = line.slice(0, eq).replace(/^export\s+/, "").trim();
    let value = line.slice(eq + 1).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) value = value.slice(1, -1);
    out[key] = value;
  }
  return out;
}

const DEFAULT_GROUP_PREFIX = "icp.";
const DEFAULT_RUBRIC = "rubrics/enterprise.yaml";

export function resolveLiveSettings(options: NamespaceOptions, env: Record<string, string | undefined>, stackEnvText: string | undefined): LiveSettings {
  const file = stackEnvText === undefined ? {} : parseEnvFile(stackEnvText);
  const pick = (name: string) => env[name] ?? file[name];
  const missing = ["KAFKA_BROKERS", "SCHEMA_REGISTRY_URL", "REDIS_URL"].filter((name) => !pick(name));
  if (missing.length > 0) {
    throw new CliError(`${missing.join(", ")} not set and not in .stack/stack.env: start the stack (npm run stack:up) or set them`);
  }
  const group = (names: readonly string[], leader: string) => Object.fromEntries(names.map((name) => [name, env[leader] ? env[name] : file[name]]));
  let kafka: KafkaConnection;
  let redis: RedisConnection;
  try {
    kafka = kafkaConnectionFromEnv(group(KAFKA_CONNECTION_VARIABLES, "KAFKA_BROKERS"));
    redis = redisConnectionFromEnv(group(REDIS_CONNECTION_VARIABLES, "REDIS_URL"));
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const redisPrefix = options.redisPrefix ?? env.ICP_REDIS_PREFIX ?? "";
  if (/[{}]/.test(redisPrefix)) throw new CliError("Redis prefix: may not contain { or } (it would become the cluster hash tag)");
  return {
    kafka,
    registryUrl: pick("SCHEMA_REGISTRY_URL") as string,
    redis,
    topicPrefix: options.topicPrefix ?? env.ICP_TOPIC_PREFIX ?? "",
    redisPrefix,
    groupPrefix: options.groupPrefix ?? env.ICP_GROUP_PREFIX ?? DEFAULT_GROUP_PREFIX,
    rubric: options.rubric ?? env.ICP_RUBRIC ?? DEFAULT_RUBRIC,
  };
}
