import type { Consumer, IHeaders, Kafka, KafkaMessage, Producer } from "kafkajs";
import type { Logger } from "pino";
import type { EventOf, TopicSpec } from "@icpstream/contracts";
import type { RegistryCodec } from "./codec.js";
import { deadLetterMessage } from "./dead-letter.js";
import type { MessageOrigin } from "./dead-letter.js";
import { classifyError } from "./errors.js";
import { withRetries } from "./retry.js";
import type { ClassifiedError } from "./errors.js";

/**
 * Runs a consumer group on one topic: each message is decoded and validated, then given to
 * the handler. Whatever cannot be decoded (wire format, unknown schema, not JSON, contract
 * violation, oversized, key mismatch) and whatever the handler fails on permanently goes
 * to the topic's dead-letter topic — original key, bytes and headers, plus the reason —
 * and the consumer goes on. Retryable failures are retried with backoff; when they keep
 * failing the consumer stops on that message rather than skip it (nothing lost).
 */
export interface MessageContext {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: IHeaders;
  logger: Logger;
}

export type EventHandler<T extends TopicSpec> = (event: EventOf<T>, context: MessageContext) => Promise<void>;

export interface ConsumerRunnerOptions<T extends TopicSpec> {
  kafka: Kafka;
  /** Sends dead letters; shared with the service's other producing, or its own. */
  producer: Producer;
  codec: RegistryCodec;
  spec: T;
  groupId: string;
  handler: EventHandler<T>;
  logger: Logger;
  fromBeginning?: boolean;
  /** Attempts for a retryable failure before the consumer gives up on the message (default 5). */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt (default 200 ms: a registry or broker blip). */
  retryDelayMs?: number;
  /** Called after a message went to the dead-letter topic (metrics, tests). */
  onDeadLetter?: (failure: ClassifiedError, origin: MessageOrigin) => void;
  /** The clock for the dead-letter timestamp header. */
  now?: () => Date;
}

export interface ConsumerRunner {
  consumer: Consumer;
  stop(): Promise<void>;
}

export async function runConsumer<T extends TopicSpec>(options: ConsumerRunnerOptions<T>): Promise<ConsumerRunner> {
  const { spec, codec, handler, producer } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  const retryDelayMs = options.retryDelayMs ?? 200;
  const now = options.now ?? (() => new Date());
  const consumer = options.kafka.consumer({ groupId: options.groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: spec.topic, fromBeginning: options.fromBeginning ?? false });

  const deadLetter = async (message: KafkaMessage, failure: ClassifiedError, origin: MessageOrigin, logger: Logger) => {
    logger.warn({ code: failure.code, reason: failure.message }, "dead-lettered");
    await producer.send({ topic: spec.deadLetterTopic, acks: -1, messages: [deadLetterMessage(message, failure, origin, now().toISOString())] });
    options.onDeadLetter?.(failure, origin);
  };

  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const origin: MessageOrigin = { topic, partition, offset: message.offset, group: options.groupId };
      const key = message.key ? message.key.toString("utf8") : null;
      const logger = options.logger.child({ topic, partition, offset: message.offset, key });
      let event: EventOf<T>;
      try {
        event = await withRetries(() => codec.decode(spec, message.value, message.key), maxAttempts, retryDelayMs, logger);
      } catch (error) {
        const failure = classifyError(error);
        if (failure.retryable) throw error;
        await deadLetter(message, failure, origin, logger);
        return;
      }
      const eventLogger = logger.child({ eventId: (event as { eventId?: string }).eventId });
      try {
        await withRetries(() => handler(event, { topic, partition, offset: message.offset, key, headers: message.headers ?? {}, logger: eventLogger }), maxAttempts, retryDelayMs, eventLogger);
      } catch (error) {
        const failure = classifyError(error);
        // Still failing after the retries: stop here (the offset is not committed) rather than lose it.
        if (failure.retryable) throw error;
        await deadLetter(message, failure, origin, eventLogger);
      }
    },
  });
  return {
    consumer,
    stop: async () => {
      await consumer.disconnect();
    },
  };
}
