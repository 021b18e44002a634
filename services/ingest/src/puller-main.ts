import { topicCatalog } from "@icpstream/contracts";
import { createLogger, exitOnFatalError, onShutdown } from "@icpstream/observability";
import { kafkaConnectionFromEnv } from "@icpstream/kafka-kit";
import { createRedisClient, redisConnectionFromEnv, redisIdIndex, redisPullCursors } from "@icpstream/redis-kit";
import { GATEWAY_DEFAULTS } from "./gateway.js";
import { PullerEnv, parseEnv } from "./config.js";
import { connectSender } from "./kafka-sender.js";
import { pollOnce } from "./puller.js";
import { readSourceMappings } from "./source-files.js";

// Composition root of the puller: every source mapping with a pull section, polled on its interval.
const env = parseEnv(PullerEnv, process.env);
const kafkaConnection = kafkaConnectionFromEnv(process.env);
const logger = createLogger({ service: "puller", level: env.LOG_LEVEL });
exitOnFatalError(logger);
const pulled = [...readSourceMappings(env.ICP_GATEWAY_SOURCES).values()].filter((m) => m.pull);
const missing = pulled.filter((m) => !process.env[m.pull?.auth.secretEnv ?? ""]).map((m) => `${m.file}: pull.auth.secretEnv: ${m.pull?.auth.secretEnv} is not set`);
if (pulled.length === 0) missing.push(`${env.ICP_GATEWAY_SOURCES.join(", ")}: no source mapping has a pull section`);
if (missing.length > 0) {
  logger.fatal({ problems: missing }, "cannot start");
  process.exit(1);
}
const redis = createRedisClient(redisConnectionFromEnv(process.env), { name: "puller", logger });
const sink = await connectSender({ ...kafkaConnection, registryUrl: env.SCHEMA_REGISTRY_URL, clientId: "icp-puller", schemaMode: env.ICP_SCHEMA_MODE, catalog: topicCatalog({ prefix: env.ICP_TOPIC_PREFIX }) }, logger);
const cursors = redisPullCursors(redis, { prefix: env.ICP_REDIS_PREFIX });
const index = redisIdIndex(redis, { prefix: env.ICP_REDIS_PREFIX });
const fetchJson = async (url: string, headers: Record<string, string>, body?: string) => {
  const response = await fetch(url, { method: body === undefined ? "GET" : "POST", headers, ...(body === undefined ? {} : { body }), signal: AbortSignal.timeout(env.ICP_PULL_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`GET ${new URL(url).origin}${new URL(url).pathname}: HTTP ${response.status}`);
  return (await response.json()) as unknown;
};
const timers: NodeJS.Timeout[] = [];
const running = new Map<string, Promise<unknown>>();
for (const mapping of pulled) {
  const token = process.env[mapping.pull?.auth.secretEnv ?? ""] ?? "";
  const poll = () => {
    if (running.has(mapping.source)) return;
    const run = pollOnce(mapping, { fetchJson, token, cursors, sink, index, now: () => new Date(), futureToleranceHours: GATEWAY_DEFAULTS.futureToleranceHours, log: (level, fields, message) => logger[level](fields, message) })
      .catch((error: unknown) => logger.warn({ source: mapping.source, err: error }, "poll failed; the cursor stays, the next poll retries"))
      .finally(() => running.delete(mapping.source));
    running.set(mapping.source, run);
  };
  poll();
  timers.push(setInterval(poll, (mapping.pull?.intervalSeconds ?? 300) * 1000));
}
logger.info({ sources: pulled.map((m) => m.source) }, "puller running");
onShutdown(["SIGINT", "SIGTERM"], async () => {
  for (const timer of timers) clearInterval(timer);
  await Promise.all(running.values());
  await sink.close();
  redis.disconnect();
}, { timeoutMs: 20_000, logger });
