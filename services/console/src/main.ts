import { shadowCatalog, topicCatalog } from "@icpstream/contracts";
import { confluentRegistry, createKafka, kafkaConnectionFromEnv, RegistryCodec } from "@icpstream/kafka-kit";
import { createLogger, exitOnFatalError, onShutdown, SHUTDOWN_SIGNALS } from "@icpstream/observability";
import { TierBoard } from "@icpstream/pipeline";
import { createRedisClient, redisConnectionFromEnv } from "@icpstream/redis-kit";
import { loadRubricFile } from "@icpstream/service-runtime";
import { readAccountStates } from "./account-states.js";
import { parseConsoleEnv } from "./config.js";
import { followShadowWhenPresent, followTierChanges } from "./follow-tier-changes.js";
import { buildConsole } from "./server.js";

// Composition root of the web console: settings, the tier-changed follower feeding the board
// and the live feed, Redis for the account pages, the outcome stage for model health.
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

const app = buildConsole({
  board,
  shadow: { board: shadowBoard, following: shadow.following },
  feed: follower,
  readAccount: (accountKey) => readAccountStates(redis, { accountKey, catalog, redisPrefix: env.ICP_REDIS_PREFIX, groupPrefix: env.ICP_GROUP_PREFIX }),
  rubric,
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

onShutdown(
  SHUTDOWN_SIGNALS,
  async () => {
    await app.close();
    await follower.stop();
    await shadow.stop();
    await redis.quit().catch(() => redis.disconnect());
    logger.info("stopped");
  },
  { timeoutMs: env.ICP_SHUTDOWN_TIMEOUT_MS, logger },
);
