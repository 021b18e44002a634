import type { ShardRef } from "./key-layout.js";

/**
 * The port the streaming services (fit, timing, combiner, router) consume for their derived
 * state: per-shard state applied atomically with the consumed Kafka offset, fenced by a
 * generation, plus the clock-driven re-evaluation schedule. `RedisPartitionStateStore`
 * implements it; testkit will ship an in-memory twin.
 *
 * The protocol, per assigned partition:
 * 1. `claim(shard)` → generation (every earlier holder is now fenced off);
 * 2. `loadStoredOffsets(…)` → seek each topic to stored + 1 (or to the beginning);
 * 3. per message (or batch): `read` the state it needs, compute, `apply` the writes with the
 *    message's offset and the generation. `duplicate` → skip (already applied);
 *    `fenced` → stop processing the partition (another consumer owns it now);
 * 4. on a clock tick: `due(shard, now)` → re-evaluate, `apply` with no source.
 * The holder of a shard is its only writer, so read–compute–apply needs no other lock.
 */
export interface SourceOffset {
  topic: string;
  /** The offset of the last message applied, as Kafka gives it (a decimal string). */
  offset: string;
  /**
   * The offset the caller last applied for this topic (null: none yet). When given, the
   * store refuses the write as `behind` if it holds another one: Redis lost acknowledged
   * writes, and applying this batch on top would leave a hole in the state.
   */
  after?: string | null;
}

/** Which hash a write goes to: one account's state, or shard-wide state by name. */
export type StateHashRef = { account: string } | { shared: string };

export interface StateWrite {
  hash: StateHashRef;
  /** Fields to set (values are the caller's encoding, usually JSON). */
  set?: Readonly<Record<string, string>>;
  /** Fields to remove; a hash left empty disappears. */
  del?: readonly string[];
}

export interface ScheduleChange {
  accountKey: string;
  /** Epoch ms of the next re-evaluation, or null to unschedule. */
  at: number | null;
}

export interface ApplyCommand {
  /** The generation `claim` returned. */
  generation: number;
  /** The message (or the last of a batch) this applies; omit for clock-driven writes. */
  source?: SourceOffset | undefined;
  writes?: readonly StateWrite[];
  schedule?: readonly ScheduleChange[];
}

export type ApplyResult =
  | { status: "applied" }
  /** The offset was already applied (redelivery): nothing was written. */
  | { status: "duplicate"; storedOffset: string }
  /** Another consumer claimed the shard since (a zombie's late write): nothing was written. */
  | { status: "fenced"; currentGeneration: number }
  /** The stored offset (null: none) is not `source.after`: Redis lost writes it had acknowledged; nothing was written. */
  | { status: "behind"; storedOffset: string | null };

export interface DueEntry {
  accountKey: string;
  /** Epoch ms. */
  at: number;
}

export interface PartitionStateStore {
  /** Takes the shard over: a new generation, higher than any before; writes with older ones are refused. */
  claim(shard: ShardRef): Promise<number>;
  /** The generation currently holding the shard (0 if never claimed). */
  currentGeneration(shard: ShardRef): Promise<number>;
  /** Last applied offset per partition of a topic (null: nothing applied yet). `stream` defaults to the topic. */
  loadStoredOffsets(group: string, topic: string, partitions: readonly number[], stream?: string): Promise<Map<number, string | null>>;
  /** The state of these accounts (an account with none gets an empty record). */
  read(shard: ShardRef, accountKeys: readonly string[]): Promise<Map<string, Record<string, string>>>;
  readShared(shard: ShardRef, name: string): Promise<Record<string, string>>;
  apply(shard: ShardRef, command: ApplyCommand): Promise<ApplyResult>;
  /** Accounts whose re-evaluation is due at `now` (epoch ms), earliest first, at most `limit`. */
  due(shard: ShardRef, now: number, limit: number): Promise<DueEntry[]>;
  /** When the account is scheduled next, or null. */
  scheduledAt(shard: ShardRef, accountKey: string): Promise<number | null>;
  /** Every account with state in the shard (SCAN: keys written meanwhile may or may not be listed), sorted. */
  accountKeys(shard: ShardRef): Promise<string[]>;
}
