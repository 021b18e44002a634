import { Partitioners } from "kafkajs";

/**
 * The partition Kafka's default partitioner (murmur2 of the key, as the Java client and the
 * services' producers do) puts an account's events in, for a topic of `partitions`
 * partitions. The services' state for the account lives in that partition's shard.
 */
export function accountPartition(accountKey: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partitions: expected a whole number ≥ 1, got ${partitions}`);
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
  return partitioner({ topic: "-", partitionMetadata, message: { key: accountKey, value: null } });
}
