import type { BrokerMetadata } from "../broker-metadata.js";
import type { ShardTable } from "./claim-and-fence.js";

/** One assigned partition of an input topic and how far this member is behind its end. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** Messages between what the shard applied and the high watermark; null while the shard is not held (being claimed, or let go). */
  lag: number | null;
  /** The shard is in a quiet replay: its outputs are withheld until it settles. */
  replaying: boolean;
}

/**
 * Lag of every assigned partition against the broker's high watermark, read now: high − the
 * next offset to apply (stored + 1, or the first retained offset when nothing is stored), so
 * an empty partition, or one whose every message is applied, has lag 0. Every input topic's
 * watermarks are read, assigned partitions or not, so the answer also says the broker answers:
 * rejects when it does not.
 */
export async function assignedLag(
  topics: readonly string[],
  assignment: Readonly<Record<string, readonly number[]>>,
  shards: Pick<ShardTable, "held">,
  broker: Pick<BrokerMetadata, "watermarks">,
): Promise<PartitionLag[]> {
  const marksByTopic = new Map(await Promise.all(topics.map(async (topic) => [topic, await broker.watermarks(topic)] as const)));
  const held = new Map(shards.held().filter((s) => !s.fenced).map((s) => [s.shard.partition, s]));
  const lags: PartitionLag[] = [];
  for (const topic of topics) {
    for (const partition of assignment[topic] ?? []) {
      const state = held.get(partition);
      const mark = marksByTopic.get(topic)?.get(partition);
      if (!state || !mark || !state.offsets.has(topic)) {
        lags.push({ topic, partition, lag: null, replaying: false });
        continue;
      }
      const stored = state.offsets.get(topic) ?? null;
      const low = BigInt(mark.low);
      const next = stored === null ? low : BigInt(stored) + 1n;
      const behind = BigInt(mark.high) - (next > low ? next : low);
      lags.push({ topic, partition, lag: Number(behind > 0n ? behind : 0n), replaying: state.catchUp !== null });
    }
  }
  return lags;
}
