import type { KafkaMessage } from "kafkajs";
import type { Logger } from "pino";
import type { EventOf, TopicSpec } from "@icpstream/contracts";
import type { PartitionStateStore, StateWrite } from "@icpstream/redis-kit";
import type { RegistryCodec } from "../codec.js";
import type { DeadLetterSender } from "../dead-letter.js";
import { decodeMessage, type DecodeRetry } from "../decode-message.js";
import { classifyError, KafkaKitError, type ClassifiedError } from "../errors.js";
import { withRetries } from "../retry.js";
import { writesFor } from "./apply-results.js";
import type { HandlerResult, Output, StatefulConsumerHooks, StatefulHandler } from "./handler.js";
import type { Outbox, Sendable } from "./publish-outbox.js";
import type { QuietReplay } from "./replay-quietly.js";
import type { ShardRescore } from "./rescore-shard.js";
import type { AppliedHere } from "./shard.js";
import { CATCHUP_ACCOUNTS, OUTBOX, positionOf, reached, RESCORE_ACCOUNTS, type ShardState } from "./shard.js";

/**
 * Room: apply a batch.
 *
 * A run of consecutive messages of one partition (at most MAX_CHUNK) is one unit, in three
 * steps: decode them all (`decodeChunk`; what cannot be used is set aside for the dead-letter
 * topic), compute their effects in order from the state of every account they touch, read in
 * one round trip (`computeChunk`; a later message of an account sees what its earlier one
 * left), and apply every write, the outbox and the offset of the last message in one atomic
 * step, then publish the outbox (`commitChunk`).
 *
 * Coalescing, as Kafka Streams' record cache does: the writes of an account are merged into
 * one per hash (the last value of each field wins), and of the outputs that share a topic and
 * a coalesce key (`Output.coalesceKey`: the same account's score for the same scorecard) only
 * the chunk's last is encoded and published — the earlier ones are states the later one
 * replaces, so what downstream ends with is the same and it has less to read. A move undone
 * inside one chunk is therefore never told on a coalesced topic; outputs without a key (tier
 * changes, routing actions) are all told. An output replaced inside the chunk is never
 * encoded, so never checked against its contract. Encoding is deferred to the chunk's end for this;
 * should an output fail to encode there (a contract our own code broke), the chunk is
 * decided again without coalescing, so the message at fault is dead-lettered alone, as
 * before. Messages at or below the stored offset are
 * dropped before anything is computed, so a redelivery changes nothing. A dead-lettered
 * message contributes nothing but its offset, which the batch's offset covers, so a poison
 * message never stalls its partition. During a quiet replay outputs are not even encoded,
 * and the accounts touched are noted instead.
 */
export interface BatchPorts<S extends TopicSpec> {
  groupId: string;
  stream: string;
  store: Pick<PartitionStateStore, "read" | "readShared" | "apply" | "loadStoredOffsets" | "accountKeys">;
  codec: Pick<RegistryCodec, "decode">;
  handler: Pick<StatefulHandler<S>, "onEvent" | "onControl">;
  deadLetter: DeadLetterSender;
  outbox: Pick<Outbox, "encode" | "flush" | "flushStored">;
  replay: Pick<QuietReplay, "settleIfReached">;
  rescore: Pick<ShardRescore, "kick">;
  appliedHere: AppliedHere;
  clock: () => number;
  logger: Logger;
  hooks: Pick<StatefulConsumerHooks, "onEventIn" | "onProcessed">;
  retry: DecodeRetry;
}

/**
 * Whether the shard is still ours after a batch: "fenced" (another holder) or "behind"
 * (Redis lost what we applied) say to claim it again.
 */
export type BatchOutcome = "ok" | "fenced" | "behind";

export type ApplyBatch<S extends TopicSpec> = (state: ShardState, spec: S, partition: number, chunk: readonly KafkaMessage[]) => Promise<BatchOutcome>;

interface Decoded<S extends TopicSpec> {
  message: KafkaMessage;
  event?: EventOf<S>;
  failure?: ClassifiedError;
}

/** Encoding a deferred output failed: decide the chunk again without coalescing. */
class CoalescedEncodeFailed extends Error {}

/**
 * The writes of a chunk with one write per hash: sets and deletes applied in order, so a
 * field set by one message and deleted by a later one is deleted, and the other way round.
 */
export function mergeWrites(writes: readonly StateWrite[]): StateWrite[] {
  const merged = new Map<string, { hash: StateWrite["hash"]; set: Map<string, string>; del: Set<string> }>();
  for (const write of writes) {
    const id = "account" in write.hash ? `a:${write.hash.account}` : `s:${write.hash.shared}`;
    let into = merged.get(id);
    if (!into) {
      into = { hash: write.hash, set: new Map(), del: new Set() };
      merged.set(id, into);
    }
    for (const [field, value] of Object.entries(write.set ?? {})) {
      into.set.set(field, value);
      into.del.delete(field);
    }
    for (const field of write.del ?? []) {
      into.set.delete(field);
      into.del.add(field);
    }
  }
  return [...merged.values()].map(({ hash, set, del }) => ({ hash, ...(set.size > 0 ? { set: Object.fromEntries(set) } : {}), ...(del.size > 0 ? { del: [...del] } : {}) }));
}

/** What a chunk's messages decided, ready for one atomic apply. */
interface ChunkEffects {
  writes: StateWrite[];
  schedule: { accountKey: string; at: number | null }[];
  outbox: Record<string, string>;
  ready: Map<string, Sendable>;
  deadLetters: { message: KafkaMessage; failure: ClassifiedError; log: Logger }[];
  /** A control record asked for every account of the shard to be re-decided. */
  rescore: boolean;
}

const accountOf = (event: unknown) => (event as { accountKey: string }).accountKey;

/**
 * Shard-wide state as the later messages of a chunk must see it: what Redis holds, with what
 * earlier messages of the same chunk set or removed (not yet applied) laid over it.
 */
class SharedOverlay {
  private readonly written = new Map<string, { set: Record<string, string>; del: Set<string> }>();
  constructor(private readonly load: (name: string) => Promise<Record<string, string>>) {}

  async read(name: string): Promise<Record<string, string>> {
    const current = { ...(await this.load(name)) };
    const written = this.written.get(name);
    if (written) {
      for (const field of written.del) delete current[field];
      Object.assign(current, written.set);
    }
    return current;
  }

  record(changes: HandlerResult["shared"]): void {
    for (const [name, change] of Object.entries(changes ?? {})) {
      const written = this.written.get(name) ?? { set: {}, del: new Set<string>() };
      for (const [field, value] of Object.entries(change.set ?? {})) {
        written.del.delete(field);
        written.set[field] = value;
      }
      for (const field of change.del ?? []) {
        delete written.set[field];
        written.del.add(field);
      }
      this.written.set(name, written);
    }
  }
}

export function batchApplier<S extends TopicSpec>(ports: BatchPorts<S>): ApplyBatch<S> {
  const { store, logger, hooks } = ports;

  const decodeChunk = async (state: ShardState, spec: S, partition: number, messages: readonly KafkaMessage[]): Promise<Decoded<S>[]> => {
    const partitionCount = state.partitionCounts.get(spec.topic);
    if (partitionCount === undefined) throw new Error(`shard ${state.shard.stream}/${partition} was claimed without the partition count of ${spec.topic}`);
    const where = { partition, partitionCount };
    const decoded: Decoded<S>[] = [];
    for (const message of messages) {
      hooks.onEventIn?.(spec.topic);
      try {
        decoded.push({ message, event: await decodeMessage(ports.codec, spec, message, where, ports.retry, logger) });
      } catch (error) {
        const failure = classifyError(error);
        if (failure.retryable) throw error;
        decoded.push({ message, failure });
      }
    }
    return decoded;
  };

  const computeChunk = async (state: ShardState, spec: S, partition: number, decoded: readonly Decoded<S>[], quiet: boolean, touched: Set<string>, coalesce: boolean): Promise<ChunkEffects> => {
    const control = spec.key === "controlKey";
    const accountKeys = control ? [] : [...new Set(decoded.flatMap((d) => (d.event ? [accountOf(d.event)] : [])))];
    const working = accountKeys.length > 0 ? await store.read(state.shard, accountKeys) : new Map<string, Record<string, string>>();
    const shared = new SharedOverlay((name) => store.readShared(state.shard, name));
    const effects: ChunkEffects = { writes: [], schedule: [], outbox: {}, ready: new Map(), deadLetters: [], rescore: false };

    const now = ports.clock();
    // Coalescing: each message's outputs wait here, with the writes that name their outbox
    // fields added once they are encoded at the end of the chunk.
    const deferred: { fieldPrefix: string; outputs: readonly Output[] }[] = [];
    for (const { message, event, failure } of decoded) {
      const messageLog = () => logger.child({ topic: spec.topic, partition, offset: message.offset, ...(event ? { eventId: (event as { eventId?: string }).eventId } : {}) });
      if (!event) {
        effects.deadLetters.push({ message, failure: failure as ClassifiedError, log: messageLog() });
        continue;
      }
      let log: Logger | undefined;
      const context = {
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
        readShared: (name: string) => shared.read(name),
        generation: state.generation,
      };
      if (control) {
        // A control record is about the whole shard: shard-wide state, and perhaps every account re-decided.
        try {
          if (!ports.handler.onControl) throw new KafkaKitError("UNEXPECTED_CONTROL", `${spec.topic} carries control records, and this consumer's handler takes none`);
          const decided = await ports.handler.onControl(event, context);
          const writes = writesFor("", { ...(decided.shared ? { shared: decided.shared } : {}) }, {});
          effects.writes.push(...writes);
          shared.record(decided.shared);
          if (decided.rescoreEveryAccount) effects.rescore = true;
        } catch (error) {
          const classified = classifyError(error);
          if (classified.retryable) throw error;
          effects.deadLetters.push({ message, failure: classified, log: messageLog() });
        }
        continue;
      }
      const accountKey = accountOf(event);
      let result: HandlerResult;
      let outbox: Record<string, string>;
      try {
        result = await ports.handler.onEvent(event, working.get(accountKey) ?? {}, context);
        const fieldPrefix = `${spec.topic}:${message.offset.padStart(20, "0")}`;
        if (coalesce && !quiet && result.outputs && result.outputs.length > 0) {
          deferred.push({ fieldPrefix, outputs: result.outputs });
          outbox = {};
        } else outbox = quiet ? {} : await ports.outbox.encode(result.outputs, fieldPrefix, effects.ready);
      } catch (error) {
        const classified = classifyError(error);
        if (classified.retryable) throw error;
        effects.deadLetters.push({ message, failure: classified, log: messageLog() });
        continue;
      }
      effects.writes.push(...writesFor(accountKey, result, outbox));
      if (quiet) touched.add(accountKey);
      if (result.scheduleAt !== undefined) effects.schedule.push({ accountKey, at: result.scheduleAt });
      Object.assign(effects.outbox, outbox);
      if (result.state) {
        const next = { ...(working.get(accountKey) ?? {}), ...(result.state.set ?? {}) };
        for (const field of result.state.del ?? []) delete next[field];
        working.set(accountKey, next);
      }
      shared.record(result.shared);
    }
    if (deferred.length > 0) {
      // The last output of each topic × coalesce key in the chunk; every earlier one is replaced by it.
      const last = new Map<string, Output>();
      for (const { outputs } of deferred) for (const out of outputs) if (out.coalesceKey !== undefined) last.set(`${out.spec.topic}\u0000${out.coalesceKey}`, out);
      for (const { fieldPrefix, outputs } of deferred) {
        const kept = outputs.filter((out) => out.coalesceKey === undefined || last.get(`${out.spec.topic}\u0000${out.coalesceKey}`) === out);
        if (kept.length === 0) continue;
        let encoded: Record<string, string>;
        try {
          encoded = await ports.outbox.encode(kept, fieldPrefix, effects.ready);
        } catch (error) {
          if (classifyError(error).retryable) throw error;
          throw new CoalescedEncodeFailed((error as Error).message);
        }
        Object.assign(effects.outbox, encoded);
        effects.writes.push({ hash: { shared: OUTBOX }, set: encoded });
      }
    }
    if (effects.rescore) {
      // Every account the shard holds, listed in the same step as the control record's offset.
      const everyAccount = await store.accountKeys(state.shard);
      effects.writes.push({ hash: { shared: RESCORE_ACCOUNTS }, set: Object.fromEntries(everyAccount.map((k) => [k, "1"])) });
    }
    effects.writes = mergeWrites(effects.writes);
    return effects;
  };

  const commitChunk = async (state: ShardState, spec: S, partition: number, stored: string | null, last: KafkaMessage, effects: ChunkEffects, touched: ReadonlySet<string>): Promise<BatchOutcome> => {
    // Dead letters go out before the offset that covers them is recorded (a crash in between
    // sends them again: at-least-once, like every output).
    for (const { message, failure, log } of effects.deadLetters) {
      await ports.deadLetter(spec.deadLetterTopic, message, failure, { topic: spec.topic, partition, offset: message.offset, group: ports.groupId }, log);
    }
    const writes = touched.size > 0 ? [...effects.writes, { hash: { shared: CATCHUP_ACCOUNTS }, set: Object.fromEntries([...touched].map((k) => [k, "1"])) }] : effects.writes;
    const source = { topic: spec.topic, offset: last.offset, after: stored };
    const { schedule } = effects;
    let applied: Awaited<ReturnType<PartitionStateStore["apply"]>>;
    try {
      applied = await withRetries(
        () => store.apply(state.shard, { generation: state.generation, source, writes, ...(schedule.length > 0 ? { schedule } : {}) }),
        ports.retry.maxAttempts,
        ports.retry.delayMs,
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
    ports.appliedHere.set(spec.topic, partition, last.offset);
    // Applied: the outbox holds exactly what this batch wrote. A duplicate is our own earlier
    // attempt whose answer was lost: whatever of this batch's outbox Redis still holds goes out.
    const fields = Object.keys(effects.outbox);
    if (fields.length > 0) {
      const flush = applied.status === "applied" ? () => ports.outbox.flush(state, effects.outbox, effects.ready) : () => ports.outbox.flushStored(state, fields);
      await withRetries(flush, ports.retry.maxAttempts, ports.retry.delayMs, logger);
    }
    return "ok";
  };

  return async (state, spec, partition, chunk) => {
    const started = performance.now();
    // An apply whose answer was lost may have landed: what Redis holds decides where we are.
    if (state.uncertain) {
      const stored = (await store.loadStoredOffsets(ports.groupId, spec.topic, [partition], ports.stream)).get(partition) ?? null;
      const here = ports.appliedHere.get(spec.topic, partition);
      if (here !== undefined && !reached(stored, here)) return "behind";
      state.offsets.set(spec.topic, stored);
      state.uncertain = false;
    }
    const stored = state.offsets.get(spec.topic) ?? null;
    const messages = stored === null ? chunk : chunk.filter((m) => BigInt(m.offset) > BigInt(stored));
    const last = messages.at(-1);
    if (!last) {
      await ports.replay.settleIfReached(state);
      return "ok";
    }
    const quiet = state.catchUp !== null;
    const touched = new Set<string>();
    const decoded = await decodeChunk(state, spec, partition, messages);
    let effects: ChunkEffects;
    try {
      effects = await computeChunk(state, spec, partition, decoded, quiet, touched, true);
    } catch (error) {
      if (!(error instanceof CoalescedEncodeFailed)) throw error;
      logger.warn({ topic: spec.topic, partition, err: error.message }, "an output failed to encode: deciding the batch slice again message by message");
      touched.clear();
      effects = await computeChunk(state, spec, partition, decoded, quiet, touched, false);
    }
    const outcome = await commitChunk(state, spec, partition, stored, last, effects, touched);
    if (outcome !== "ok") return outcome;
    if (effects.rescore) {
      state.rescorePending = true;
      ports.rescore.kick(state);
    }
    const seconds = (performance.now() - started) / 1000 / messages.length;
    for (let i = 0; i < messages.length; i++) hooks.onProcessed?.(spec.topic, seconds);
    await ports.replay.settleIfReached(state);
    return "ok";
  };
}
