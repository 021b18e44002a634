import { keyPartition } from "@icpstream/kafka-kit";

/**
 * The partition the catalog's partitioner (murmur2 of the key, as the Java client and every
 * icpstream producer) puts an account's events in, for a topic of `partitions` partitions.
 * The services' state for the account lives in that partition's shard.
 */
export function accountPartition(accountKey: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partitions: expected a whole number ≥ 1, got ${partitions}`);
  return keyPartition(accountKey, partitions);
}
