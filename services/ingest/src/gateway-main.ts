import { topicCatalog } from "@icpstream/contracts";
import { createLogger, createServiceMetrics, exitOnFatalError, startOpsServer } from "@icpstream/observability";
import { kafkaConnectionFromEnv } from "@icpstream/kafka-kit";
import { createRedisClient, pingRedis, redisConnectionFromEnv, redisIdIndex, redisReplayCache } from "@icpstream/redis-kit";
import { useNativeSha256 } from "@icpstream/service-runtime";
import { GatewayEnv, parseEnv } from "./config.js";
import { buildGateway } from "./gateway.js";
import { connectSender } from "./kafka-sender.js";
import { loadSourceMappings } from "./source-files.js";

// Composition root of the HTTP ingest gateway.
useNativeSha256();
const env = parseEnv(GatewayEnv, process.env);
const kafkaConnection = kafkaConnectionFromEnv(process.env);
const logger = createLogger({ service: "ingest-gateway", level: env.LOG_LEVEL });
// The registry or the broker down at start: logged redacted (no password from SCHEMA_REGISTRY_URL), exit 1.
exitOnFatalError(logger);
// Source mappings are validated before anything connects: a bad file stops the start, naming file and path.
const sources = env.ICP_GATEWAY_SOURCES.length > 0 ? loadSourceMappings(env.ICP_GATEWAY_SOURCES, process.env) : undefined;
const redis = sources && env.REDIS_URL ? createRedisClient(redisConnectionFromEnv(process.env), { name: "ingest-gateway", logger }) : undefined;
const metrics = createServiceMetrics("ingest-gateway");
const sender = await connectSender({ ...kafkaConnection, registryUrl: env.SCHEMA_REGISTRY_URL, clientId: "icp-ingest-gateway", schemaMode: env.ICP_SCHEMA_MODE, catalog: topicCatalog({ prefix: env.ICP_TOPIC_PREFIX }) }, logger);
const app = buildGateway({
  sink: sender,
  apiKeys: env.ICP_GATEWAY_API_KEYS,
  hmacSecrets: env.ICP_GATEWAY_HMAC_SECRETS,
  signatureToleranceSeconds: env.ICP_GATEWAY_SIGNATURE_TOLERANCE_S,
  bodyLimitBytes: env.ICP_GATEWAY_BODY_LIMIT_BYTES,
  maxBatch: env.ICP_GATEWAY_MAX_BATCH,
  maxInFlight: env.ICP_GATEWAY_MAX_IN_FLIGHT,
  futureToleranceHours: env.ICP_GATEWAY_FUTURE_TOLERANCE_HOURS,
  requestTimeoutMs: env.ICP_GATEWAY_REQUEST_TIMEOUT_MS,
  headersTimeoutMs: env.ICP_GATEWAY_HEADERS_TIMEOUT_MS,
  defaultSource: "gateway",
  now: () => new Date(),
  logger,
  metrics: metrics.registry,
  sources:
    sources && redis
      ? {
          sources,
          replay: redisReplayCache(redis, { prefix: env.ICP_REDIS_PREFIX, ttlSeconds: env.ICP_GATEWAY_REPLAY_TTL_S }),
          index: redisIdIndex(redis, { prefix: env.ICP_REDIS_PREFIX }),
          publicUrl: env.ICP_GATEWAY_PUBLIC_URL,
        }
      : undefined,
});
await app.listen({ port: env.ICP_GATEWAY_PORT, host: env.ICP_GATEWAY_HOST });
// Probes and scrapers on a port of their own, as for every service: ready once listening, the
// producer connected (above) and Redis answering when sources use it. A broker that goes away
// later is answered per request (503 with Retry-After), not by taking the gateway out of rotation.
let stopping = false;
const ops = await startOpsServer({
  port: env.ICP_OPS_PORT,
  host: env.ICP_OPS_HOST,
  metrics: metrics.registry,
  logger,
  health: {
    live: () => !stopping,
    ready: async () => {
      const dependencies: Record<string, string> = {};
      if (redis) dependencies.redis = await pingRedis(redis).then(() => "ok", (error: Error) => `unreachable: ${error.message}`);
      return { ready: !stopping && Object.values(dependencies).every((answer) => answer === "ok"), detail: { running: !stopping, dependencies } };
    },
  },
});
logger.info({ maxMessageBytes: sender.maxMessageBytes, port: env.ICP_GATEWAY_PORT, opsUrl: ops.url, sources: [...(sources?.keys() ?? [])] }, "gateway listening");
const shutdown = async () => {
  stopping = true;
  await ops.close();
  await app.close();
  await sender.close();
  redis?.disconnect();
};
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
