/**
 * Which offsets of a consumed topic may be committed when messages finish out of order.
 *
 * A consumer with manual commit (`runConsumer({ commit: "manual" })`, e.g. webhook delivery)
 * takes a message, starts its work and reads on; the work ends later, in any order (one
 * endpoint is slow, one account waits for its earlier action, a retry backs off). A
 * partition's offset may only move past a message once that message and every earlier one
 * of the partition are settled, so that a crash redelivers whatever was still open, never
 * skips it.
 *
 * Per partition this keeps the offsets taken and not yet settled, in the order they were
 * taken (offsets only grow within a partition), and the last offset taken. The commit point
 * — Kafka's "next offset to read" — is the oldest unsettled offset, or the last taken + 1
 * when nothing is open. Settled offsets are not kept, so memory follows what is open, not
 * how far ahead the consumer has read. Offsets need not be contiguous (compaction,
 * transaction markers): whatever lies between two taken offsets was never a message.
 *
 * An epoch is one consumer-group generation. After a rebalance Kafka hands a partition out
 * again from its committed offset, so what was tracked before is forgotten (`reset`):
 * tickets of an older epoch settle nothing and a commit taken in an older epoch is not
 * recorded. No I/O; the caller commits and reports back with `committed`.
 */
export interface OffsetTicket {
  readonly epoch: number;
  readonly partition: number;
  readonly offset: string;
}

/** A commit to make: `offset` is the next offset to read (the last settled one + 1). */
export interface OffsetCommit {
  partition: number;
  offset: string;
}

interface PartitionOffsets {
  /** Taken and not settled, oldest first (a Set iterates in insertion order). */
  readonly open: Set<string>;
  lastTaken: bigint;
  /** The commit point last reported committed in this epoch. */
  committed?: bigint;
}

export class SettledOffsets {
  private partitions = new Map<number, PartitionOffsets>();
  private currentEpoch = 0;

  get epoch(): number {
    return this.currentEpoch;
  }

  /** A new group generation: forgets every partition; older tickets and commits no longer count. */
  reset(): void {
    this.currentEpoch++;
    this.partitions = new Map();
  }

  /**
   * Starts tracking a message. `epoch` is the one read when the message arrived; a message
   * of an older generation is not tracked (its partition is read again from the committed
   * offset). Also undefined for an offset at or below the last one taken in this epoch: it
   * is already tracked (or settled), and its first ticket settles it.
   */
  track(partition: number, offset: string, epoch: number = this.currentEpoch): OffsetTicket | undefined {
    if (epoch !== this.currentEpoch) return undefined;
    const at = BigInt(offset);
    const state = this.partitions.get(partition);
    if (!state) {
      this.partitions.set(partition, { open: new Set([offset]), lastTaken: at });
    } else {
      if (at <= state.lastTaken) return undefined;
      state.open.add(offset);
      state.lastTaken = at;
    }
    return { epoch, partition, offset };
  }

  /** The message is done. True when its partition's commit point moved (a commit is due). */
  settle(ticket: OffsetTicket): boolean {
    if (ticket.epoch !== this.currentEpoch) return false;
    const state = this.partitions.get(ticket.partition);
    if (!state) return false;
    const oldest = firstOf(state.open);
    if (!state.open.delete(ticket.offset)) return false;
    return oldest === ticket.offset;
  }

  /** Where a partition may be committed to: undefined when nothing was taken in this epoch. */
  commitPoint(partition: number): string | undefined {
    const state = this.partitions.get(partition);
    return state && String(pointOf(state));
  }

  /** Partitions whose commit point is past what was last committed, with the offset to commit. */
  due(): OffsetCommit[] {
    const commits: OffsetCommit[] = [];
    for (const [partition, state] of this.partitions) {
      const point = pointOf(state);
      if (state.committed === undefined || point > state.committed) commits.push({ partition, offset: String(point) });
    }
    return commits;
  }

  /** Records commits made from `due()` in `epoch`; those of an older epoch are ignored. */
  committed(commits: readonly OffsetCommit[], epoch: number): void {
    if (epoch !== this.currentEpoch) return;
    for (const commit of commits) {
      const state = this.partitions.get(commit.partition);
      const at = BigInt(commit.offset);
      if (state && (state.committed === undefined || at > state.committed)) state.committed = at;
    }
  }

  /** Messages taken and not settled, over all partitions. */
  openCount(): number {
    let count = 0;
    for (const state of this.partitions.values()) count += state.open.size;
    return count;
  }
}

function firstOf(set: Set<string>): string | undefined {
  for (const value of set) return value;
  return undefined;
}

function pointOf(state: PartitionOffsets): bigint {
  const oldest = firstOf(state.open);
  return oldest === undefined ? state.lastTaken + 1n : BigInt(oldest);
}
