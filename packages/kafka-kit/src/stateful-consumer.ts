import type { Admin, Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage, Producer } from "kafkajs";
import type { Logger } from "pino";
import type { EventInputOf, EventOf, TopicSpec } from "@icpstream/contracts";
import type { PartitionStateStore, ShardRef, StateWrite } from "@icpstream/redis-kit";
import type { RegistryCodec } from "./codec.js";
import { coPartitionedAssigner } from "./co-partitioned-assigner.js";
import { deadLetterMessage } from "./dead-letter.js";
import type { MessageOrigin } from "./dead-letter.js";
import { classifyError } from "./errors.js";
import type { ClassifiedError } from "./errors.js";
import { EVENT_HEADERS } from "./producer.js";
import { withRetries } from "./retry.js";

/**
 * A consumer whose effects happen exactly once over Kafka's at-least-once delivery.
 *
 * Each run of consumed messages of a partition (a kafkajs batch, at most MAX_CHUNK) is
 * applied to Redis in one atomic step together with the offset of its last message and the
 * shard's fencing generation (`PartitionStateStore.apply`): messages at or below the stored
 * offset are dropped before anything is computed, so a redelivery changes nothing; a consumer that lost its partitions
 * (a zombie back from a pause) finds a newer generation and is refused. Offsets live only
 * in Redis, never in Kafka's group offsets, so the state and the position cannot disagree:
 * on assignment the consumer seeks to the stored offset + 1, or to the beginning when
 * Redis has nothing (which is how state is rebuilt from Kafka).
 *
 * Outputs go through an outbox in the same atomic step: the encoded messages are stored
 * with the state, published, then removed. A crash between the apply and the publish
 * leaves them in the outbox; whoever claims the shard next publishes them before anything
 * else. Outputs therefore are never lost and never recomputed with different content;
 * a crash after the publish but before the removal re-sends identical bytes, which
 * subscribers drop by event id (at-least-once, idempotent).
 *
 * Messages that cannot be decoded or that the handler rejects permanently go to the
 * topic's dead-letter topic with the reason, and their offset is recorded like any other,
 * so a poison message never stalls its partition.
 *
 * Catch-up (handlers that opt in with `catchUp`): when Redis lost what this shard had
 * applied — wiped, or back from an AOF whose tail was lost, which the apply detects as
 * `behind` — the consumer replays the partition, but the outputs of that replay would tell
 * subscribers a history they have partly heard already, with other intermediate steps. So a
 * shard claimed with nothing stored while its topics hold messages (target: their last
 * offsets now), or stored behind what this process applied (target: what it applied),
 * replays up to the target quietly: state is written, outputs are withheld, the accounts
 * touched are noted. Once every topic reached its target the handler settles each noted
 * account once (`catchUp.begin` → one result per account: e.g. the combiner compares with
 * the tier changes already published), through the outbox as usual. Targets and noted
 * accounts live in the shard, so a crash mid-catch-up resumes it. No clock ticks run on a
 * shard that is catching up.
 *
 * Several topics consumed together (timing: hiring, funding, intent) must be
 * co-partitioned; the co-partitioned assigner gives one member partition p of all of them,
 * and their state shares one shard (`stream`).
 */
export interface Output {
  spec: TopicSpec;
  event: unknown;
}

/** Typed helper to build an output: `output(TOPICS.tierChanged, event)` checks the event against the topic. */
export function output<T extends TopicSpec>(spec: T, event: EventInputOf<T>): Output {
  return { spec, event };
}

export interface HandlerResult {
  /** Fields to set / remove in the account's state hash. */
  state?: { set?: Record<string, string>; del?: string[] };
  outputs?: readonly Output[];
  /** When the account next needs a clock-driven re-evaluation (epoch ms); null unschedules; undefined leaves it. */
  scheduleAt?: number | null;
  /**
   * Shard-wide state by name (e.g. the router's round-robin cursors), written in the same
   * atomic step. The name `outbox` is reserved.
   */
  shared?: Readonly<Record<string, { set?: Record<string, string>; del?: string[] }>>;
}

export interface EventContext {
  shard: ShardRef;
  topic: string;
  partition: number;
  offset: string;
  /**
   * How far the shard has read its inputs, this message included: the sum over its topics
   * of (applied offset + 1). It grows with every message, and a replay of the same log
   * reaches the same value at the same point, so outputs can carry it to order themselves
   * where their instants are equal (a late duplicate from a fenced member then loses).
   */
  position: bigint;
  /** The service clock (epoch ms), read once per batch slice: its messages are decided at the instant it starts. */
  now: number;
  logger: Logger;
  /** Reads shard-wide state by name (see `HandlerResult.shared`). */
  readShared(name: string): Promise<Record<string, string>>;
}

export interface AccountContext {
  shard: ShardRef;
  now: number;
  logger: Logger;
  /** The shard's position: see `EventContext.position`. */
  position: bigint;
}

/** Settles one account after a quiet replay: its effects are written and its outputs published. */
export type CatchUpSettler = (accountKey: string, state: Record<string, string>, context: AccountContext) => HandlerResult | Promise<HandlerResult>;

export interface StatefulHandler<S extends TopicSpec> {
  /** Computes the effects of one event from the account's current state. Pure apart from `logger`. */
  onEvent(event: EventOf<S>, state: Record<string, string>, context: EventContext): HandlerResult | Promise<HandlerResult>;
  /** Clock-driven re-evaluation of an account whose scheduled time has come. */
  onDue?(accountKey: string, state: Record<string, string>, context: AccountContext): HandlerResult | Promise<HandlerResult>;
  /**
   * Opt-in quiet replay after lost state (see above). `begin` is called once per shard when
   * its replay reached the target, with every account the replay touched; the settler it
   * returns is called once per account, in slices.
   */
  catchUp?: {
    begin(shard: ShardRef, accountKeys: readonly string[], context: { now: number; logger: Logger }): CatchUpSettler | Promise<CatchUpSettler>;
  };
}

export interface StatefulConsumerHooks {
  onEventIn?(topic: string): void;
  onEventOut?(topic: string, count: number): void;
  onDeadLetter?(topic: string, failure: ClassifiedError): void;
  onProcessed?(topic: string, seconds: number): void;
  onLag?(topic: string, partition: number, lag: number): void;
  /** The group's new assignment for this member: topic → partitions. */
  onAssignment?(assignment: Readonly<Record<string, readonly number[]>>): void;
  /** A shard claimed in a quiet replay (detail: its topics with a target) or done with one (detail: accounts settled). */
  onCatchUp?(partition: number, phase: "started" | "settled", detail: number): void;
}

export interface StatefulConsumerOptions<S extends TopicSpec> {
  kafka: Kafka;
  producer: Producer;
  codec: RegistryCodec;
  store: PartitionStateStore;
  groupId: string;
  /** Input topics, co-partitioned when more than one. */
  inputs: readonly S[];
  /** The shard name for the input set (defaults to the single input's topic). */
  stream?: string;
  handler: StatefulHandler<S>;
  logger: Logger;
  /** The service clock, epoch ms (injectable so tests and demos can move time). */
  clock: () => number;
  /** How often owned shards are checked for due re-evaluations (default 1 s); 0 disables ticks. */
  tickIntervalMs?: number;
  /** Accounts re-evaluated per shard per tick at most (default 500). */
  dueBatchSize?: number;
  /** Attempts for a retryable failure of one message before the consumer stops on it (default 5). */
  maxAttempts?: number;
  retryDelayMs?: number;
  hooks?: StatefulConsumerHooks;
  /** Session timeout of the group member (default 30 s; fault tests use less). */
  sessionTimeoutMs?: number;
  /** Bytes per partition per fetch at most (kafkajs default 1 MiB): bounds the batch a fresh message waits behind. */
  maxBytesPerPartition?: number;
  /** Partitions worked on at once (default 6, the catalog's partition count). */
  partitionsConsumedConcurrently?: number;
}

const OUTBOX = "outbox";
/** Shard-wide hashes of a quiet replay: its target offsets (`<topic>` → offset) and the accounts it touched. */
const CATCHUP_TARGETS = "catchup";
const CATCHUP_ACCOUNTS = "catchup-accounts";
const RESERVED_SHARED = new Set([OUTBOX, CATCHUP_TARGETS, CATCHUP_ACCOUNTS]);
/**
 * Messages applied in one atomic step at most: bounds the Lua script's run (Redis does
 * nothing else meanwhile) and the outbox one send carries.
 */
const MAX_CHUNK = 500;
/** Bytes of outbox values per producer request: well under the broker's default 1 MiB request limit per partition batch. */
const MAX_SEND_BYTES = 256 * 1024;

interface ShardState {
  shard: ShardRef;
  generation: number;
  /** Stored offset per input topic (null: none yet). */
  offsets: Map<string, string | null>;
  fenced: boolean;
  /** An apply failed without an answer: reload the stored offsets before the next batch. */
  uncertain: boolean;
  /** A quiet replay in progress: topic → the offset to reach; null when none. */
  catchUp: Map<string, string> | null;
  /** Serialises message processing and clock ticks on one shard: one writer at a time. */
  queue: Promise<unknown>;
}

/** An outbox entry ready to send, kept beside its stored text so a send from memory needs no parsing. */
interface Sendable {
  topic: string;
  key: string;
  value: Buffer;
  headers: IHeaders;
}

interface OutboxEntry {
  topic: string;
  key: string;
  value: string; // base64
  headers: Record<string, string>;
}

class FencedError extends Error {
  constructor(shard: ShardRef, current: number, ours: number) {
    super(`shard ${shard.group}/${shard.stream}/${shard.partition} is held by generation ${current}; ours is ${ours}`);
  }
}

/** Σ (offset + 1) over the shard's topics, `override` taking the place of one topic's stored offset. */
const positionOf = (offsets: ReadonlyMap<string, string | null>, override?: { topic: string; offset: string }): bigint => {
  let sum = 0n;
  for (const [topic, stored] of offsets) {
    const offset = override && override.topic === topic ? override.offset : stored;
    if (offset !== null) sum += BigInt(offset) + 1n;
  }
  return sum;
};

function parseOutboxEntry(text: string): Sendable {
  const entry = JSON.parse(text) as OutboxEntry;
  return { topic: entry.topic, key: entry.key, value: Buffer.from(entry.value, "base64"), headers: entry.headers };
}

const reached = (stored: string | null | undefined, target: string) => stored !== null && stored !== undefined && BigInt(stored) >= BigInt(target);

export interface StatefulConsumer {
  consumer: Consumer;
  /** Shards currently owned (claimed and not fenced). */
  ownedShards(): ShardRef[];
  /** Runs one clock tick now on every owned shard (tests and demos that move the clock). */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

export async function runStatefulConsumer<S extends TopicSpec>(options: StatefulConsumerOptions<S>): Promise<StatefulConsumer> {
  const { kafka, producer, codec, store, groupId, handler, logger, clock, hooks = {} } = options;
  if (options.inputs.length === 0) throw new Error("a stateful consumer needs at least one input topic");
  const stream = options.stream ?? (options.inputs.length === 1 ? (options.inputs[0] as S).topic : undefined);
  if (!stream) throw new Error("several input topics need a `stream` name for their shared shard");
  const specsByTopic = new Map(options.inputs.map((spec) => [spec.topic, spec]));
  const maxAttempts = options.maxAttempts ?? 5;
  const retryDelayMs = options.retryDelayMs ?? 200;
  const dueBatchSize = options.dueBatchSize ?? 500;

  const consumer = kafka.consumer({
    groupId,
    partitionAssigners: [coPartitionedAssigner],
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: Math.min(3_000, Math.floor((options.sessionTimeoutMs ?? 30_000) / 3)),
    ...(options.maxBytesPerPartition ? { maxBytesPerPartition: options.maxBytesPerPartition } : {}),
  });
  const shards = new Map<number, ShardState>();
  /**
   * The last offset this process saw applied per `<topic>:<partition>`, across claims: a
   * shard claimed again whose stored offset is behind it lost acknowledged writes.
   */
  const appliedHere = new Map<string, string>();
  let admin: Admin | undefined;
  let stopping = false;

  // A new assignment: every shard must be claimed again before its next message.
  // Claimed at once rather than on the first batch, so that what the partitions hold when
  // the shard is taken over — the measure of a quiet replay — is what was there before this
  // member joined, not what arrived while its first fetch was on the way.
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    shards.clear();
    logger.info({ memberId: event.payload.memberId, assignment: event.payload.memberAssignment }, "joined group");
    hooks.onAssignment?.(event.payload.memberAssignment);
    const partitions = new Set(Object.values(event.payload.memberAssignment).flat());
    for (const partition of partitions) void shardFor(partition).catch((error: unknown) => logger.warn({ err: error, partition }, "claim on joining failed; retried on the partition's next batch"));
  });

  const serial = <R>(state: ShardState, work: () => Promise<R>): Promise<R> => {
    const next = state.queue.then(work, work);
    state.queue = next.catch(() => undefined);
    return next;
  };

  /**
   * Publishes outbox entries in order, then removes them. `written` is what an apply has
   * just stored (sent from memory); without it the outbox is read from Redis — on a claim,
   * and after a duplicate answer, when Redis holds what an earlier attempt stored. `ready`
   * holds the entries `encodeOutputs` made, decoded.
   */
  const flushOutbox = async (state: ShardState, written?: Readonly<Record<string, string>>, ready?: ReadonlyMap<string, Sendable>) => {
    const box = written ?? (await store.readShared(state.shard, OUTBOX));
    const names = Object.keys(box).sort();
    if (names.length === 0) return;
    // A batch's outbox can exceed what the broker takes in one request (message.max.bytes,
    // 1 MiB by default): sent in slices, in order (the producer has one request in flight).
    let byTopic = new Map<string, { key: string; value: Buffer; headers: IHeaders }[]>();
    let bytes = 0;
    const send = async () => {
      if (byTopic.size === 0) return;
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      for (const [topic, messages] of byTopic) hooks.onEventOut?.(topic, messages.length);
      byTopic = new Map();
      bytes = 0;
    };
    for (const name of names) {
      const entry = ready?.get(name) ?? parseOutboxEntry(box[name] as string);
      const value = entry.value;
      if (bytes + value.length > MAX_SEND_BYTES) await send();
      const list = byTopic.get(entry.topic) ?? [];
      list.push({ key: entry.key, value, headers: entry.headers });
      byTopic.set(entry.topic, list);
      bytes += value.length + entry.key.length;
    }
    await send();
    const cleared = await store.apply(state.shard, { generation: state.generation, writes: [{ hash: { shared: OUTBOX }, del: names }] });
    if (cleared.status === "fenced") throw new FencedError(state.shard, cleared.currentGeneration, state.generation);
  };

  /** The last offset of a partition now (null when it holds nothing). */
  const lastOffset = async (topic: string, partition: number): Promise<string | null> => {
    if (!admin) {
      admin = kafka.admin();
      await admin.connect();
    }
    const found = (await admin.fetchTopicOffsets(topic)).find((o) => o.partition === partition);
    if (!found || BigInt(found.high) <= BigInt(found.low)) return null;
    return (BigInt(found.high) - 1n).toString();
  };

  /**
   * Where a quiet replay of this shard must get to, per topic: what a crashed predecessor
   * set, else — nothing stored while the topic holds messages — its last offset, or — the
   * stored offset behind what this process applied — what it applied. Empty: no replay.
   */
  const catchUpTargets = async (shard: ShardRef, offsets: ReadonlyMap<string, string | null>): Promise<{ targets: Map<string, string>; fresh: boolean }> => {
    const targets = new Map<string, string>();
    const saved = await store.readShared(shard, CATCHUP_TARGETS);
    for (const [topic, offset] of Object.entries(saved)) if (specsByTopic.has(topic)) targets.set(topic, offset);
    let fresh = false;
    for (const [topic, stored] of offsets) {
      const here = appliedHere.get(`${topic}:${shard.partition}`);
      let target: string | null = null;
      if (here !== undefined && !reached(stored, here)) target = here;
      else if (stored === null) target = await lastOffset(topic, shard.partition);
      if (target === null || reached(stored, target)) continue;
      const before = targets.get(topic);
      if (before === undefined || BigInt(target) > BigInt(before)) {
        targets.set(topic, target);
        fresh = true;
      }
    }
    return { targets, fresh };
  };

  /** Claims a shard, publishes what a predecessor left in its outbox, and seeks to the stored offsets. */
  const claimShard = async (partition: number): Promise<ShardState> => {
    const shard: ShardRef = { group: groupId, stream, partition };
    const generation = await store.claim(shard);
    const offsets = new Map<string, string | null>();
    for (const topic of specsByTopic.keys()) {
      offsets.set(topic, (await store.loadStoredOffsets(groupId, topic, [partition], stream)).get(partition) ?? null);
    }
    const state: ShardState = { shard, generation, offsets, fenced: false, uncertain: false, catchUp: null, queue: Promise.resolve() };
    if (handler.catchUp) {
      const { targets, fresh } = await catchUpTargets(shard, offsets);
      if (targets.size > 0) {
        state.catchUp = targets;
        if (fresh) {
          const saved = await store.apply(shard, { generation, writes: [{ hash: { shared: CATCHUP_TARGETS }, set: Object.fromEntries(targets) }] });
          if (saved.status === "fenced") throw new FencedError(shard, saved.currentGeneration, generation);
          logger.warn({ partition, targets: Object.fromEntries(targets), stored: Object.fromEntries(offsets) }, "replaying quietly: the shard's stored state is behind its topics (Redis lost or wiped)");
        }
        hooks.onCatchUp?.(partition, "started", targets.size);
      }
    }
    await flushOutbox(state);
    await settleIfReached(state);
    for (const [topic, stored] of offsets) consumer.seek({ topic, partition, offset: stored === null ? "-2" : (BigInt(stored) + 1n).toString() });
    logger.info({ partition, generation, offsets: Object.fromEntries(offsets), ...(state.catchUp ? { catchUp: Object.fromEntries(state.catchUp) } : {}) }, "claimed shard");
    return state;
  };

  /**
   * Results decided for accounts outside any message (a clock tick, the end of a quiet
   * replay): their state, schedule and outputs, plus `extra` writes, in one fenced atomic
   * step with no offset; then the outputs are published.
   */
  const applyAccountResults = async (state: ShardState, results: readonly { accountKey: string; result: HandlerResult; outboxPrefix: string }[], extra: readonly StateWrite[] = []): Promise<void> => {
    const writes: StateWrite[] = [];
    const schedule: { accountKey: string; at: number | null }[] = [];
    const outbox: Record<string, string> = {};
    const ready = new Map<string, Sendable>();
    for (const { accountKey, result, outboxPrefix } of results) {
      Object.assign(outbox, await encodeOutputs(result.outputs, outboxPrefix, ready));
      writes.push(...writesFor(accountKey, { ...(result.state ? { state: result.state } : {}) }, {}));
      if (result.scheduleAt !== undefined) schedule.push({ accountKey, at: result.scheduleAt });
    }
    writes.push(...extra);
    if (Object.keys(outbox).length > 0) writes.push({ hash: { shared: OUTBOX }, set: outbox });
    const applied = await store.apply(state.shard, { generation: state.generation, writes, ...(schedule.length > 0 ? { schedule } : {}) });
    if (applied.status === "fenced") throw new FencedError(state.shard, applied.currentGeneration, state.generation);
    if (Object.keys(outbox).length > 0) await flushOutbox(state, outbox, ready);
  };

  /** Settles the shard's quiet replay once every topic reached its target (again after a failed attempt). */
  const settleIfReached = async (state: ShardState): Promise<void> => {
    const catchUp = state.catchUp;
    if (catchUp && [...catchUp].every(([topic, target]) => reached(state.offsets.get(topic), target))) await settleCatchUp(state);
  };

  /**
   * The end of a quiet replay: every account it touched is settled once by the handler,
   * in slices (state, schedule and outputs through the outbox, the account struck from the
   * list in the same step), then the targets go.
   */
  const settleCatchUp = async (state: ShardState): Promise<void> => {
    const catchUp = handler.catchUp;
    if (!catchUp || !state.catchUp) return;
    const accounts = Object.keys(await store.readShared(state.shard, CATCHUP_ACCOUNTS)).sort();
    const settler = await catchUp.begin(state.shard, accounts, { now: clock(), logger });
    for (let from = 0; from < accounts.length; from += MAX_CHUNK) {
      const slice = accounts.slice(from, from + MAX_CHUNK);
      const current = await store.read(state.shard, slice);
      const now = clock();
      const results = [];
      for (const [i, accountKey] of slice.entries()) {
        const result = await settler(accountKey, current.get(accountKey) ?? {}, { shard: state.shard, now, logger, position: positionOf(state.offsets) });
        results.push({ accountKey, result, outboxPrefix: `~catchup:${String(from + i).padStart(10, "0")}` });
      }
      await applyAccountResults(state, results, [{ hash: { shared: CATCHUP_ACCOUNTS }, del: slice }]);
    }
    const cleared = await store.apply(state.shard, { generation: state.generation, writes: [{ hash: { shared: CATCHUP_TARGETS }, del: [...state.catchUp.keys()] }] });
    if (cleared.status === "fenced") throw new FencedError(state.shard, cleared.currentGeneration, state.generation);
    state.catchUp = null;
    logger.info({ partition: state.shard.partition, accounts: accounts.length }, "quiet replay done: touched accounts settled");
    hooks.onCatchUp?.(state.shard.partition, "settled", accounts.length);
  };

  /**
   * The shard of a partition; `fresh` when it was claimed just now (its seek makes the batch
   * in hand stale). Claims are single-flight: batches of two co-partitioned topics of the
   * same partition may arrive at once, and two claims would fence each other.
   */
  const claiming = new Map<number, Promise<ShardState>>();
  const shardFor = async (partition: number): Promise<{ state: ShardState; fresh: boolean }> => {
    const known = shards.get(partition);
    if (known) return { state: known, fresh: false };
    let pending = claiming.get(partition);
    if (!pending) {
      pending = claimShard(partition).then((state) => {
        shards.set(partition, state);
        return state;
      });
      claiming.set(partition, pending);
      void pending.catch(() => undefined).finally(() => claiming.delete(partition));
    }
    return { state: await pending, fresh: true };
  };

  const encodeOutputs = async (outputs: readonly Output[] | undefined, fieldPrefix: string, ready: Map<string, Sendable>): Promise<Record<string, string>> => {
    const entries: Record<string, string> = {};
    for (const [index, out] of (outputs ?? []).entries()) {
      const encoded = await codec.encode(out.spec, out.event as never);
      const event = out.event as { type?: string; eventId?: string; schemaVersion?: number };
      const headers: Record<string, string> = {};
      if (event.type) headers[EVENT_HEADERS.type] = event.type;
      if (event.eventId) headers[EVENT_HEADERS.eventId] = event.eventId;
      if (event.schemaVersion !== undefined) headers[EVENT_HEADERS.schemaVersion] = String(event.schemaVersion);
      // Exactly JSON.stringify of an OutboxEntry, without scanning the base64 value (nothing in it to escape).
      const field = `${fieldPrefix}:${String(index).padStart(4, "0")}`;
      entries[field] = `{"topic":${JSON.stringify(out.spec.topic)},"key":${JSON.stringify(encoded.key)},"value":"${encoded.value.toString("base64")}","headers":${JSON.stringify(headers)}}`;
      ready.set(field, { topic: out.spec.topic, key: encoded.key, value: encoded.value, headers });
    }
    return entries;
  };

  const writesFor = (accountKey: string, result: HandlerResult, outbox: Record<string, string>): StateWrite[] => {
    const writes: StateWrite[] = [];
    if (result.state && (Object.keys(result.state.set ?? {}).length > 0 || (result.state.del ?? []).length > 0)) {
      writes.push({ hash: { account: accountKey }, ...(result.state.set ? { set: result.state.set } : {}), ...(result.state.del ? { del: result.state.del } : {}) });
    }
    for (const [name, change] of Object.entries(result.shared ?? {})) {
      if (RESERVED_SHARED.has(name)) throw new Error(`shared state may not be named ${name} (reserved)`);
      writes.push({ hash: { shared: name }, ...(change.set ? { set: change.set } : {}), ...(change.del ? { del: change.del } : {}) });
    }
    if (Object.keys(outbox).length > 0) writes.push({ hash: { shared: OUTBOX }, set: outbox });
    return writes;
  };

  const deadLetter = async (spec: TopicSpec, message: KafkaMessage, failure: ClassifiedError, origin: MessageOrigin, log: Logger) => {
    log.warn({ code: failure.code, reason: failure.message }, "dead-lettered");
    await producer.send({ topic: spec.deadLetterTopic, acks: -1, messages: [deadLetterMessage(message, failure, origin, new Date(clock()).toISOString())] });
    hooks.onDeadLetter?.(spec.topic, failure);
  };

  /**
   * A run of consecutive messages of one partition, as one unit: decode them all, read the
   * state of every account they touch in one round trip, compute them in order (a later
   * message of an account sees what its earlier one left, through `working`), apply every
   * write, the outbox and the offset of the last message in one atomic step, publish the
   * outbox in one send, and clear it. A message that is dead-lettered contributes nothing
   * but its offset, which the batch's offset covers. During a quiet replay outputs are not
   * even encoded, and the accounts touched are noted instead. Returns whether the shard is
   * still ours: "fenced" (another holder) or "behind" (Redis lost what we applied) say to
   * claim it again.
   */
  const processChunk = async (state: ShardState, spec: S, partition: number, chunk: readonly KafkaMessage[]): Promise<"ok" | "fenced" | "behind"> => {
    const started = performance.now();
    const appliedKey = `${spec.topic}:${partition}`;
    // An apply whose answer was lost may have landed: what Redis holds decides where we are.
    if (state.uncertain) {
      const stored = (await store.loadStoredOffsets(groupId, spec.topic, [partition], stream)).get(partition) ?? null;
      const here = appliedHere.get(appliedKey);
      if (here !== undefined && !reached(stored, here)) return "behind";
      state.offsets.set(spec.topic, stored);
      state.uncertain = false;
    }
    const stored = state.offsets.get(spec.topic) ?? null;
    const messages = stored === null ? chunk : chunk.filter((m) => BigInt(m.offset) > BigInt(stored));
    const last = messages.at(-1);
    if (!last) {
      await settleIfReached(state);
      return "ok";
    }
    const quiet = state.catchUp !== null;
    const touched = new Set<string>();

    const decoded: { message: KafkaMessage; event?: EventOf<S>; failure?: ClassifiedError }[] = [];
    for (const message of messages) {
      hooks.onEventIn?.(spec.topic);
      try {
        decoded.push({ message, event: await withRetries(() => codec.decode(spec, message.value, message.key), maxAttempts, retryDelayMs, logger) });
      } catch (error) {
        const failure = classifyError(error);
        if (failure.retryable) throw error;
        decoded.push({ message, failure });
      }
    }

    const accountKeys = [...new Set(decoded.flatMap((d) => (d.event ? [(d.event as unknown as { accountKey: string }).accountKey] : [])))];
    const working = accountKeys.length > 0 ? await store.read(state.shard, accountKeys) : new Map<string, Record<string, string>>();
    // Shard-wide state written earlier in this batch, seen by the later messages' readShared.
    const sharedWritten = new Map<string, { set: Record<string, string>; del: Set<string> }>();
    const readShared = async (name: string) => {
      const current = { ...(await store.readShared(state.shard, name)) };
      const written = sharedWritten.get(name);
      if (written) {
        for (const field of written.del) delete current[field];
        Object.assign(current, written.set);
      }
      return current;
    };
    const writes: StateWrite[] = [];
    const schedule: { accountKey: string; at: number | null }[] = [];
    const outboxEntries: Record<string, string> = {};
    const ready = new Map<string, Sendable>();
    const deadLetters: { message: KafkaMessage; failure: ClassifiedError; log: Logger }[] = [];

    const now = clock();
    for (const { message, event, failure } of decoded) {
      const messageLog = () => logger.child({ topic: spec.topic, partition, offset: message.offset, ...(event ? { eventId: (event as { eventId?: string }).eventId } : {}) });
      if (!event) {
        deadLetters.push({ message, failure: failure as ClassifiedError, log: messageLog() });
        continue;
      }
      const accountKey = (event as unknown as { accountKey: string }).accountKey;
      let result: HandlerResult;
      let outbox: Record<string, string>;
      try {
        let log: Logger | undefined;
        result = await handler.onEvent(event, working.get(accountKey) ?? {}, {
          shard: state.shard,
          topic: spec.topic,
          partition,
          offset: message.offset,
          position: positionOf(state.offsets, { topic: spec.topic, offset: message.offset }),
          now,
          // A child logger per message costs more than the rest of a cheap handler: made when used.
          get logger() {
            return (log ??= messageLog());
          },
          readShared,
        });
        outbox = quiet ? {} : await encodeOutputs(result.outputs, `${spec.topic}:${message.offset.padStart(20, "0")}`, ready);
      } catch (error) {
        const classified = classifyError(error);
        if (classified.retryable) throw error;
        deadLetters.push({ message, failure: classified, log: messageLog() });
        continue;
      }
      writes.push(...writesFor(accountKey, result, outbox));
      if (quiet) touched.add(accountKey);
      if (result.scheduleAt !== undefined) schedule.push({ accountKey, at: result.scheduleAt });
      Object.assign(outboxEntries, outbox);
      if (result.state) {
        const next = { ...(working.get(accountKey) ?? {}), ...(result.state.set ?? {}) };
        for (const field of result.state.del ?? []) delete next[field];
        working.set(accountKey, next);
      }
      for (const [name, change] of Object.entries(result.shared ?? {})) {
        const written = sharedWritten.get(name) ?? { set: {}, del: new Set<string>() };
        for (const [field, value] of Object.entries(change.set ?? {})) {
          written.del.delete(field);
          written.set[field] = value;
        }
        for (const field of change.del ?? []) {
          delete written.set[field];
          written.del.add(field);
        }
        sharedWritten.set(name, written);
      }
    }

    // Dead letters go out before the offset that covers them is recorded (a crash in between
    // sends them again: at-least-once, like every output).
    for (const { message, failure, log } of deadLetters) await deadLetter(spec, message, failure, { topic: spec.topic, partition, offset: message.offset, group: groupId }, log);

    if (touched.size > 0) writes.push({ hash: { shared: CATCHUP_ACCOUNTS }, set: Object.fromEntries([...touched].map((k) => [k, "1"])) });
    const source = { topic: spec.topic, offset: last.offset, after: stored };
    let applied: Awaited<ReturnType<PartitionStateStore["apply"]>>;
    try {
      applied = await withRetries(
        () => store.apply(state.shard, { generation: state.generation, source, writes, ...(schedule.length > 0 ? { schedule } : {}) }),
        maxAttempts,
        retryDelayMs,
        logger,
      );
    } catch (error) {
      state.uncertain = true;
      throw error;
    }
    if (applied.status === "fenced") return "fenced";
    if (applied.status === "behind") {
      logger.error({ topic: spec.topic, partition, stored: applied.storedOffset, expected: stored }, "Redis holds an older offset than this consumer applied (acknowledged writes lost): replaying from what it holds");
      return "behind";
    }
    if (applied.status === "duplicate" && BigInt(applied.storedOffset) < BigInt(last.offset)) {
      // Part of this batch was applied by an attempt we lost track of: redo it from what Redis holds.
      state.uncertain = true;
      throw new Error(`shard ${state.shard.group}/${state.shard.stream}/${partition}: ${spec.topic} stored at ${applied.storedOffset}, inside the batch ending at ${last.offset}`);
    }
    state.offsets.set(spec.topic, last.offset);
    appliedHere.set(appliedKey, last.offset);
    // Applied: the outbox holds exactly what this batch wrote. A duplicate is our own earlier
    // attempt whose answer was lost: whatever of this batch's outbox Redis still holds goes out.
    const fields = Object.keys(outboxEntries);
    if (fields.length > 0) {
      const flush =
        applied.status === "applied"
          ? () => flushOutbox(state, outboxEntries, ready)
          : async () => {
              const stored = await store.readShared(state.shard, OUTBOX);
              await flushOutbox(state, Object.fromEntries(fields.flatMap((f) => (stored[f] === undefined ? [] : [[f, stored[f] as string]]))));
            };
      await withRetries(flush, maxAttempts, retryDelayMs, logger);
    }
    const seconds = (performance.now() - started) / 1000 / messages.length;
    for (let i = 0; i < messages.length; i++) hooks.onProcessed?.(spec.topic, seconds);
    await settleIfReached(state);
    return "ok";
  };

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) => {
    const spec = specsByTopic.get(batch.topic);
    if (!spec) return;
    const { state, fresh } = await shardFor(batch.partition);
    if (fresh || state.fenced) return; // just claimed and sought, or lost: this batch is stale
    hooks.onLag?.(batch.topic, batch.partition, Number(batch.offsetLag()));
    for (let from = 0; from < batch.messages.length; from += MAX_CHUNK) {
      if (!isRunning() || isStale() || stopping) break;
      const chunk = batch.messages.slice(from, from + MAX_CHUNK);
      let outcome: "ok" | "fenced" | "behind";
      try {
        outcome = await serial(state, () => processChunk(state, spec, batch.partition, chunk));
      } catch (error) {
        if (error instanceof FencedError) outcome = "fenced";
        else throw error;
      }
      if (outcome !== "ok") {
        state.fenced = true;
        shards.delete(batch.partition);
        if (outcome === "fenced") logger.warn({ topic: batch.topic, partition: batch.partition, generation: state.generation }, "fenced: another consumer holds this shard; reclaiming on the next batch");
        return;
      }
      resolveOffset((chunk.at(-1) as KafkaMessage).offset);
      await heartbeat();
    }
  };

  /**
   * Re-evaluates due accounts on every owned shard; returns how many were re-evaluated. A
   * shard in a quiet replay gets no re-evaluation, but its settling is tried again if it
   * reached its targets and an earlier attempt failed (an idle shard has no batch to retry it).
   */
  const tick = async (): Promise<number> => {
    let count = 0;
    for (const state of [...shards.values()]) {
      if (state.fenced || stopping) continue;
      try {
        if (state.catchUp) {
          await serial(state, () => settleIfReached(state));
          continue;
        }
        if (!handler.onDue) continue;
        count += await serial(state, async () => {
          const now = clock();
          const due = await store.due(state.shard, now, dueBatchSize);
          if (due.length === 0) return 0;
          const current = await store.read(state.shard, due.map((d) => d.accountKey));
          const results = [];
          for (const { accountKey } of due) {
            const result = await handler.onDue!(accountKey, current.get(accountKey) ?? {}, { shard: state.shard, now, logger, position: positionOf(state.offsets) });
            // The due entry is spent: no new time unschedules the account.
            results.push({ accountKey, result: { ...result, scheduleAt: result.scheduleAt ?? null }, outboxPrefix: `~due:${String(now).padStart(15, "0")}:${accountKey}` });
          }
          await applyAccountResults(state, results);
          return due.length;
        });
      } catch (error) {
        if (error instanceof FencedError) {
          state.fenced = true;
          shards.delete(state.shard.partition);
          logger.warn({ partition: state.shard.partition }, "fenced during a clock tick");
        } else {
          logger.error({ err: error, partition: state.shard.partition }, "clock tick failed; retrying on the next tick");
        }
      }
    }
    return count;
  };

  await consumer.connect();
  for (const spec of options.inputs) await consumer.subscribe({ topic: spec.topic, fromBeginning: true });
  // Offsets are kept in Redis with the state; Kafka's group offsets are never committed.
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    // Shards are independent (each has its own serial queue), so partitions are worked on in
    // parallel; within a partition, messages stay in order.
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 6,
    eachBatch,
  });

  const tickIntervalMs = options.tickIntervalMs ?? 1_000;
  let ticking = false;
  const timer =
    tickIntervalMs > 0 && (handler.onDue || handler.catchUp)
      ? setInterval(() => {
          if (ticking) return;
          ticking = true;
          tick().finally(() => (ticking = false));
        }, tickIntervalMs)
      : undefined;

  return {
    consumer,
    ownedShards: () => [...shards.values()].filter((s) => !s.fenced).map((s) => s.shard),
    tick,
    stop: async () => {
      stopping = true;
      if (timer) clearInterval(timer);
      // kafkajs lets the batch in hand finish before it leaves the group.
      await consumer.disconnect();
      await Promise.all([...shards.values()].map((s) => s.queue));
      await admin?.disconnect().catch(() => undefined);
    },
  };
}
