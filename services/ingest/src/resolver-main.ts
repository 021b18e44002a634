import { topicCatalog } from "@icpstream/contracts";
import { RegistryCodec, confluentRegistry, createKafka, kafkaConnectionFromEnv } from "@icpstream/kafka-kit";
import { createLogger, createServiceMetrics, exitOnFatalError, onShutdown, startOpsServer } from "@icpstream/observability";
import { createRedisClient, pingRedis, redisConnectionFromEnv, redisIdIndex, redisParkingLot } from "@icpstream/redis-kit";
import { GATEWAY_DEFAULTS } from "./gateway.js";
import { ResolverEnv, parseEnv } from "./config.js";
import { connectSender } from "./kafka-sender.js";
import type { ParkedEntry } from "./resolver.js";
import { startResolver } from "./resolver-service.js";
import { readSourceMappings } from "./source-files.js";

// Composition root of the resolver: the id → account index and the parked items' release.
const env = parseEnv(ResolverEnv, process.env);
const kafkaConnection = kafkaConnectionFromEnv(process.env);
const logger = createLogger({ service: "resolver", level: env.LOG_LEVEL });
exitOnFatalError(logger);
const mappings = readSourceMappings(env.ICP_GATEWAY_SOURCES);
const catalog = topicCatalog({ prefix: env.ICP_TOPIC_PREFIX });
const metrics = createServiceMetrics("resolver");
const redis = createRedisClient(redisConnectionFromEnv(process.env), { name: "resolver", logger });
const kafka = createKafka({ ...kafkaConnection, clientId: "icp-resolver" }, logger);
const codec = new RegistryCodec(confluentRegistry({ url: env.SCHEMA_REGISTRY_URL }), { mode: env.ICP_SCHEMA_MODE });
await codec.prepare(catalog);
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
await producer.connect();
const sink = await connectSender({ ...kafkaConnection, registryUrl: env.SCHEMA_REGISTRY_URL, clientId: "icp-resolver-release", schemaMode: env.ICP_SCHEMA_MODE, catalog }, logger);
const service = await startResolver({
  kafka,
  producer,
  codec,
  catalog,
  sink,
  index: redisIdIndex(redis, { prefix: env.ICP_REDIS_PREFIX }),
  lot: redisParkingLot<ParkedEntry>(redis, { prefix: env.ICP_REDIS_PREFIX, maxItems: env.ICP_RESOLVER_MAX_PARKED }),
  mappings,
  groupPrefix: env.ICP_GROUP_PREFIX,
  maxAgeMs: env.ICP_RESOLVER_MAX_AGE_HOURS * 3_600_000,
  tickMs: env.ICP_RESOLVER_TICK_MS,
  futureToleranceHours: GATEWAY_DEFAULTS.futureToleranceHours,
  now: () => new Date(),
  logger,
  registry: metrics.registry,
});
const ops = await startOpsServer({ port: env.ICP_OPS_PORT, health: { live: () => true, ready: async () => ({ ready: (await pingRedis(redis).then(() => true, () => false)), detail: {} }) }, metrics: metrics.registry, logger });
logger.info({ sources: [...mappings.keys()], opsPort: env.ICP_OPS_PORT }, "resolver running");
onShutdown(["SIGINT", "SIGTERM"], async () => {
  await service.stop();
  await sink.close();
  await producer.disconnect();
  redis.disconnect();
  await ops.close();
}, { timeoutMs: 20_000, logger });
