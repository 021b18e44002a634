import { readFileSync } from "node:fs";
import type { Kafka, Producer } from "kafkajs";
import { DERIVED_TOPIC_IDS, shadowCatalog, topicCatalog, type TopicCatalog, type TopicSpec } from "@icpstream/contracts";
import { catalogPartitioner, confluentRegistry, createKafka, kafkaConnectionFromEnv, partitionReader, RegistryCodec, runStatefulConsumer, topicConfigs, type PartitionReader, type StatefulConsumer, type StatefulHandler } from "@icpstream/kafka-kit";
import { consumerLagGauge, createLogger, createReadiness, createServiceMetrics, exitOnFatalError, onShutdown, SHUTDOWN_SIGNALS, startOpsServer, type PinoLogger, type ServiceMetrics } from "@icpstream/observability";
import { createRedisClient, pingRedis, RedisPartitionStateStore, redisConnectionFromEnv } from "@icpstream/redis-kit";
import { ShardRubrics } from "@icpstream/pipeline";
import { parseRubric, type Rubric } from "@icpstream/scoring";
import { parseClock, type Clock } from "./clock.js";
import { useNativeSha256 } from "./native-sha256.js";
import { parseServiceEnv, type ServiceEnv } from "./config.js";

/** What makes one scoring service: its inputs and its handler. Everything else is shared. */
export interface ServiceDefinition<S extends TopicSpec> {
  /** The service name: consumer group `<ICP_GROUP_PREFIX><name>`, logs, metrics. */
  name: string;
  /** Default port of /healthz, /readyz, /metrics (ICP_OPS_PORT overrides). */
  defaultOpsPort: number;
  inputs(catalog: TopicCatalog): readonly S[];
  /** The shard name when several inputs are consumed together (a function of the catalog when it is a topic's name). */
  stream?: string | ((catalog: TopicCatalog) => string);
  /**
   * `readPartition` reads back one partition of a topic to its end (the combiner's published
   * tier changes after lost state). `rubrics` is the rubric per partition for a service that
   * follows promotions (`followsPromotions`): ICP_RUBRIC until `icp rubric promote` reaches
   * the partition.
   */
  handler(context: { rubric: Rubric; rubrics: ShardRubrics; catalog: TopicCatalog; logger: PinoLogger; readPartition: PartitionReader }): StatefulHandler<S | TopicCatalog["rubricControl"]>;
  /**
   * Whether the service reads rubric promotions in order with its inputs (fit, timing): the
   * rubric-control topic is consumed with them, co-partitioned, and the handler gets its
   * records through `onControl`. A shadow instance never does: it keeps its candidate rubric.
   */
  followsPromotions?: boolean;
  /**
   * Whether the service scores and so reads ICP_RUBRIC (default true). A service that does
   * not (the router) gets a `rubric` that throws when read.
   */
  usesRubric?: boolean;
  /** Whether the service may run as a shadow instance (ICP_SHADOW_RUBRIC; default true). The router may not: shadow tier changes are never routed. */
  runsInShadow?: boolean;
  /**
   * What the service runs beside its stateful consumer (the router's webhook delivery),
   * started once the consumer runs. Stopped after the consumer stopped and before the
   * producer disconnects, so it can still publish (dead letters) while it drains.
   */
  companion?(context: CompanionContext): Promise<Companion>;
}

/** The shared clients a companion may use; the runtime owns them and closes them after the companion stopped. */
export interface CompanionContext {
  env: ServiceEnv;
  catalog: TopicCatalog;
  kafka: Kafka;
  producer: Producer;
  codec: RegistryCodec;
  logger: PinoLogger;
  clock: Clock;
  metrics: ServiceMetrics;
  /** The service's own state store (read-only use: the outcome stage's counts for its health view). */
  store: RedisPartitionStateStore;
  /** The service's consumer group (`<ICP_GROUP_PREFIX><name>`). */
  groupId: string;
}

export interface Companion {
  stop(): Promise<void>;
  /** JSON endpoints the companion adds to the ops server (path → body). */
  routes?: Readonly<Record<string, () => unknown>>;
}

export interface RunningService {
  env: ServiceEnv;
  consumer: StatefulConsumer;
  opsUrl: string;
  stop(): Promise<void>;
}

/** Reads and validates the rubric file named by ICP_RUBRIC; errors name the file and the path inside it. */
export function loadRubricFile(path: string): Rubric {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`ICP_RUBRIC=${path}: cannot read the rubric file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return parseRubric(text, path);
}

/**
 * A shadow instance's derived topics (and their dead-letter topics), created when missing with
 * the partition count of their live counterparts, so the shadow pipeline is co-partitioned
 * like the live one whatever the live topics were created with.
 */
async function ensureShadowTopics(kafka: Kafka, prefix: string, shadow: TopicCatalog, logger: PinoLogger): Promise<void> {
  const live = topicCatalog({ prefix });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const present = new Set(await admin.listTopics());
    const counts = new Map<string, number>();
    const liveTopics = DERIVED_TOPIC_IDS.map((id) => live[id].topic).filter((t) => present.has(t));
    if (liveTopics.length > 0) for (const t of (await admin.fetchTopicMetadata({ topics: liveTopics })).topics) counts.set(t.name, t.partitions.length);
    const wanted = new Set(DERIVED_TOPIC_IDS.flatMap((id) => [shadow[id].topic, shadow[id].deadLetterTopic]));
    const partitionsOf = (topic: string) => {
      const id = DERIVED_TOPIC_IDS.find((i) => shadow[i].topic === topic);
      return id ? (counts.get(live[id].topic) ?? shadow[id].partitions) : 1;
    };
    const missing = topicConfigs(shadow)
      .filter((t) => wanted.has(t.topic) && !present.has(t.topic))
      .map((t) => ({ ...t, numPartitions: partitionsOf(t.topic) }));
    if (missing.length > 0) {
      await admin.createTopics({ topics: missing, waitForLeaders: true }).catch((error: unknown) => {
        if ((error as { type?: string }).type !== "TOPIC_ALREADY_EXISTS" && (error as { type?: string }).type !== "UNKNOWN_TOPIC_OR_PARTITION") throw error;
      });
      logger.info({ topics: missing.map((t) => `${t.topic} (${t.numPartitions})`) }, "created the shadow topics");
    }
  } finally {
    await admin.disconnect();
  }
}

/** A rubric for a service that reads none: using it is a bug in that service, said loudly. */
function notLoadedRubric(service: string): Rubric {
  return new Proxy({} as Rubric, {
    get: () => {
      throw new Error(`the ${service} service does not load a rubric (usesRubric: false)`);
    },
  });
}

/**
 * The composition root shared by the scoring services: settings from the environment, the
 * clock, Kafka, the registry codec, Redis, the stateful consumer, metrics, the ops endpoints
 * and graceful shutdown on SIGTERM / SIGINT (in-flight work finishes, then the process exits).
 */
export async function runService<S extends TopicSpec>(definition: ServiceDefinition<S>, processEnv: Record<string, string | undefined> = process.env): Promise<RunningService> {
  useNativeSha256();
  const env = parseServiceEnv(processEnv);
  const shadow = env.ICP_SHADOW_RUBRIC !== undefined;
  const logger = createLogger({ service: shadow ? `${definition.name}.shadow` : definition.name, level: env.LOG_LEVEL });
  // From here on an error that escapes (the registry or Redis down at start) is logged
  // through the logger's redaction and exits 1, instead of Node printing it whole.
  exitOnFatalError(logger);
  const clock: Clock = parseClock(env.ICP_CLOCK);
  if (shadow && definition.runsInShadow === false) throw new Error(`ICP_SHADOW_RUBRIC is set, but the ${definition.name} service never runs in shadow (shadow tier changes are not acted on): unset it`);
  const rubric = definition.usesRubric === false ? notLoadedRubric(definition.name) : loadRubricFile(shadow ? (env.ICP_SHADOW_RUBRIC as string) : env.ICP_RUBRIC);
  const catalog = shadow ? shadowCatalog({ prefix: env.ICP_TOPIC_PREFIX }) : topicCatalog({ prefix: env.ICP_TOPIC_PREFIX });
  const followsPromotions = definition.followsPromotions === true && !shadow;
  const inputs: readonly (S | TopicCatalog["rubricControl"])[] = followsPromotions ? [...definition.inputs(catalog), catalog.rubricControl] : definition.inputs(catalog);
  const groupId = `${env.ICP_GROUP_PREFIX}${definition.name}${shadow ? ".shadow" : ""}`;
  logger.info({ groupId, shadow, ...(definition.usesRubric === false ? {} : { rubric: rubric.version }), inputs: inputs.map((s) => s.topic), clock: env.ICP_CLOCK }, "starting");

  const metrics = createServiceMetrics(definition.name);
  const lagGauge = consumerLagGauge(metrics.consumerLag);
  const kafka = createKafka({ ...kafkaConnectionFromEnv(processEnv), clientId: `icpstream-${definition.name}` }, logger);
  // One in-flight request keeps each partition's outputs in the order they were decided.
  // The catalog's partitioner (murmur2, as the Java client): an account lands in the same
  // partition number of every topic with the same partition count, whoever produced it.
  const producer = kafka.producer({ maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: catalogPartitioner });
  await producer.connect();
  if (shadow) await ensureShadowTopics(kafka, env.ICP_TOPIC_PREFIX, catalog, logger);
  const codec = new RegistryCodec(confluentRegistry({ url: env.SCHEMA_REGISTRY_URL }), { mode: env.ICP_SCHEMA_MODE });
  await codec.prepare(catalog);
  // One Redis, or a Redis Cluster when REDIS_URL lists several nodes or says ?cluster=true.
  const redis = createRedisClient(redisConnectionFromEnv(processEnv), { name: definition.name, logger });
  const store = new RedisPartitionStateStore(redis, { prefix: shadow ? `${env.ICP_REDIS_PREFIX}shadow.` : env.ICP_REDIS_PREFIX });

  const consumer = await runStatefulConsumer({
    kafka,
    producer,
    codec,
    store,
    groupId,
    inputs,
    ...(definition.stream ? { stream: typeof definition.stream === "string" ? definition.stream : definition.stream(catalog) } : {}),
    handler: definition.handler({ rubric, rubrics: new ShardRubrics(rubric, shadow ? "ICP_SHADOW_RUBRIC" : "ICP_RUBRIC"), catalog, logger, readPartition: partitionReader({ kafka, codec, logger, groupPrefix: groupId }) }),
    logger,
    clock,
    tickIntervalMs: env.ICP_TICK_INTERVAL_MS,
    rescoreSliceSize: env.ICP_RESCORE_SLICE_ACCOUNTS,
    sessionTimeoutMs: env.ICP_SESSION_TIMEOUT_MS,
    maxBytesPerPartition: env.ICP_FETCH_MAX_BYTES_PER_PARTITION,
    hooks: {
      onEventIn: (topic) => metrics.eventsIn.inc({ topic }),
      onEventOut: (topic, count) => metrics.eventsOut.inc({ topic }, count),
      onDeadLetter: (topic, failure) => {
        metrics.deadLettered.inc({ topic, code: failure.code });
        metrics.errors.inc({ code: failure.code });
      },
      onProcessed: (topic, seconds) => metrics.processingLatency.observe({ topic }, seconds),
      onLag: (topic, partition, lag) => lagGauge.set(topic, partition, lag),
      onCatchUp: (partition, phase, detail) => {
        metrics.quietReplay.set({ partition: String(partition) }, phase === "started" ? 1 : 0);
        if (phase === "settled") metrics.replaySettledAccounts.inc(detail);
      },
      onAssignment: (assignment) => lagGauge.assign(Object.entries(assignment).flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic, partition })))),
    },
  });
  const companion = definition.companion ? await definition.companion({ env, catalog, kafka, producer, codec, logger, clock, metrics, store, groupId }) : undefined;
  // Ready when Redis and the broker answer and every assigned partition is caught up with
  // its high watermark, read afresh on each probe (empty partitions: lag 0).
  const readiness = createReadiness({
    dependencies: { redis: () => pingRedis(redis) },
    lag: async () => {
      const lags = await consumer.lag();
      for (const { topic, partition, lag } of lags ?? []) if (lag !== null) lagGauge.set(topic, partition, lag);
      return lags;
    },
  });
  readiness.setRunning(true);

  const ops = await startOpsServer({
    port: env.ICP_OPS_PORT ?? definition.defaultOpsPort + (shadow ? 20 : 0),
    host: env.ICP_OPS_HOST,
    metrics: metrics.registry,
    logger,
    health: { live: () => true, ready: readiness.check },
    ...(companion?.routes ? { routes: companion.routes } : {}),
  });
  logger.info({ ops: ops.url }, "running");

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      readiness.setRunning(false);
      await consumer.stop();
      await companion?.stop();
      await producer.disconnect();
      await redis.quit().catch(() => redis.disconnect());
      await ops.close();
      logger.info("stopped");
    })());
  onShutdown(SHUTDOWN_SIGNALS, stop, { timeoutMs: env.ICP_SHUTDOWN_TIMEOUT_MS, logger });
  return { env, consumer, opsUrl: ops.url, stop };
}
