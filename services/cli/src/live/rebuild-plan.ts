import { escapeSegment } from "@icpstream/redis-kit";
import { globLiteral } from "./read-account-state.js";

/**
 * The pure parts of `icp rebuild`: which keys belong to a service, in which order they
 * go, and how far a replay has come.
 *
 * A service's keys are every shard of its consumer group (redis-kit's layout:
 * `<prefix>icp:{<group>:<stream>:<partition>}:…`): meta (fencing generation and stored
 * offsets), account state, shard-wide state (including the outbox) and the decay schedule.
 * The group is escaped in the key, so `{<group>:` is followed by the stream only for that
 * group, whatever the stream or partition count.
 */
export function serviceKeyPattern(redisPrefix: string, group: string): string {
  return `${globLiteral(`${redisPrefix}icp:{${escapeSegment(group)}:`)}*`;
}

/**
 * Meta hashes first: without its `gen` a shard refuses every write until it is claimed
 * again, so a straggling writer cannot put back state next to offsets that are gone.
 */
export function deletionOrder(keys: readonly string[]): string[] {
  const meta = keys.filter((k) => k.endsWith(":meta"));
  const rest = keys.filter((k) => !k.endsWith(":meta"));
  return [...meta, ...rest];
}

export interface PartitionOffsets {
  partition: number;
  /** Kafka's log start offset. */
  low: string;
  /** Kafka's high watermark (the next offset to be written). */
  high: string;
  /** The last offset the service applied, as stored in Redis; null: none yet. */
  stored: string | null;
}

export interface ReplayProgress {
  /** Messages applied since the log start, over all partitions. */
  done: bigint;
  /** Messages in the topic (high − low), over all partitions. */
  total: bigint;
  caughtUp: boolean;
}

export function replayProgress(partitions: readonly PartitionOffsets[]): ReplayProgress {
  let done = 0n;
  let total = 0n;
  let caughtUp = true;
  for (const p of partitions) {
    const low = BigInt(p.low);
    const high = BigInt(p.high);
    const size = high > low ? high - low : 0n;
    total += size;
    if (size === 0n) continue;
    const next = p.stored === null ? low : BigInt(p.stored) + 1n;
    const applied = next <= low ? 0n : next >= high ? size : next - low;
    done += applied;
    if (next < high) caughtUp = false;
  }
  return { done, total, caughtUp };
}

/** Sums topic progress into one per service. */
export function sumProgress(parts: readonly ReplayProgress[]): ReplayProgress {
  return parts.reduce((a, b) => ({ done: a.done + b.done, total: a.total + b.total, caughtUp: a.caughtUp && b.caughtUp }), { done: 0n, total: 0n, caughtUp: true });
}

/** `fit 3000/3000 done  timing 1200/2400 (50%)` */
export function formatProgress(entries: readonly { service: string; progress: ReplayProgress }[]): string {
  return entries
    .map(({ service, progress }) => {
      const pct = progress.total === 0n ? 100 : Number((progress.done * 1000n) / progress.total) / 10;
      return `${service} ${progress.done}/${progress.total} ${progress.caughtUp ? "caught up" : `(${pct}%)`}`;
    })
    .join("  ");
}
