import { TOPICS } from "@icpstream/contracts";
import type { TopicCatalog } from "@icpstream/contracts";
import { EventProducer, RegistryCodec, catalogPartitioner, confluentRegistry, createKafka } from "@icpstream/kafka-kit";
import type { SchemaMode } from "@icpstream/kafka-kit";
import type { Logger } from "pino";
import type { SendEvents } from "./file-ingest.js";

/**
 * The producing side every ingest path shares: kafkajs producer + registry codec, the
 * catalog's schemas registered (or verified) before the first event, `send` resolving
 * only after the broker acknowledged.
 */
export interface KafkaSender {
  send: SendEvents;
  close(): Promise<void>;
}

export async function connectSender(
  config: { brokers: string[]; registryUrl: string; clientId: string; schemaMode: SchemaMode; catalog?: TopicCatalog },
  logger?: Logger,
): Promise<KafkaSender> {
  const catalog = config.catalog ?? TOPICS;
  const kafka = createKafka({ brokers: config.brokers, clientId: config.clientId }, logger);
  const codec = new RegistryCodec(confluentRegistry({ url: config.registryUrl }), { mode: config.schemaMode });
  await codec.prepare(catalog);
  // Idempotent producer: a retried send after a lost acknowledgement is not written twice.
  // The catalog's partitioner (murmur2): consumers dead-letter a message found elsewhere.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: catalogPartitioner });
  await producer.connect();
  const events = new EventProducer(producer, codec);
  return {
    send: async (topic, batch) => {
      await events.send(catalog[topic], batch as never[]);
    },
    close: () => producer.disconnect(),
  };
}
