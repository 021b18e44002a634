import type { Admin, Kafka } from "kafkajs";

/** A partition's first retained offset and the offset the next message will get. */
export interface Watermarks {
  low: string;
  high: string;
}

/**
 * What consumers ask the broker besides messages: how many partitions a topic has (for the
 * partition check) and where each partition begins and ends (quiet-replay targets, lag). One
 * admin client, connected on first use.
 */
export interface BrokerMetadata {
  /** The topic's partition count, remembered until `forget` (a rebalance may follow a change). */
  partitionCount(topic: string): Promise<number>;
  /** Every partition's watermarks now, by partition; concurrent calls for a topic share one request. */
  watermarks(topic: string): Promise<Map<number, Watermarks>>;
  /** Forgets the partition counts (on every group join). */
  forget(): void;
  close(): Promise<void>;
}

export function brokerMetadata(kafka: Kafka): BrokerMetadata {
  let admin: Promise<Admin> | undefined;
  const counts = new Map<string, Promise<number>>();
  const inFlight = new Map<string, Promise<Map<number, Watermarks>>>();
  const connected = () => {
    admin ??= (async () => {
      const client = kafka.admin();
      await client.connect();
      return client;
    })();
    admin.catch(() => (admin = undefined));
    return admin;
  };
  return {
    partitionCount(topic) {
      let count = counts.get(topic);
      if (!count) {
        count = (async () => {
          const metadata = await (await connected()).fetchTopicMetadata({ topics: [topic] });
          const found = metadata.topics.find((t) => t.name === topic);
          if (!found || found.partitions.length === 0) throw new Error(`the broker has no partitions for topic ${topic}`);
          return found.partitions.length;
        })();
        count.catch(() => counts.delete(topic));
        counts.set(topic, count);
      }
      return count;
    },
    watermarks(topic) {
      let pending = inFlight.get(topic);
      if (!pending) {
        pending = (async () => new Map((await (await connected()).fetchTopicOffsets(topic)).map((o) => [o.partition, { low: o.low, high: o.high }])))();
        const clear = () => inFlight.delete(topic);
        pending.then(clear, clear);
        inFlight.set(topic, pending);
      }
      return pending;
    },
    forget() {
      counts.clear();
    },
    async close() {
      const client = admin;
      admin = undefined;
      if (client) await (await client.catch(() => undefined))?.disconnect().catch(() => undefined);
    },
  };
}
