import type { IHeaders, Producer } from "kafkajs";
import type { EventInputOf, TopicSpec } from "@icpstream/contracts";
import type { RegistryCodec } from "./codec.js";
import { KafkaKitError, classifyError } from "./errors.js";
import { DEFAULT_BROKER_MAX_MESSAGE_BYTES, chunkRecords, fitsAlone, recordBytes } from "./message-size.js";
import type { EncodedRecord } from "./message-size.js";

/**
 * A producer typed by the catalog: `send(catalog.hiring, [event])` only compiles when each
 * event is a hiring event. Every event is validated and encoded before anything is sent;
 * `send` resolves only after the broker acknowledged (acks = all), so a caller that
 * answers 2xx after `send` never acknowledges an event Kafka does not have.
 */
export const EVENT_HEADERS = { type: "icp.event.type", eventId: "icp.event.id", schemaVersion: "icp.event.schema-version" } as const;

export interface SendResult {
  topic: string;
  count: number;
}

/** Encoded records bound for one topic. */
export interface TopicRecords {
  topic: string;
  records: readonly EncodedRecord[];
}

/**
 * Events → records the broker will take: validated against the topic's contract, encoded
 * through the registry, keyed, with the event headers, and measured against the broker's
 * message size. Needs no broker, so a caller can encode a whole request before sending any
 * of it.
 */
export class EventEncoder {
  /** The broker's limit on a record batch (`max.message.bytes`). */
  readonly maxMessageBytes: number;

  constructor(
    private readonly codec: RegistryCodec,
    options: { maxMessageBytes?: number } = {},
  ) {
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_BROKER_MAX_MESSAGE_BYTES;
  }

  /**
   * One event as a record. Throws KafkaKitError CONTRACT_VIOLATION (the contract refuses
   * it) or OVERSIZED (encoded, it is larger than the broker takes: it can never be written).
   */
  async encode<T extends TopicSpec>(spec: T, event: EventInputOf<T>, headers: Record<string, string> = {}): Promise<EncodedRecord> {
    const { key, value } = await this.codec.encode(spec, event);
    const e = event as { type: string; eventId: string; schemaVersion: number };
    const record = { key, value, headers: { ...headers, [EVENT_HEADERS.type]: e.type, [EVENT_HEADERS.eventId]: e.eventId, [EVENT_HEADERS.schemaVersion]: String(e.schemaVersion) } };
    if (!fitsAlone(record, this.maxMessageBytes)) {
      throw new KafkaKitError("OVERSIZED", `the ${spec.topic} event ${e.eventId} is ${recordBytes(record)} bytes once encoded; the broker takes at most ${this.maxMessageBytes}`);
    }
    return record;
  }
}

export class EventProducer {
  private readonly encoder: EventEncoder;

  constructor(
    private readonly producer: Producer,
    codec: RegistryCodec,
    options: { maxMessageBytes?: number } = {},
  ) {
    this.encoder = new EventEncoder(codec, options);
  }

  get maxMessageBytes(): number {
    return this.encoder.maxMessageBytes;
  }

  /** See `EventEncoder.encode`. */
  encode<T extends TopicSpec>(spec: T, event: EventInputOf<T>, headers: Record<string, string> = {}): Promise<EncodedRecord> {
    return this.encoder.encode(spec, event, headers);
  }

  async send<T extends TopicSpec>(spec: T, events: readonly EventInputOf<T>[], headers: IHeaders = {}): Promise<SendResult> {
    if (events.length === 0) return { topic: spec.topic, count: 0 };
    const records = await Promise.all(events.map((event) => this.encoder.encode(spec, event, headers as Record<string, string>)));
    await this.sendEncoded([{ topic: spec.topic, records }]);
    return { topic: spec.topic, count: records.length };
  }

  /**
   * Sends records already encoded, for one or several topics, in as few produce requests as
   * the broker's message size allows (one, for anything up to about `maxMessageBytes`),
   * each acknowledged by all in-sync replicas before the next. Resolves after the last
   * acknowledgement. Throws BROKER_UNAVAILABLE (retryable or not, as kafkajs says); records
   * of earlier requests may then be written already, so a retry must be idempotent — the
   * consumers drop a repeated event id.
   */
  async sendEncoded(batches: readonly TopicRecords[]): Promise<void> {
    const tagged = batches.flatMap((b) => b.records.map((record) => ({ ...record, topic: b.topic })));
    if (tagged.length === 0) return;
    for (const chunk of chunkRecords(tagged, this.maxMessageBytes)) {
      const byTopic = new Map<string, EncodedRecord[]>();
      for (const { topic, ...record } of chunk) {
        const list = byTopic.get(topic);
        if (list) list.push(record);
        else byTopic.set(topic, [record]);
      }
      try {
        await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      } catch (error) {
        const c = classifyError(error);
        throw new KafkaKitError("BROKER_UNAVAILABLE", `sending ${chunk.length} event(s) to ${[...byTopic.keys()].join(", ")}: ${c.message}`, { cause: error, retryable: c.retryable });
      }
    }
  }
}
