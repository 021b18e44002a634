import { shadowCatalog, topicCatalog } from "@icpstream/contracts";
import { confluentRegistry, createKafka, kafkaConnectionFromEnv, RegistryCodec } from "@icpstream/kafka-kit";
import { createLogger, createServiceMetrics, exitOnFatalError, onShutdown, SHUTDOWN_SIGNALS, startOpsServer } from "@icpstream/observability";
import { TierBoard } from "@icpstream/pipeline";
import type { Rubric } from "@icpstream/scoring";
import { createRedisClient, pingRedis, redisConnectionFromEnv } from "@icpstream/redis-kit";
import { loadRubricFile } from "@icpstream/service-runtime";
import { promotedRubricByHash, readPromotionState } from "@icpstream/cli";
import { readAccountStates } from "./account-states.js";
import { parseConsoleEnv } from "./config.js";
import { followShadowWhenPresent, followTierChanges } from "./follow-tier-changes.js";
import { buildConsole } from "./server.js";

// Composition root of the web console: settings, the tier-changed follower feeding the board
// and the live feed, Redis for the account pages, the outcome stage for model health.
/** /healthz, /readyz and /metrics when ICP_OPS_PORT is not set. */
const CONSOLE_OPS_PORT = 19110;
const env = parseConsoleEnv(process.env);
const logger = createLogger({ service: "console", level: env.LOG_LEVEL });
exitOnFatalError(logger);
const rubric = loadRubricFile(env.ICP_RUBRIC);
const catalog = topicCatalog({ prefix: env.ICP_TOPIC_PREFIX });
const kafka = createKafka({ ...kafkaConnectionFromEnv(process.env), clientId: "icpstream-console" }, logger);
const codec = new RegistryCodec(confluentRegistry({ url: env.SCHEMA_REGISTRY_URL }), { mode: "verify" });
const redis = createRedisClient(redisConnectionFromEnv(process.env), { name: "console", logger });
const board = new TierBoard({ historyPerAccount: env.ICP_CONSOLE_HISTORY_PER_ACCOUNT });
const follower = await followTierChanges({ kafka, codec, catalog, board, groupPrefix: env.ICP_GROUP_PREFIX, logger: logger.child({ part: "tier-changes" }) });
// The shadow rubric's pipeline, when one runs (services started with ICP_SHADOW_RUBRIC): its tiers beside the live ones.
const shadowBoard = new TierBoard({ historyPerAccount: 1 });
const shadow = followShadowWhenPresent({ kafka, codec, catalog: shadowCatalog({ prefix: env.ICP_TOPIC_PREFIX }), board: shadowBoard, groupPrefix: env.ICP_GROUP_PREFIX, logger: logger.child({ part: "shadow-tier-changes" }) });
const healthUrl = new URL("/model-health", env.ICP_CONSOLE_OUTCOMES_URL).toString();
// Partitions of the rubric-control topic (those of fit and timing): looked up once, when first asked.
let controlPartitions: number | undefined;
const partitionsOfControl = async (): Promise<number> => {
  if (controlPartitions !== undefined) return controlPartitions;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const found = (await admin.fetchTopicMetadata({ topics: [catalog.rubricControl.topic] })).topics[0]?.partitions.length ?? 0;
    if (found === 0) throw new Error(`the topic ${catalog.rubricControl.topic} does not exist yet`);
    controlPartitions = found;
    return found;
  } finally {
    await admin.disconnect();
  }
};

const promotedByHash = new Map<string, Rubric>();
const app = buildConsole({
  board,
  shadow: { board: shadowBoard, following: shadow.following },
  feed: follower,
  readAccount: (accountKey) => readAccountStates(redis, { accountKey, catalog, redisPrefix: env.ICP_REDIS_PREFIX, groupPrefix: env.ICP_GROUP_PREFIX }),
  rubric,
  promotedRubric: async (hash) => {
    // A version hash names one rubric for good: looked up (a SCAN of the shards) once, not per account page.
    let found = promotedByHash.get(hash);
    if (!found) {
      found = (await promotedRubricByHash(redis, { redisPrefix: env.ICP_REDIS_PREFIX, groupPrefix: env.ICP_GROUP_PREFIX }, catalog, hash))?.rubric;
      if (found) promotedByHash.set(hash, found);
    }
    return found;
  },
  promotions: async () => readPromotionState(redis, { redisPrefix: env.ICP_REDIS_PREFIX, groupPrefix: env.ICP_GROUP_PREFIX }, catalog, await partitionsOfControl()),
  modelHealth: async () => {
    let response: Response;
    try {
      // 3 s: the stage answers from Redis in milliseconds; longer means it is not there.
      response = await fetch(healthUrl, { signal: AbortSignal.timeout(3000) });
    } catch (error) {
      throw new Error(`the outcome stage at ${env.ICP_CONSOLE_OUTCOMES_URL} did not answer (${(error as Error).message}); is services/outcomes running?`, { cause: error });
    }
    if (!response.ok) throw new Error(`the outcome stage answered ${response.status}`);
    return response.json();
  },
  token: env.ICP_CONSOLE_TOKEN,
  logger,
  maxStreams: env.ICP_CONSOLE_MAX_STREAMS,
});
const address = await app.listen({ port: env.ICP_CONSOLE_PORT, host: env.ICP_CONSOLE_HOST });
logger.info({ url: address, rubric: rubric.version.hash }, "running");
// Probes and scrapers on a port of their own, as for every service (the console's pages all ask for
// the token). Started after the "running" line, whose url is the console's own (the first "url" in its log).
let stopping = false;
const ops = await startOpsServer({
  port: env.ICP_OPS_PORT ?? CONSOLE_OPS_PORT,
  host: env.ICP_OPS_HOST,
  metrics: createServiceMetrics("console").registry,
  logger,
  health: {
    live: () => !stopping,
    ready: async () => {
      const redisAnswer = await pingRedis(redis).then(() => "ok", (error: Error) => `unreachable: ${error.message}`);
      return { ready: !stopping && redisAnswer === "ok", detail: { running: !stopping, dependencies: { redis: redisAnswer } } };
    },
  },
});

onShutdown(
  SHUTDOWN_SIGNALS,
  async () => {
    stopping = true;
    await app.close();
    await ops.close();
    await follower.stop();
    await shadow.stop();
    await redis.quit().catch(() => redis.disconnect());
    logger.info("stopped");
  },
  { timeoutMs: env.ICP_SHUTDOWN_TIMEOUT_MS, logger },
);
