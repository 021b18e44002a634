import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from "kafkajs";
import type { Logger } from "pino";
import type { TopicSpec } from "@icpstream/contracts";
import type { PartitionStateStore, ShardRef } from "@icpstream/redis-kit";
import { brokerMetadata } from "./broker-metadata.js";
import type { RegistryCodec } from "./codec.js";
import { coPartitionedAssigner } from "./co-partitioned-assigner.js";
import { deadLetterSender } from "./dead-letter.js";
import { batchApplier, type ApplyBatch, type BatchOutcome } from "./stateful/apply-batch.js";
import { accountResultsApplier } from "./stateful/apply-results.js";
import { ShardTable } from "./stateful/claim-and-fence.js";
import type { StatefulConsumerHooks, StatefulHandler } from "./stateful/handler.js";
import { assignedLag, type PartitionLag } from "./stateful/lag.js";
import { createOutbox } from "./stateful/publish-outbox.js";
import { createQuietReplay } from "./stateful/replay-quietly.js";
import { createShardRescore } from "./stateful/rescore-shard.js";
import { AppliedHere, FencedError, MAX_CHUNK, serial, type ShardState } from "./stateful/shard.js";
import { clockTick, startTicking } from "./stateful/tick-clock.js";

export * from "./stateful/handler.js";
export { OUTBOX, RESCORE_ACCOUNTS } from "./stateful/shard.js";
export type { PartitionLag } from "./stateful/lag.js";

/**
 * A consumer whose effects happen exactly once over Kafka's at-least-once delivery.
 *
 * Each run of consumed messages of a partition is applied to Redis in one atomic step
 * together with the offset of its last message and the shard's fencing generation; outputs
 * go through an outbox in the same step. This file only wires the rooms of the core, one
 * file per step under `stateful/`, each with the port it needs:
 *
 * - `claim-and-fence.ts` — a shard is claimed (a new generation fences every earlier holder)
 *   when the group assigns its partition; the consumer seeks to the stored offsets;
 * - `apply-batch.ts` — decode, compute in order, apply state + outbox + offset atomically;
 *   redeliveries are dropped by offset, poison messages dead-lettered;
 * - `publish-outbox.ts` — outputs published from the outbox, then removed; a successor
 *   publishes what a crash left there;
 * - `replay-quietly.ts` — after lost state, a replay writes state and withholds outputs,
 *   then settles each touched account once;
 * - `tick-clock.ts` — clock-driven re-evaluation of due accounts;
 * - `apply-results.ts` — results decided outside a message (ticks, settlements) applied;
 * - `shard.ts` — the shard as this member holds it, fencing, position; `handler.ts` — the
 *   port a service implements; `lag.ts` — lag against the high watermark, for readiness.
 *
 * Offsets live only in Redis, never in Kafka's group offsets, so the state and the position
 * cannot disagree. Several topics consumed together (timing: hiring, funding, intent) must
 * be co-partitioned; the co-partitioned assigner gives one member partition p of all of
 * them, and their state shares one shard (`stream`).
 */
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

export interface StatefulConsumer {
  consumer: Consumer;
  /** Shards currently owned (claimed and not fenced). */
  ownedShards(): ShardRef[];
  /**
   * Every assigned partition's lag against its high watermark, read from the broker now;
   * null before the group assigned this member anything. Rejects when the broker does not
   * answer (its watermarks are read whatever the assignment).
   */
  lag(): Promise<PartitionLag[] | null>;
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
  const retry = { maxAttempts: options.maxAttempts ?? 5, delayMs: options.retryDelayMs ?? 200 };

  const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
  const consumer = kafka.consumer({
    groupId,
    partitionAssigners: [coPartitionedAssigner],
    sessionTimeout,
    heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 3)),
    ...(options.maxBytesPerPartition ? { maxBytesPerPartition: options.maxBytesPerPartition } : {}),
  });
  const broker = brokerMetadata(kafka);
  const appliedHere = new AppliedHere();
  let stopping = false;
  let assignment: Readonly<Record<string, readonly number[]>> | null = null;

  // The rooms, each given the ports it needs.
  const outbox = createOutbox({ store, producer, codec, hooks });
  const applyResults = accountResultsApplier({ store, outbox });
  const replay = createQuietReplay({ store, handler, topics: new Set(specsByTopic.keys()), broker, appliedHere, applyResults, clock, logger, hooks });
  // Late-bound: the rescore lets a fenced shard go through the shard table, which kicks it on claims.
  let release = (_state: ShardState): void => undefined;
  const rescore = createShardRescore({ store, handler, applyResults, clock, logger, hooks, stopping: () => stopping, release: (state) => release(state) });
  const shards = new ShardTable({ groupId, stream, topics: [...specsByTopic.keys()], store, broker, replay, rescore, outbox, seek: (topic, partition, offset) => consumer.seek({ topic, partition, offset }), logger });
  release = (state) => shards.release(state);
  const deadLetter = deadLetterSender({ producer, now: clock, onDeadLetter: (failure, origin) => hooks.onDeadLetter?.(origin.topic, failure) });
  const applyBatch = batchApplier<S>({ groupId, stream, store, codec, handler, deadLetter, outbox, replay, rescore, appliedHere, clock, logger, hooks, retry });
  const tick = clockTick({ store, handler, shards, applyResults, replay, rescore, clock, logger, dueBatchSize: options.dueBatchSize ?? 500, stopping: () => stopping });

  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    const memberAssignment = event.payload.memberAssignment;
    logger.info({ memberId: event.payload.memberId, assignment: memberAssignment }, "joined group");
    assignment = memberAssignment;
    broker.forget();
    hooks.onAssignment?.(memberAssignment);
    shards.reassign(new Set(Object.values(memberAssignment).flat()));
  });

  const eachBatch = batchLoop({ specsByTopic, shards, applyBatch, logger, hooks, stopping: () => stopping });

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
  const stopTicking = tickIntervalMs > 0 && (handler.onDue || handler.catchUp || handler.rescore) ? startTicking(tick, tickIntervalMs) : undefined;

  return {
    consumer,
    ownedShards: () => shards.held().filter((s) => !s.fenced).map((s) => s.shard),
    lag: async () => {
      const lags = await assignedLag([...specsByTopic.keys()], assignment ?? {}, shards, broker);
      return assignment === null ? null : lags;
    },
    tick,
    stop: async () => {
      stopping = true;
      stopTicking?.();
      // kafkajs lets the batch in hand finish before it leaves the group.
      await consumer.disconnect();
      await rescore.idle();
      await Promise.all(shards.held().map((s) => s.queue));
      await broker.close();
    },
  };
}

/**
 * kafkajs's `eachBatch`: a batch of a partition whose shard is held goes through `applyBatch`
 * in slices of MAX_CHUNK, in the shard's serial queue, each slice's offset resolved once
 * applied (kafkajs's in-memory position only: nothing is committed to Kafka). A batch for a
 * shard claimed just now is stale (the claim sought the stored offsets) and is dropped; a
 * shard found fenced or behind is let go, to be claimed again on its next batch.
 */
function batchLoop<S extends TopicSpec>(ports: {
  specsByTopic: ReadonlyMap<string, S>;
  shards: ShardTable;
  applyBatch: ApplyBatch<S>;
  logger: Logger;
  hooks: StatefulConsumerHooks;
  stopping(): boolean;
}): (payload: EachBatchPayload) => Promise<void> {
  const { shards, logger, hooks } = ports;
  return async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
    const spec = ports.specsByTopic.get(batch.topic);
    if (!spec) return;
    const { state, fresh } = await shards.shardFor(batch.partition);
    if (fresh || state.fenced) return; // just claimed and sought, or lost: this batch is stale
    hooks.onLag?.(batch.topic, batch.partition, Number(batch.offsetLag()));
    for (let from = 0; from < batch.messages.length; from += MAX_CHUNK) {
      if (!isRunning() || isStale() || ports.stopping()) break;
      const chunk = batch.messages.slice(from, from + MAX_CHUNK);
      let outcome: BatchOutcome;
      try {
        outcome = await serial(state, () => ports.applyBatch(state, spec, batch.partition, chunk));
      } catch (error) {
        if (error instanceof FencedError) outcome = "fenced";
        else throw error;
      }
      if (outcome !== "ok") {
        shards.release(state);
        if (outcome === "fenced") logger.warn({ topic: batch.topic, partition: batch.partition, generation: state.generation }, "fenced: another consumer holds this shard; reclaiming on the next batch");
        return;
      }
      resolveOffset((chunk.at(-1) as KafkaMessage).offset);
      await heartbeat();
    }
  };
}
