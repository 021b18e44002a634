import { Partitioners, type PartitionMetadata } from "kafkajs";
import { KafkaKitError } from "./errors.js";

/**
 * The catalog's partitioner: which partition a message goes to is murmur2 of its key
 * (Kafka's `Utils.murmur2` with seed 0x9747b28c), made positive (`& 0x7fffffff`), modulo
 * the topic's partition count — the Java client's default for keyed messages, and kafkajs's
 * `Partitioners.DefaultPartitioner` (kafkajs 2.x; its `LegacyPartitioner`, the 1.x default,
 * differs for many keys). One account's events land in the same partition number of every
 * topic with the same partition count, so one shard holds all of its state.
 *
 * Every icpstream producer (`icp ingest`, the HTTP gateway, the services' outputs) uses it;
 * every consumer checks it (`checkPartition`), and dead-letters a message found elsewhere.
 * Producers outside icpstream must use it too: the Java client's default, librdkafka's
 * `partitioner=murmur2_random` (not its default `consistent_random`), kafkajs's
 * `createPartitioner: Partitioners.DefaultPartitioner`.
 */
export const catalogPartitioner = Partitioners.DefaultPartitioner;

const partitioner = catalogPartitioner();
const metadataByCount = new Map<number, PartitionMetadata[]>();

/**
 * The partition `key` maps to in a topic of `partitionCount` partitions (see above).
 * Throws a RangeError for a count that is not a whole number ≥ 1.
 */
export function keyPartition(key: string | Buffer, partitionCount: number): number {
  let partitionMetadata = metadataByCount.get(partitionCount);
  if (!partitionMetadata) {
    if (!Number.isInteger(partitionCount) || partitionCount < 1) throw new RangeError(`partition count: expected a whole number ≥ 1, got ${partitionCount}`);
    partitionMetadata = Array.from({ length: partitionCount }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
    metadataByCount.set(partitionCount, partitionMetadata);
  }
  return partitioner({ topic: "-", partitionMetadata, message: { key, value: null } });
}

/**
 * Checks that a consumed message sits in the partition its key maps to under the catalog's
 * partitioner, for a topic of `partitionCount` partitions. A message elsewhere — produced
 * with another partitioner, an explicit partition, or no key at all — would put part of an
 * account's state in another shard, where it is combined with nothing: it is refused with
 * `WRONG_PARTITION` (not retryable; the consumer dead-letters it).
 */
export function checkPartition(key: Buffer | string | null | undefined, partition: number, partitionCount: number): void {
  if (key === null || key === undefined || key.length === 0) {
    throw new KafkaKitError("WRONG_PARTITION", `message without a key in partition ${partition}: events must be keyed by their account key and partitioned with murmur2 (the Java client's default partitioner)`);
  }
  const expected = keyPartition(key, partitionCount);
  if (expected !== partition) {
    const text = typeof key === "string" ? key : key.toString("utf8");
    throw new KafkaKitError("WRONG_PARTITION", `message key "${text}" belongs in partition ${expected} of ${partitionCount} (murmur2, the Java client's default partitioner), not ${partition}`);
  }
}

/**
 * The smallest `rubric:<n>` key the catalog's partitioner maps to `partition` of
 * `partitionCount`: a record written once to every partition (a rubric promotion) sits where
 * its key belongs, so consumers check it like any other. Throws a RangeError for a
 * partition outside the topic.
 */
export function controlKeyFor(partition: number, partitionCount: number): string {
  if (!Number.isInteger(partition) || partition < 0 || partition >= partitionCount) throw new RangeError(`partition: expected 0..${partitionCount - 1}, got ${partition}`);
  for (let n = 0; ; n++) if (keyPartition(`rubric:${n}`, partitionCount) === partition) return `rubric:${n}`;
}
