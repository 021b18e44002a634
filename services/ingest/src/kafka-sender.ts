import { TOPICS, catalogTopics } from "@icpstream/contracts";
import type { TopicCatalog } from "@icpstream/contracts";
import { EventProducer, RegistryCodec, catalogPartitioner, confluentRegistry, createKafka, topicMaxMessageBytes } from "@icpstream/kafka-kit";
import type { EncodedRecord, KafkaConnection, SchemaMode } from "@icpstream/kafka-kit";
import type { Logger } from "pino";
import type { SendEvents } from "./file-ingest.js";
import type { InputTopicId } from "./to-events.js";

/**
 * The producing side every ingest path shares: kafkajs producer + registry codec, the
 * catalog's schemas registered (or verified) before the first event, the broker's message
 * size read from the topics' `max.message.bytes`, `send` resolving only after the broker
 * acknowledged.
 */
/** The topics a gateway writes: the input topics, and the parked items of third-party sources. */
export type SinkTopicId = InputTopicId | "parked";

export interface KafkaSender extends EventSink {
  send: SendEvents;
  close(): Promise<void>;
}

/**
 * What the gateway needs to store a request's events all or nothing: encode every event
 * first (validated, measured against the broker's message size), then send them together.
 */
export interface EventSink {
  /** One event as a record. Throws KafkaKitError CONTRACT_VIOLATION, or OVERSIZED when it is larger than the broker takes. */
  encode(topic: SinkTopicId, event: unknown): Promise<EncodedRecord>;
  /** Resolves once the broker acknowledged every record (acks = all); throws BROKER_UNAVAILABLE otherwise. */
  sendEncoded(batches: readonly { topic: SinkTopicId; records: readonly EncodedRecord[] }[]): Promise<void>;
  /** The broker's limit on a record batch, in bytes. */
  readonly maxMessageBytes: number;
}

export async function connectSender(
  config: KafkaConnection & { registryUrl: string; clientId: string; schemaMode: SchemaMode; catalog?: TopicCatalog },
  logger?: Logger,
): Promise<KafkaSender> {
  const catalog = config.catalog ?? TOPICS;
  const kafka = createKafka({ brokers: config.brokers, ...(config.sasl ? { sasl: config.sasl } : {}), ...(config.ssl ? { ssl: config.ssl } : {}), clientId: config.clientId }, logger);
  const codec = new RegistryCodec(confluentRegistry({ url: config.registryUrl }), { mode: config.schemaMode });
  await codec.prepare(catalog);
  const admin = kafka.admin();
  await admin.connect();
  let limit;
  try {
    limit = await topicMaxMessageBytes(admin, catalogTopics(catalog).map((spec) => spec.topic));
  } finally {
    await admin.disconnect();
  }
  if (!limit.reported) logger?.warn({ maxMessageBytes: limit.bytes }, "the broker did not report the topics' max.message.bytes; assuming Kafka's default");
  // Idempotent producer: a retried send after a lost acknowledgement is not written twice.
  // The catalog's partitioner (murmur2): consumers dead-letter a message found elsewhere.
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: catalogPartitioner });
  await producer.connect();
  const events = new EventProducer(producer, codec, { maxMessageBytes: limit.bytes });
  return {
    send: async (topic, batch) => {
      await events.send(catalog[topic], batch as never[]);
    },
    encode: (topic, event) => events.encode(catalog[topic], event as never),
    sendEncoded: (batches) => events.sendEncoded(batches.map((b) => ({ topic: catalog[b.topic].topic, records: b.records }))),
    maxMessageBytes: limit.bytes,
    close: () => producer.disconnect(),
  };
}
