import type { ApplyResult, ShardRef } from "@icpstream/redis-kit";

/**
 * The vocabulary every room of the stateful consumer shares: a shard as this member holds
 * it, the fencing error, the shard's position, and the names reserved in its shared state.
 *
 * A shard is one consumer group's state for one partition number of its input topics
 * (`<group>:<stream>:<partition>` in Redis). The member that claimed it last holds the
 * newest generation; every write carries it, and Redis refuses a write of an older one.
 */
export interface ShardState {
  shard: ShardRef;
  generation: number;
  /** Stored offset per input topic (null: none yet). */
  offsets: Map<string, string | null>;
  /** Partitions per input topic when the shard was claimed (for the partition check). */
  partitionCounts: Map<string, number>;
  fenced: boolean;
  /** An apply failed without an answer: reload the stored offsets before the next batch. */
  uncertain: boolean;
  /** A quiet replay in progress: topic → the offset to reach; null when none. */
  catchUp: Map<string, string> | null;
  /** Accounts wait to be re-decided after a control record (`rescore-shard.ts`): known at claim, set when one is applied. */
  rescorePending: boolean;
  /** Serialises message processing and clock ticks on one shard: one writer at a time. */
  queue: Promise<unknown>;
}

/** Shard-wide hashes the consumer keeps for itself; a handler may not write them. */
export const OUTBOX = "outbox";
/** A quiet replay's target offsets (`<topic>` → offset). */
export const CATCHUP_TARGETS = "catchup";
/** The accounts a quiet replay touched (`<account>` → "1"). */
export const CATCHUP_ACCOUNTS = "catchup-accounts";
/** The accounts still to re-decide after a control record (`<account>` → "1"). */
export const RESCORE_ACCOUNTS = "rescore-accounts";
export const RESERVED_SHARED: ReadonlySet<string> = new Set([OUTBOX, CATCHUP_TARGETS, CATCHUP_ACCOUNTS, RESCORE_ACCOUNTS]);

/**
 * Messages applied in one atomic step at most: bounds the Lua script's run (Redis does
 * nothing else meanwhile) and the outbox one send carries. Also the slice of accounts a
 * quiet replay settles per step.
 */
export const MAX_CHUNK = 500;

/** A write refused because another member claimed the shard since. */
export class FencedError extends Error {
  constructor(shard: ShardRef, current: number, ours: number) {
    super(`shard ${shard.group}/${shard.stream}/${shard.partition} is held by generation ${current}; ours is ${ours}`);
  }
}

/** Throws `FencedError` when an apply without a source offset was refused for an older generation. */
export function refuseIfFenced(state: Pick<ShardState, "shard" | "generation">, result: ApplyResult): void {
  if (result.status === "fenced") throw new FencedError(state.shard, result.currentGeneration, state.generation);
}

/** Σ (offset + 1) over the shard's topics, `override` taking the place of one topic's stored offset. */
export function positionOf(offsets: ReadonlyMap<string, string | null>, override?: { topic: string; offset: string }): bigint {
  let sum = 0n;
  for (const [topic, stored] of offsets) {
    const offset = override && override.topic === topic ? override.offset : stored;
    if (offset !== null) sum += BigInt(offset) + 1n;
  }
  return sum;
}

/** Whether a stored offset is at or past a target. */
export const reached = (stored: string | null | undefined, target: string): boolean => stored !== null && stored !== undefined && BigInt(stored) >= BigInt(target);

/** Runs `work` after everything queued on the shard before it (success or failure): one writer at a time. */
export function serial<R>(state: ShardState, work: () => Promise<R>): Promise<R> {
  const next = state.queue.then(work, work);
  state.queue = next.catch(() => undefined);
  return next;
}

/**
 * The last offset this process saw applied per topic and partition, across claims: a shard
 * claimed again whose stored offset is behind it lost acknowledged writes.
 */
export class AppliedHere {
  private readonly offsets = new Map<string, string>();
  get(topic: string, partition: number): string | undefined {
    return this.offsets.get(`${topic}:${partition}`);
  }
  set(topic: string, partition: number, offset: string): void {
    this.offsets.set(`${topic}:${partition}`, offset);
  }
}
