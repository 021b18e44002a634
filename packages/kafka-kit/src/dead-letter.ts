import type { IHeaders } from "kafkajs";
import type { ClassifiedError } from "./errors.js";

/**
 * A dead letter is the original message — same key, same bytes, same headers — sent to
 * the topic's dead-letter topic with the reason added in headers, so it can be read,
 * fixed and replayed without guessing what it was.
 */
export const DLQ_HEADERS = {
  reason: "icp.dlq.reason",
  code: "icp.dlq.code",
  retryable: "icp.dlq.retryable",
  topic: "icp.dlq.source.topic",
  partition: "icp.dlq.source.partition",
  offset: "icp.dlq.source.offset",
  group: "icp.dlq.consumer.group",
  failedAt: "icp.dlq.failed-at",
} as const;

export interface OriginalMessage {
  key: Buffer | string | null;
  value: Buffer | null;
  headers?: IHeaders | undefined;
}

export interface MessageOrigin {
  topic: string;
  partition: number;
  offset: string;
  group?: string | undefined;
}

/** Header values are bytes; keep a reason readable but bounded. */
const MAX_REASON_CHARS = 2000;

export function deadLetterMessage(original: OriginalMessage, failure: ClassifiedError, origin: MessageOrigin, failedAt: string) {
  const headers: IHeaders = {
    ...(original.headers ?? {}),
    [DLQ_HEADERS.reason]: failure.message.slice(0, MAX_REASON_CHARS),
    [DLQ_HEADERS.code]: failure.code,
    [DLQ_HEADERS.retryable]: String(failure.retryable),
    [DLQ_HEADERS.topic]: origin.topic,
    [DLQ_HEADERS.partition]: String(origin.partition),
    [DLQ_HEADERS.offset]: origin.offset,
    [DLQ_HEADERS.failedAt]: failedAt,
  };
  if (origin.group) headers[DLQ_HEADERS.group] = origin.group;
  return { key: original.key, value: original.value, headers };
}

/** Reads a header as text (kafkajs gives Buffers, or arrays for repeated headers). */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** The producing side a dead-letter sender needs. */
export interface DeadLetterProducer {
  send(record: { topic: string; acks: number; messages: ReturnType<typeof deadLetterMessage>[] }): Promise<unknown>;
}

export interface DeadLetterLogger {
  warn(obj: object, msg?: string): void;
}

/**
 * Sends a message its consumer cannot use to the topic's dead-letter topic (acks = all), logs
 * it with the code and reason, then tells `onDeadLetter`. Shared by both consumer loops.
 */
export type DeadLetterSender = (deadLetterTopic: string, message: OriginalMessage, failure: ClassifiedError, origin: MessageOrigin, logger: DeadLetterLogger) => Promise<void>;

export function deadLetterSender(options: { producer: DeadLetterProducer; now: () => number; onDeadLetter?: (failure: ClassifiedError, origin: MessageOrigin) => void }): DeadLetterSender {
  return async (deadLetterTopic, message, failure, origin, logger) => {
    logger.warn({ code: failure.code, reason: failure.message }, "dead-lettered");
    await options.producer.send({ topic: deadLetterTopic, acks: -1, messages: [deadLetterMessage(message, failure, origin, new Date(options.now()).toISOString())] });
    options.onDeadLetter?.(failure, origin);
  };
}
