import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KafkaMessage } from "kafkajs";
import { catalogTopics, deadLetterTopics, topicCatalog } from "@icpstream/contracts";
import type { AccountProfileEventV1, ContactEventV1, EventOf, OutcomeEventV1, SignalEventV1, TopicCatalog, TopicSpec } from "@icpstream/contracts";
import { confluentRegistry, ensureTopics, kafkaConnectionFromEnv, RegistryCodec } from "@icpstream/kafka-kit";
import { decodeCombinerState, decodeTimingState } from "@icpstream/pipeline";
import type { CombinerState } from "@icpstream/pipeline";
import { RedisPartitionStateStore, scanKeys } from "@icpstream/redis-kit";
import type { RedisClient, ShardRef } from "@icpstream/redis-kit";
import { loadRubricFile } from "@icpstream/service-runtime";
import type { Rubric } from "@icpstream/scoring";
import { connectSender, generateMarket } from "@icpstream/ingest";
import type { InputTopicId, KafkaSender } from "@icpstream/ingest";
import { connectionEnv, uniqueName, waitFor } from "@icpstream/testkit";
import type { StackFixture } from "@icpstream/testkit";
import { PROFILING, REPO_ROOT, ServiceProcess, type ExtraServiceName, type ProcessName, type ServiceName } from "./service-process.js";

export const RUBRIC_PATH = join(REPO_ROOT, "rubrics/enterprise.yaml");
export const DAY_MS = 86_400_000;

/** The input events of a seeded synthetic market, ready to send: what the oracle recomputes from. */
export interface Feed {
  profiles: AccountProfileEventV1[];
  /** Contact records (the fit service's second input). */
  contacts: ContactEventV1[];
  signals: { topic: InputTopicId; event: SignalEventV1 }[];
  /** The newest `occurredAt` of any event (epoch ms): the clock must be after it. */
  lastEventAt: number;
  size: number;
}

/** A seeded market's valid records (the generator's deliberately bad ones are the dead-letter tests' business). */
export function marketFeed(options: { seed: number; accounts: number; start: string; days: number }): Feed {
  const market = generateMarket(options);
  const signals = market.signals.flatMap((r) => (r.ok ? [{ topic: r.topic, event: r.event as SignalEventV1 }] : []));
  const lastEventAt = Math.max(...market.profiles.map((p) => Date.parse(p.occurredAt)), ...market.contacts.map((c) => Date.parse(c.occurredAt)), ...signals.map((s) => Date.parse(s.event.occurredAt)));
  return { profiles: market.profiles, contacts: market.contacts, signals, lastEventAt, size: market.profiles.length + market.contacts.length + signals.length };
}

/** What a service consumes and the shard stream its state lives under (see the services' main.ts). */
const SERVICE_INPUTS: Record<ServiceName, { inputs: (c: TopicCatalog) => TopicSpec[]; stream: (c: TopicCatalog) => string }> = {
  fit: { inputs: (c) => [c.firmographic, c.contacts, c.rubricControl], stream: (c) => c.firmographic.topic },
  timing: { inputs: (c) => [c.hiring, c.funding, c.intent, c.rubricControl], stream: () => "signals" },
  combiner: { inputs: (c) => [c.fitScored, c.timingScored], stream: () => "scores" },
};
export const SERVICES: readonly ServiceName[] = ["fit", "timing", "combiner"];

/** Where the pipeline stands: a snapshot polled until it is quiet. */
export interface Progress {
  quiet: boolean;
  /** High watermark per topic and partition: the same twice in a row means nothing new came in between. */
  signature: string;
  /** Why it is not quiet yet (for the timeout message). */
  pending: string[];
  /** Input messages applied per service (sum of stored offsets + 1). */
  applied: Record<ServiceName, number>;
}

/**
 * One isolated pipeline on the shared stack: its own topics (prefix), consumer groups
 * (prefix), Redis keys (the fixture's prefix) and clock file, the three services as child
 * processes, and the views a test needs of it — quiescence, the combiner's state, a topic
 * read from the beginning. Everything is torn down in the fixture's cleanup.
 */
export class Pipeline {
  readonly catalog: TopicCatalog;
  readonly groupPrefix = `${uniqueName("e2e")}.`;
  readonly dir: string;
  readonly clockFile: string;
  readonly rubric: Rubric = loadRubricFile(RUBRIC_PATH);
  readonly services: Record<ServiceName, ServiceProcess>;
  readonly store: RedisPartitionStateStore;
  private readonly redis: RedisClient;
  private readonly codec: RegistryCodec;
  private sender: KafkaSender | undefined;
  private clockMs = NaN;
  private readonly env: Record<string, string>;
  private readonly extras: ServiceProcess[] = [];
  private router: ServiceProcess | undefined;

  private constructor(
    private readonly stack: StackFixture,
    readonly partitions: number,
    tickIntervalMs: number,
    extraEnv: Record<string, string> = {},
  ) {
    const topicPrefix = `${uniqueName("e2e")}.`;
    this.catalog = topicCatalog({ prefix: topicPrefix, partitions });
    this.dir = mkdtempSync(join(tmpdir(), "icp-e2e-"));
    this.clockFile = join(this.dir, "clock");
    // As the services connect: one Redis, or a Redis Cluster client when the stack is one.
    this.redis = stack.redisClient();
    this.store = new RedisPartitionStateStore(this.redis, { prefix: stack.keyPrefix });
    this.codec = new RegistryCodec(confluentRegistry({ url: stack.settings.SCHEMA_REGISTRY_URL }), { mode: "register" });
    const env: Record<string, string> = {
      // The addresses, and a secured stack's credential and CA files.
      ...connectionEnv(stack.settings),
      ICP_TOPIC_PREFIX: topicPrefix,
      ICP_REDIS_PREFIX: stack.keyPrefix,
      ICP_GROUP_PREFIX: this.groupPrefix,
      ICP_RUBRIC: RUBRIC_PATH,
      ICP_CLOCK: `file:${this.clockFile}`,
      ICP_OPS_PORT: "0",
      // A SIGKILLed member holds its partitions until the session times out: keep that short.
      ICP_SESSION_TIMEOUT_MS: "6000",
      ICP_TICK_INTERVAL_MS: String(tickIntervalMs),
      // Benches compare fetch sizes by setting it in their own environment.
      ...(process.env.ICP_FETCH_MAX_BYTES_PER_PARTITION ? { ICP_FETCH_MAX_BYTES_PER_PARTITION: process.env.ICP_FETCH_MAX_BYTES_PER_PARTITION } : {}),
      LOG_LEVEL: "info",
      ...extraEnv,
    };
    this.env = env;
    this.services = { fit: new ServiceProcess("fit", env, this.dir), timing: new ServiceProcess("timing", env, this.dir), combiner: new ServiceProcess("combiner", env, this.dir) };
  }

  /** Creates the topics and the clock file; nothing runs yet. Cleanup kills the services and deletes the topics. */
  /** `env`: settings every service gets on top of the harness's own (e.g. ICP_RESCORE_SLICE_ACCOUNTS). */
  static async create(stack: StackFixture, options: { clock: number; partitions?: number; tickIntervalMs?: number; env?: Record<string, string> }): Promise<Pipeline> {
    const pipeline = new Pipeline(stack, options.partitions ?? 3, options.tickIntervalMs ?? 250, options.env);
    const admin = await stack.admin();
    await ensureTopics(admin, pipeline.catalog);
    await pipeline.codec.prepare(pipeline.catalog);
    pipeline.setClock(options.clock);
    stack.onCleanup(async () => {
      await admin.deleteTopics({ topics: [...catalogTopics(pipeline.catalog), ...deadLetterTopics(pipeline.catalog)].map((t) => t.topic) }).catch(() => undefined);
      if (process.env.ICP_E2E_KEEP_LOGS !== "1") rmSync(pipeline.dir, { recursive: true, force: true });
    });
    // Registered after the topic deletion, so it runs first (cleanups run in reverse).
    stack.onCleanup(async () => {
      await pipeline.sender?.close();
      // A profiled service writes its profile only when it exits by itself (SIGTERM).
      await Promise.all([...SERVICES.map((name) => (PROFILING ? pipeline.services[name].terminate().then(() => undefined) : pipeline.services[name].kill())), ...pipeline.extras.map((s) => s.kill())]);
    });
    return pipeline;
  }

  /** The connection and namespace settings the services run with: what the `icp` command needs to act on this pipeline. */
  settings(): Record<string, string> {
    return { ...this.env };
  }

  /** Moves every service's clock: the file is replaced in one rename, so no reader sees half of it. */
  setClock(ms: number): void {
    const next = join(this.dir, "clock.next");
    writeFileSync(next, `${new Date(ms).toISOString()}\n`);
    renameSync(next, this.clockFile);
    this.clockMs = ms;
  }

  get clock(): number {
    return this.clockMs;
  }

  /**
   * A service beside the three scoring ones, on the same topics, Redis prefix, group prefix
   * and clock, with `env` added (an ops port of its own…); not started. Killed at cleanup.
   */
  extraService(name: ExtraServiceName | ServiceName, env: Record<string, string> = {}, logName: string = name): ServiceProcess {
    const service = new ServiceProcess(name, { ...this.env, ...env }, this.dir, logName);
    this.extras.push(service);
    return service;
  }

  /** Sends outcome events (opportunities created, won, lost) to the pipeline's outcome topic. */
  async sendOutcomes(events: readonly OutcomeEventV1[]): Promise<void> {
    await this.send({});
    const sender = this.sender as KafkaSender;
    for (let i = 0; i < events.length; i += 500) await sender.send("outcome", events.slice(i, i + 500));
  }

  /**
   * Another process on this pipeline's topics and namespaces (the enrichment service, the
   * sample enrichment worker…), started now and killed at cleanup; `env` adds its own settings.
   */
  startProcess(name: ProcessName, options: { logName?: string; entry?: string; env?: Record<string, string> } = {}): ServiceProcess {
    const process = new ServiceProcess(name, { ...this.env, ...options.env }, this.dir, options.logName ?? name, options.entry);
    this.stack.onCleanup(() => process.kill());
    process.start();
    return process;
  }

  /**
   * The router on this pipeline's topics (shipped routing rules, no webhooks), started on the
   * first call; killed with the services at cleanup. Its actions land on the routing-actions topic.
   */
  startRouter(): ServiceProcess {
    if (!this.router) {
      const router = new ServiceProcess("router", this.env, this.dir);
      this.router = router;
      this.stack.onCleanup(() => router.kill());
      router.start();
    }
    return this.router;
  }

  startAll(): void {
    for (const name of SERVICES) this.services[name].start();
  }

  async waitUntilRunning(names: readonly ServiceName[] = SERVICES, timeoutMs = 60_000): Promise<void> {
    await waitFor(
      () => {
        for (const name of names) this.services[name].assertAlive();
        return names.every((name) => this.services[name].isRunning());
      },
      { timeoutMs, intervalMs: 200, what: `${names.join(", ")} running` },
    );
  }

  /** Sends events through the ingest producer (registry-encoded, keyed by account, acknowledged by all replicas). */
  async send(feed: { profiles?: readonly AccountProfileEventV1[]; contacts?: readonly ContactEventV1[]; signals?: readonly { topic: InputTopicId; event: SignalEventV1 }[] }): Promise<void> {
    this.sender ??= await connectSender({
      ...kafkaConnectionFromEnv(connectionEnv(this.stack.settings)),
      registryUrl: this.stack.settings.SCHEMA_REGISTRY_URL,
      clientId: uniqueName("e2e-feed"),
      schemaMode: "register",
      catalog: this.catalog,
    });
    const sender = this.sender;
    const profiles = feed.profiles ?? [];
    for (let i = 0; i < profiles.length; i += 500) await sender.send("firmographic", profiles.slice(i, i + 500));
    const contacts = feed.contacts ?? [];
    for (let i = 0; i < contacts.length; i += 500) await sender.send("contacts", contacts.slice(i, i + 500));
    const byTopic = new Map<InputTopicId, SignalEventV1[]>();
    for (const { topic, event } of feed.signals ?? []) byTopic.set(topic, [...(byTopic.get(topic) ?? []), event]);
    for (const [topic, events] of byTopic) for (let i = 0; i < events.length; i += 500) await sender.send(topic, events.slice(i, i + 500));
  }

  private shard(name: ServiceName, partition: number): ShardRef {
    return { group: `${this.groupPrefix}${name}`, stream: SERVICE_INPUTS[name].stream(this.catalog), partition };
  }

  private partitionList(): number[] {
    return Array.from({ length: this.partitions }, (_, p) => p);
  }

  /** High watermarks (next offset) per partition of a topic. */
  async highWatermarks(topic: string): Promise<number[]> {
    const offsets = await (await this.stack.admin()).fetchTopicOffsets(topic);
    const out = new Array<number>(this.partitions).fill(0);
    for (const o of offsets) out[o.partition] = Number(o.high);
    return out;
  }

  /**
   * One look at the pipeline. Quiet when every service has applied every message of its
   * inputs (stored offset = high watermark − 1), every outbox is empty, no decay
   * re-evaluation is due at the current clock, and nothing was dead-lettered.
   */
  async progress(): Promise<Progress> {
    const pending: string[] = [];
    const applied = { fit: 0, timing: 0, combiner: 0 } as Record<ServiceName, number>;
    const marks = new Map<string, number[]>();
    for (const spec of catalogTopics(this.catalog)) marks.set(spec.topic, await this.highWatermarks(spec.topic));
    for (const name of SERVICES) {
      for (const spec of SERVICE_INPUTS[name].inputs(this.catalog)) {
        const stored = await this.store.loadStoredOffsets(`${this.groupPrefix}${name}`, spec.topic, this.partitionList(), SERVICE_INPUTS[name].stream(this.catalog));
        const high = marks.get(spec.topic) ?? [];
        for (const p of this.partitionList()) {
          const offset = stored.get(p);
          const done = offset === null || offset === undefined ? 0 : Number(offset) + 1;
          applied[name] += done;
          if (done !== (high[p] ?? 0)) pending.push(`${name} ${spec.topic}[${p}] at ${done}/${high[p]}`);
        }
      }
      for (const p of this.partitionList()) {
        const outbox = Object.keys(await this.store.readShared(this.shard(name, p), "outbox")).length;
        if (outbox > 0) pending.push(`${name} outbox[${p}] holds ${outbox}`);
        const rescore = Object.keys(await this.store.readShared(this.shard(name, p), "rescore-accounts")).length;
        if (rescore > 0) pending.push(`${name} re-score[${p}]: ${rescore} accounts left`);
      }
    }
    for (const p of this.partitionList()) {
      const due = await this.store.due(this.shard("timing", p), this.clockMs, 1);
      if (due.length > 0) pending.push(`timing decay due[${p}] (${due[0]?.accountKey})`);
    }
    let deadLettered = 0;
    for (const dead of deadLetterTopics(this.catalog)) deadLettered += (await this.highWatermarks(dead.topic)).reduce((a, b) => a + b, 0);
    const signature = JSON.stringify([...marks]) + `|dead=${deadLettered}`;
    return { quiet: pending.length === 0, signature, pending, applied };
  }

  /** Waits until two looks a moment apart are both quiet and saw the same topics (no output was still on its way). */
  async waitForQuiescence(options: { timeoutMs: number; what: string }): Promise<Progress> {
    let previous: Progress | undefined;
    let last: Progress | undefined;
    try {
      return await waitFor(
        async () => {
          for (const name of SERVICES) this.services[name].assertAlive();
          const now = await this.progress();
          last = now;
          const settled = now.quiet && previous?.quiet === true && previous.signature === now.signature;
          previous = now;
          return settled ? now : undefined;
        },
        { timeoutMs: options.timeoutMs, intervalMs: 400, what: options.what },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; still pending: ${last?.pending.slice(0, 12).join("; ") ?? "?"}`, { cause: error });
    }
  }

  /** Events sent to any dead-letter topic (input or internal): at quiescence there must be none. */
  async deadLettered(): Promise<number> {
    let total = 0;
    for (const dead of deadLetterTopics(this.catalog)) total += (await this.highWatermarks(dead.topic)).reduce((a, b) => a + b, 0);
    return total;
  }

  private async scanStates(name: ServiceName, field: string): Promise<string[]> {
    const redis = this.redis;
    const out: string[] = [];
    for (const p of this.partitionList()) {
      const shard = this.shard(name, p);
      const stateKeyStart = this.store.keys.state(shard, "");
      // A shard's keys share one hash tag: on a Redis Cluster they live in one slot, so one pipeline reads them.
      const stateKeys = (await scanKeys(redis, this.store.keys.shardPattern(shard))).filter((k) => k.startsWith(stateKeyStart));
      for (let i = 0; i < stateKeys.length; i += 1000) {
        const pipeline = redis.pipeline();
        for (const key of stateKeys.slice(i, i + 1000)) pipeline.hget(key, field);
        for (const [error, value] of (await pipeline.exec()) ?? []) {
          if (error) throw error;
          if (typeof value === "string") out.push(value);
        }
      }
    }
    return out;
  }

  /** Every account's combiner state, as the combiner stored it. */
  async combinerStates(): Promise<CombinerState[]> {
    return (await this.scanStates("combiner", "combiner")).map((json) => decodeCombinerState(json));
  }

  /** One account's timing state (for a mismatch report). */
  async timingStateOf(accountKey: string): Promise<unknown> {
    for (const json of await this.scanStates("timing", "timing")) {
      const state = decodeTimingState(json);
      if (state.accountKey === accountKey) return state;
    }
    return undefined;
  }

  /** Reads a topic from the beginning to its current end: raw bytes and the decoded event of every message. */
  async readTopic<T extends TopicSpec>(spec: T, timeoutMs = 60_000): Promise<{ partition: number; offset: string; value: Buffer; event: EventOf<T> }[]> {
    const high = await this.highWatermarks(spec.topic);
    const total = high.reduce((a, b) => a + b, 0);
    const seen: { partition: number; offset: string; value: Buffer; event: EventOf<T> }[] = [];
    if (total === 0) return seen;
    // By (partition, offset): a rebalance of the reader's own group (its coordinator moving
    // after a broker failed, say) delivers some messages again, and a count alone would then
    // stop before every partition was read.
    const raw = new Map<string, { partition: number; message: KafkaMessage }>();
    const reached = new Map<number, number>();
    const consumer = this.stack.kafka.consumer({ groupId: uniqueName("e2e-reader"), maxBytesPerPartition: 4 * 1024 * 1024 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: spec.topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          raw.set(`${partition}@${message.offset}`, { partition, message });
          reached.set(partition, Math.max(reached.get(partition) ?? -1, Number(message.offset)));
        },
      });
      await waitFor(() => high.every((h, p) => h === 0 || (reached.get(p) ?? -1) >= h - 1), { timeoutMs, intervalMs: 100, what: `${total} messages of ${spec.topic}` });
    } finally {
      await consumer.disconnect();
    }
    for (const { partition, message } of [...raw.values()].sort((a, b) => a.partition - b.partition || Number(a.message.offset) - Number(b.message.offset))) {
      if (Number(message.offset) >= (high[partition] ?? 0)) continue;
      const value = message.value ?? Buffer.alloc(0);
      seen.push({ partition, offset: message.offset, value, event: await this.codec.decode(spec, value, message.key) });
    }
    return seen;
  }

  /** The last lines each service logged: printed when a test fails. */
  logTails(lines = 25): string {
    return SERVICES.map((name) => this.services[name].tail(lines)).join("\n\n");
  }
}
