import { randomUUID } from "node:crypto";
import type { Kafka } from "kafkajs";
import type { Logger } from "pino";
import type { EventOf, TopicSpec } from "@icpstream/contracts";
import type { RegistryCodec } from "./codec.js";

export interface ReadPartitionOptions {
  kafka: Kafka;
  codec: RegistryCodec;
  logger: Logger;
  /** Names the throwaway consumer group (`<groupPrefix>.read.<uuid>`), deleted afterwards. */
  groupPrefix: string;
}

/** Reads one partition of a topic from its first retained message to its end as of now. */
export type PartitionReader = <T extends TopicSpec>(spec: T, partition: number, onEvent: (event: EventOf<T>, offset: string) => void) => Promise<number>;

/**
 * A `PartitionReader` over kafkajs, which has no manual assignment: a consumer of a
 * throwaway group (no offsets committed, the group deleted afterwards) subscribes to the
 * topic, pauses every partition but the one asked for, and reads it up to the high
 * watermark fetched first. Messages that do not decode are logged and skipped: what is
 * read is a topic this pipeline wrote itself (a service's own outputs), not input.
 * Returns how many messages were read.
 */
export function partitionReader(options: ReadPartitionOptions): PartitionReader {
  const { kafka, codec, logger } = options;
  return async (spec, partition, onEvent) => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const watermarks = (await admin.fetchTopicOffsets(spec.topic)).find((o) => o.partition === partition);
      if (!watermarks) throw new Error(`${spec.topic} has no partition ${partition}`);
      const low = BigInt(watermarks.low);
      const end = BigInt(watermarks.high);
      if (end <= low) return 0;

      const groupId = `${options.groupPrefix}.read.${randomUUID()}`;
      const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
      let read = 0;
      let finish!: () => void;
      let fail!: (error: unknown) => void;
      const done = new Promise<void>((resolve, reject) => {
        finish = resolve;
        fail = reject;
      });
      consumer.on(consumer.events.CRASH, (event) => fail(event.payload.error));
      try {
        await consumer.connect();
        await consumer.subscribe({ topic: spec.topic, fromBeginning: true });
        await consumer.run({
          autoCommit: false,
          eachBatch: async ({ batch, resolveOffset }) => {
            if (batch.partition !== partition) {
              consumer.pause([{ topic: spec.topic, partitions: [batch.partition] }]);
              return;
            }
            try {
              for (const message of batch.messages) {
                const offset = BigInt(message.offset);
                if (offset >= end) break;
                try {
                  onEvent(await codec.decode(spec, message.value, message.key), message.offset);
                  read++;
                } catch (error) {
                  logger.warn({ topic: spec.topic, partition, offset: message.offset, err: error }, "unreadable message skipped while reading a partition");
                }
                resolveOffset(message.offset);
                if (offset + 1n >= end) {
                  finish();
                  return;
                }
              }
            } catch (error) {
              fail(error);
            }
          },
        });
        await done;
      } finally {
        await consumer.disconnect().catch(() => undefined);
        await admin.deleteGroups([groupId]).catch(() => undefined);
      }
      return read;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };
}
