import type { IHeaders, Producer } from "kafkajs";
import type { EventInputOf, TopicSpec } from "@icpstream/contracts";
import type { RegistryCodec } from "./codec.js";
import { KafkaKitError, classifyError } from "./errors.js";

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

export class EventProducer {
  constructor(
    private readonly producer: Producer,
    private readonly codec: RegistryCodec,
  ) {}

  async send<T extends TopicSpec>(spec: T, events: readonly EventInputOf<T>[], headers: IHeaders = {}): Promise<SendResult> {
    if (events.length === 0) return { topic: spec.topic, count: 0 };
    const messages = await Promise.all(
      events.map(async (event) => {
        const { key, value } = await this.codec.encode(spec, event);
        const e = event as { type: string; eventId: string; schemaVersion: number };
        return { key, value, headers: { ...headers, [EVENT_HEADERS.type]: e.type, [EVENT_HEADERS.eventId]: e.eventId, [EVENT_HEADERS.schemaVersion]: String(e.schemaVersion) } };
      }),
    );
    try {
      await this.producer.send({ topic: spec.topic, acks: -1, messages });
    } catch (error) {
      const c = classifyError(error);
      throw new KafkaKitError("BROKER_UNAVAILABLE", `sending ${events.length} event(s) to ${spec.topic}: ${c.message}`, { cause: error, retryable: c.retryable });
    }
    return { topic: spec.topic, count: messages.length };
  }
}
