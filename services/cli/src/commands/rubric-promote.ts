import { hostname, userInfo } from "node:os";
import { topicCatalog, type RubricPromotedEventV1, type TopicCatalog } from "@icpstream/contracts";
import { catalogPartitioner, confluentRegistry, controlKeyFor, createKafka, EventEncoder, OUTBOX, partitionReader, RegistryCodec, RESCORE_ACCOUNTS, silentLogger } from "@icpstream/kafka-kit";
import { PROMOTED_RUBRIC, promotedRubric } from "@icpstream/pipeline";
import { createRedisClient, RedisPartitionStateStore, scanKeys, type RedisClient } from "@icpstream/redis-kit";
import { formatRubricVersion, parseRubric, type Rubric } from "@icpstream/scoring";
import type { Command } from "commander";
import type { Kafka } from "kafkajs";
import type { CliIo } from "../io.js";
import { CliError } from "../io.js";
import { addNamespaceOptions, loadLiveSettings, untilInterrupted } from "../live/connect.js";
import { serviceLayout, shardOf, type ServiceLayout } from "../live/pipeline-layout.js";
import type { LiveSettings, NamespaceOptions } from "../live/settings.js";

interface PromoteOptions extends NamespaceOptions {
  wait: boolean;
  timeout: string;
  interval: string;
}

const HELP = `
How it works: the file is checked, then written once to every partition of the
rubric-control topic as promotion N (one more than the newest promotion there). The fit and
timing services consume it with their inputs, so the pipeline never stops: from it on,
each partition scores with the new rubric, and every account it holds is re-scored — fit from
the profile (read back from the compacted profile topic when the state does not keep it),
timing from the signals its state keeps, as of now — and published under promotion N. The
combiner tiers each account under the newest promotion it has a score of, and publishes the
tier changes that result, carrying the new rubric version; until both of an account's
scores of promotion N have arrived, its other score of the promotion before stands in.

A rollback is the same operation with the earlier file: it becomes promotion N+1, so a late
score of the rubric it replaces is never taken for one of the rollback.

The promoted rubric stays in force across restarts (the services keep it per partition in
Redis, beside their state). Keep ICP_RUBRIC pointing at the same file, so a service started
against an empty Redis (icp rebuild) scores with it from the start. Shadow instances
(ICP_SHADOW_RUBRIC) do not follow promotions; the enrichment waterfall, the combiner's tier
census gauges and the console's rubric summary keep ICP_RUBRIC until they are restarted.
When upgrading to a version with promotions, upgrade the combiner before fit and timing.

The command stops with a clear error when a partition refused the promotion (dead-lettered:
a rubric the service's engine version cannot load), when a later promotion replaced it, or
when two promotions were sent at once and partitions took different rubrics (promote again).

With --wait (the default) the command follows the re-score: fit and timing partitions on the
new promotion with no account left to re-score and an empty outbox, then the combiner caught
up with what they published. Ctrl-C stops watching, not the promotion.

Connection: KAFKA_BROKERS, SCHEMA_REGISTRY_URL and REDIS_URL from the environment, else .stack/stack.env.`;

/** The services that follow promotions, and where they keep their shards. */
const promotedServices = (catalog: TopicCatalog, groupPrefix: string) => [serviceLayout("fit", catalog, groupPrefix), serviceLayout("timing", catalog, groupPrefix)];

/** One partition of one service that follows promotions, as Redis holds it now. */
export interface PartitionPromotion {
  service: string;
  partition: number;
  epoch: number;
  source: string;
  hash: string | null;
  /** Accounts the partition still has to re-score. */
  left: number;
  /** Outputs decided and not yet published. */
  unpublished: number;
}

/** Every fit and timing partition's promotion, accounts left to re-score and unpublished outputs. */
export async function readPromotionState(redis: RedisClient, settings: Pick<LiveSettings, "redisPrefix" | "groupPrefix">, catalog: TopicCatalog, partitions: number): Promise<PartitionPromotion[]> {
  const store = new RedisPartitionStateStore(redis, { prefix: settings.redisPrefix });
  const out: PartitionPromotion[] = [];
  for (const layout of promotedServices(catalog, settings.groupPrefix)) {
    for (let partition = 0; partition < partitions; partition++) {
      const shard = shardOf(layout, partition);
      const promoted = await store.readShared(shard, PROMOTED_RUBRIC);
      const left = await redis.hlen(store.keys.shared(shard, RESCORE_ACCOUNTS));
      const unpublished = await redis.hlen(store.keys.shared(shard, OUTBOX));
      out.push({ service: layout.service, partition, epoch: Number(promoted.epoch ?? 0), source: promoted.source ?? "ICP_RUBRIC", hash: promoted.hash ?? null, left, unpublished });
    }
  }
  return out;
}

/**
 * The promoted rubric whose version hash is `hash`, as the fit and timing shards keep it in
 * Redis (the text `icp rubric promote` sent), parsed; undefined when no shard holds it (the
 * rubric the services started with, or a promotion since replaced everywhere).
 */
export async function promotedRubricByHash(redis: RedisClient, settings: Pick<LiveSettings, "redisPrefix" | "groupPrefix">, catalog: TopicCatalog, hash: string): Promise<{ rubric: Rubric; epoch: number; source: string } | undefined> {
  const store = new RedisPartitionStateStore(redis, { prefix: settings.redisPrefix });
  for (const layout of promotedServices(catalog, settings.groupPrefix)) {
    const pattern = store.keys.shardPattern({ group: layout.group, stream: layout.stream, partition: 0 }).replace(/:0\}:\*$/, ":*}:shared:rubric");
    for (const key of await scanKeys(redis, pattern)) {
      const stored = await redis.hgetall(key);
      if (stored.hash === hash && stored.text && stored.source && stored.epoch) {
        return { rubric: promotedRubric({ rubricText: stored.text, rubricSource: stored.source, rubricVersion: { hash }, epoch: Number(stored.epoch) }), epoch: Number(stored.epoch), source: stored.source };
      }
    }
  }
  return undefined;
}

/** The newest promotion on the rubric-control topic (0: none yet), read from every partition. */
async function newestPromotion(kafka: Kafka, codec: RegistryCodec, catalog: TopicCatalog, partitions: number, groupPrefix: string): Promise<number> {
  const read = partitionReader({ kafka, codec, logger: silentLogger(), groupPrefix: `${groupPrefix}icp-rubric` });
  let newest = 0;
  for (let partition = 0; partition < partitions; partition++) {
    await read(catalog.rubricControl, partition, (event) => {
      newest = Math.max(newest, event.epoch);
    });
  }
  return newest;
}

/** The combiner's inputs' high watermarks now: what fit and timing have published so far. */
async function combinerTargets(kafka: Kafka, layout: ServiceLayout): Promise<{ topic: string; partition: number; high: number }[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const out: { topic: string; partition: number; high: number }[] = [];
    for (const spec of layout.inputs) for (const w of await admin.fetchTopicOffsets(spec.topic)) out.push({ topic: spec.topic, partition: w.partition, high: Number(w.high) });
    return out;
  } finally {
    await admin.disconnect();
  }
}

/** Messages below `targets` the combiner has not applied yet (its stored offsets are in Redis, with its state). */
async function combinerBacklog(redis: RedisClient, layout: ServiceLayout, targets: readonly { topic: string; partition: number; high: number }[], settings: Pick<LiveSettings, "redisPrefix">): Promise<number> {
  const store = new RedisPartitionStateStore(redis, { prefix: settings.redisPrefix });
  let backlog = 0;
  for (const spec of layout.inputs) {
    const mine = targets.filter((t) => t.topic === spec.topic);
    const stored = await store.loadStoredOffsets(layout.group, spec.topic, mine.map((t) => t.partition), layout.stream);
    for (const t of mine) {
      const applied = stored.get(t.partition);
      backlog += Math.max(0, t.high - (applied === null || applied === undefined ? 0 : Number(applied) + 1));
    }
  }
  return backlog;
}

async function partitionCountOf(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
    const count = metadata?.topics[0]?.partitions.length ?? 0;
    if (count === 0) throw new CliError(`the topic ${topic} does not exist: is the stack up (npm run stack:up), and the topic prefix right (--topic-prefix)?`);
    return count;
  } finally {
    await admin.disconnect();
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * `icp rubric promote FILE` (and `rollback`, the same with an earlier file): makes FILE the
 * live rubric without stopping the pipeline; see HELP.
 */
export function addPromoteCommands(rubric: Command, io: CliIo): void {
  for (const name of ["promote", "rollback"] as const) {
    const command = rubric
      .command(name)
      .description(name === "promote" ? "make a rubric file the live one: fit and timing re-score every account with it, the combiner publishes the tier changes that follow" : "go back to an earlier rubric file: a promotion of that file (a new epoch), the same operation as promote")
      .argument("<file>", name === "promote" ? "the rubric to make live (YAML or JSON)" : "the earlier rubric file to make live again")
      .option("--no-wait", "do not follow the re-score")
      .option("--timeout <seconds>", "give up following after this long (the promotion goes on)", "600")
      .option("--interval <seconds>", "seconds between progress lines", "2")
      .addHelpText("after", HELP);
    addNamespaceOptions(command).action(async (file: string, options: PromoteOptions) => promote(io, file, options, name));
  }
  const status = rubric.command("status").description("which promotion each fit and timing partition scores with, and what is left to re-score");
  addNamespaceOptions(status).action(async (options: NamespaceOptions) => {
    const settings = await loadLiveSettings(options);
    const catalog = topicCatalog({ prefix: settings.topicPrefix });
    const kafka = createKafka({ ...settings.kafka, clientId: "icp-rubric" });
    const partitions = await partitionCountOf(kafka, catalog.rubricControl.topic);
    const redis = createRedisClient(settings.redis, { name: "icp-rubric", maxRetriesPerRequest: 1 });
    try {
      const rows = await readPromotionState(redis, settings, catalog, partitions);
      io.stdout(`${["service", "partition", "promotion", "rubric", "left to re-score", "unpublished"].join("\t")}\n`);
      for (const r of rows) io.stdout(`${[r.service, r.partition, r.epoch, r.epoch === 0 ? `ICP_RUBRIC (${settings.rubric})` : `${r.source} ${r.hash?.slice(0, 12) ?? ""}`, r.left, r.unpublished].join("\t")}\n`);
    } finally {
      redis.disconnect();
    }
  });
}

async function promote(io: CliIo, file: string, options: PromoteOptions, verb: "promote" | "rollback"): Promise<void> {
  const timeoutMs = Number(options.timeout) * 1000;
  const intervalMs = Number(options.interval) * 1000;
  if (!(timeoutMs > 0)) throw new CliError(`--timeout: expected a positive number of seconds, got ${JSON.stringify(options.timeout)}`);
  if (!(intervalMs > 0)) throw new CliError(`--interval: expected a positive number of seconds, got ${JSON.stringify(options.interval)}`);
  const text = await io.readText(file);
  const rubric = parseRubric(text, file);
  const settings = await loadLiveSettings(options);
  const catalog = topicCatalog({ prefix: settings.topicPrefix });
  const kafka = createKafka({ ...settings.kafka, clientId: "icp-rubric" });
  const partitions = await partitionCountOf(kafka, catalog.rubricControl.topic);
  const codec = new RegistryCodec(confluentRegistry({ url: settings.registryUrl }), { mode: "register" });
  const redis = createRedisClient(settings.redis, { name: "icp-rubric", maxRetriesPerRequest: 1 });
  try {
    // One more than the newest promotion the topic or any partition knows (the topic may have been recreated).
    const known = Math.max(0, ...(await readPromotionState(redis, settings, catalog, partitions)).map((r) => r.epoch));
    const epoch = Math.max(await newestPromotion(kafka, codec, catalog, partitions, settings.groupPrefix), known) + 1;

    const requestedAt = new Date().toISOString();
    const encoder = new EventEncoder(codec);
    const by = `${userInfo().username}@${hostname()}`;
    const records = [];
    for (let partition = 0; partition < partitions; partition++) {
      const event: RubricPromotedEventV1 = {
        type: "rubric_promoted",
        eventId: `promote:${epoch}:${partition}`,
        controlKey: controlKeyFor(partition, partitions),
        occurredAt: requestedAt,
        observedAt: requestedAt,
        source: "icp-rubric-promote",
        schemaVersion: 1,
        epoch,
        rubricVersion: { hash: rubric.version.hash, ...(rubric.version.label ? { label: rubric.version.label } : {}) },
        rubricText: text,
        rubricSource: file,
      };
      records.push({ partition, ...(await encoder.encode(catalog.rubricControl, event, { "icp.promoted-by": by })) });
    }
    const producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: catalogPartitioner, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    // Where each partition's record landed: a service that read past it without taking it refused it.
    const writtenAt = new Map<number, bigint>();
    try {
      const sent = await producer.send({ topic: catalog.rubricControl.topic, acks: -1, messages: records.map((r) => ({ partition: r.partition, key: r.key, value: r.value, headers: r.headers })) });
      for (const meta of sent) if (meta.baseOffset !== undefined) writtenAt.set(meta.partition, BigInt(meta.baseOffset));
    } finally {
      await producer.disconnect();
    }
    const started = Date.now();
    io.stdout(`${verb === "rollback" ? "rolled back to" : "promoted"} ${file} (${formatRubricVersion(rubric.version)}) as promotion ${epoch}, on ${partitions} partitions of ${catalog.rubricControl.topic}\n`);
    if (!options.wait) return;

    const interrupted = untilInterrupted();
    const store = new RedisPartitionStateStore(redis, { prefix: settings.redisPrefix });
    try {
      let switchedAt: number | null = null;
      let scoredAt: number | null = null;
      let targets: Awaited<ReturnType<typeof combinerTargets>> | null = null;
      const combiner = serviceLayout("combiner", catalog, settings.groupPrefix);
      let lastLine = 0;
      for (;;) {
        if (interrupted.signal.aborted) throw new CliError("stopped watching; the promotion goes on (icp rubric status shows where it is)");
        const elapsed = Date.now() - started;
        if (elapsed > timeoutMs) throw new CliError(`not done after ${seconds(elapsed)}; the promotion goes on (icp rubric status shows where it is). Are fit and timing running?`);
        // The control topic's offsets first, the partitions' promotions after: both are written in
        // one atomic step, so a partition past its record that still runs an older promotion refused it.
        const applied = new Map<string, Map<number, string | null>>();
        for (const layout of promotedServices(catalog, settings.groupPrefix)) applied.set(layout.service, await store.loadStoredOffsets(layout.group, catalog.rubricControl.topic, [...writtenAt.keys()], layout.stream));
        const rows = await readPromotionState(redis, settings, catalog, partitions);
        const replaced = rows.find((r) => r.epoch > epoch);
        if (replaced) throw new CliError(`${replaced.service} partition ${replaced.partition} runs promotion ${replaced.epoch} (${replaced.source}), a later one than this: another promotion replaced it`);
        const raced = rows.find((r) => r.epoch === epoch && r.hash !== rubric.version.hash);
        if (raced) throw new CliError(`${raced.service} partition ${raced.partition} took another rubric (${raced.source}) as promotion ${epoch}: two promotions were sent at once, and partitions may disagree. Promote the rubric you want again: the next promotion replaces both everywhere`);
        const refused = rows.find((r) => {
          const offset = applied.get(r.service)?.get(r.partition);
          const at = writtenAt.get(r.partition);
          return r.epoch < epoch && at !== undefined && offset !== null && offset !== undefined && BigInt(offset) >= at;
        });
        if (refused) throw new CliError(`${refused.service} partition ${refused.partition} read promotion ${epoch} and did not take it: it was dead-lettered (see ${catalog.rubricControl.deadLetterTopic} and the service's log: a rubric its engine version cannot load?)`);
        const onIt = rows.filter((r) => r.epoch === epoch);
        const left = rows.reduce((n, r) => n + r.left, 0);
        if (switchedAt === null && onIt.length === rows.length) switchedAt = Date.now();
        const rescored = switchedAt !== null && left === 0 && rows.every((r) => r.unpublished === 0);
        if (rescored && scoredAt === null) {
          scoredAt = Date.now();
          // What fit and timing had published once every account was re-scored: the combiner is done when it applied that.
          targets = await combinerTargets(kafka, combiner);
        }
        const backlog = targets === null ? null : await combinerBacklog(redis, combiner, targets, settings);
        if (backlog === 0) {
          io.stdout(`done in ${seconds(Date.now() - started)}: every fit and timing partition on promotion ${epoch} after ${seconds((switchedAt ?? started) - started)}, every account re-scored after ${seconds((scoredAt ?? started) - started)}, the combiner caught up after ${seconds(Date.now() - started)}\n`);
          return;
        }
        if (Date.now() - lastLine >= intervalMs) {
          lastLine = Date.now();
          const phase = backlog !== null ? `combiner: ${backlog} scores to apply` : `${onIt.length}/${rows.length} partitions on promotion ${epoch}, ${left} accounts left to re-score`;
          io.stdout(`  ${seconds(elapsed)}: ${phase}\n`);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } finally {
      interrupted.dispose();
    }
  } finally {
    redis.disconnect();
  }
}
