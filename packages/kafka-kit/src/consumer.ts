import type { Consumer, IHeaders, Kafka, KafkaMessage } from "kafkajs";
import type { Logger } from "pino";
import type { EventOf, TopicSpec } from "@icpstream/contracts";
import { brokerMetadata } from "./broker-metadata.js";
import type { RegistryCodec } from "./codec.js";
import { deadLetterSender, type DeadLetterProducer, type MessageOrigin } from "./dead-letter.js";
import { decodeMessage } from "./decode-message.js";
import { classifyError, type ClassifiedError } from "./errors.js";
import { offsetCommits } from "./offset-commits.js";
import { withRetries } from "./retry.js";
import { SettledOffsets, type OffsetTicket } from "./settled-offsets.js";

/**
 * Runs a consumer group on one topic: each message is decoded, validated and checked to sit
 * in its key's partition, then given to the handler. Whatever cannot be used (wire format,
 * unknown schema, not JSON, contract violation, oversized, key mismatch, wrong partition)
 * and whatever the handler fails on permanently goes to the topic's dead-letter topic —
 * original key, bytes and headers, plus the reason — and the consumer goes on. Retryable
 * failures are retried with backoff; when they keep failing the message is not committed
 * (nothing lost).
 *
 * Offsets are committed in one of two ways (`commit`):
 * - `auto` (default): by kafkajs, once the handler returned; a retryable failure after the
 *   retries stops the consumer on that message (kafkajs reads it again).
 * - `manual`: for handlers that start work and return before it ends (webhook delivery). The
 *   handler calls `context.settle()` when the message's work has ended; a partition's offset
 *   is committed past a message only once it and every earlier message of the partition are
 *   settled (`SettledOffsets`), one commit request at a time. A crash (even SIGKILL)
 *   therefore loses nothing in flight: the next run reads again from the oldest message not
 *   settled. A rebalance forgets what was tracked (Kafka hands partitions out again from the
 *   committed offset). A message whose handler still fails retryably after the retries stays
 *   unsettled, so the offset stays below it until a restart or rebalance reads it again.
 *   `stop` pauses fetching, waits for `beforeLeave` (let work in flight settle), commits what
 *   settled, then leaves the group; a message fetched after the stop began is left for the
 *   next run.
 */
export interface MessageContext {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: IHeaders;
  logger: Logger;
  /** Manual commit: the message's work has ended (delivered, or on record elsewhere); later calls do nothing. Auto commit: does nothing. */
  settle(): void;
}

export type EventHandler<T extends TopicSpec> = (event: EventOf<T>, context: MessageContext) => Promise<void>;

export interface ConsumerRunnerOptions<T extends TopicSpec> {
  kafka: Kafka;
  /** Sends dead letters; shared with the service's other producing, or its own. Must stay connected until `stop` returned. */
  producer: DeadLetterProducer;
  codec: RegistryCodec;
  spec: T;
  groupId: string;
  handler: EventHandler<T>;
  logger: Logger;
  fromBeginning?: boolean;
  /** When offsets are committed (see above; default `auto`). */
  commit?: "auto" | "manual";
  /** Called by `stop` once fetching is paused, before the last commit and leaving the group (manual commit). */
  beforeLeave?: () => Promise<void>;
  /** How long the group waits for a silent member before its partitions go to another (default 30 s, kafkajs's). */
  sessionTimeoutMs?: number;
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
  const { spec, codec, handler, logger, groupId } = options;
  const manual = options.commit === "manual";
  const retry = { maxAttempts: options.maxAttempts ?? 5, delayMs: options.retryDelayMs ?? 200 };
  const now = options.now ?? (() => new Date());
  const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
  const consumer = options.kafka.consumer({ groupId, sessionTimeout, heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 3)) });
  const broker = brokerMetadata(options.kafka);
  const deadLetter = deadLetterSender({ producer: options.producer, now: () => now().getTime(), ...(options.onDeadLetter ? { onDeadLetter: options.onDeadLetter } : {}) });
  const offsets = new SettledOffsets();
  const commits = offsetCommits(consumer, spec.topic, offsets, logger);
  const settleTicket = (ticket: OffsetTicket | undefined) => {
    if (ticket && offsets.settle(ticket)) void commits.request();
  };
  /** Set by `stop` (manual commit): messages fetched from then on are left for the next run. */
  let stopping = false;

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    broker.forget();
    if (!manual) return;
    offsets.reset();
    logger.info({ groupId, partitions: payload.memberAssignment[spec.topic] ?? [] }, "joined the group; tracking offsets afresh");
  });
  await consumer.connect();
  await consumer.subscribe({ topic: spec.topic, fromBeginning: options.fromBeginning ?? false });

  const eachMessage = async ({ topic, partition, message }: { topic: string; partition: number; message: KafkaMessage }) => {
    // Read first: a message of a generation that ended while it was decoded is not tracked.
    const epoch = offsets.epoch;
    if (manual && stopping) return;
    const origin: MessageOrigin = { topic, partition, offset: message.offset, group: groupId };
    const key = message.key ? message.key.toString("utf8") : null;
    const log = logger.child({ topic, partition, offset: message.offset, key });
    const partitionCount = await broker.partitionCount(topic);
    let event: EventOf<T>;
    try {
      event = await decodeMessage(codec, spec, message, { partition, partitionCount }, retry, log);
    } catch (error) {
      const failure = classifyError(error);
      // Still failing after the retries: kafkajs takes this message again; nothing after it is committed.
      if (failure.retryable) throw error;
      if (manual && stopping) return;
      await deadLetter(spec.deadLetterTopic, message, failure, origin, log);
      if (manual) settleTicket(offsets.track(partition, message.offset, epoch));
      return;
    }
    if (manual && stopping) return;
    const ticket = manual ? offsets.track(partition, message.offset, epoch) : undefined;
    if (manual && !ticket) return; // already taken in this generation, or a generation that ended
    const eventLogger = log.child({ eventId: (event as { eventId?: string }).eventId });
    const context: MessageContext = { topic, partition, offset: message.offset, key, headers: message.headers ?? {}, logger: eventLogger, settle: () => settleTicket(ticket) };
    try {
      await withRetries(() => handler(event, context), retry.maxAttempts, retry.delayMs, eventLogger);
    } catch (error) {
      const failure = classifyError(error);
      if (failure.retryable && !manual) throw error; // not committed: kafkajs reads it again rather than lose it
      if (failure.retryable) {
        eventLogger.error({ code: failure.code, reason: failure.message }, "still failing after the retries; left unsettled, so the partition's offset stays below it and a restart reads it again");
        return;
      }
      await deadLetter(spec.deadLetterTopic, message, failure, origin, eventLogger);
      context.settle();
    }
  };

  await consumer.run({ autoCommit: !manual, eachMessage });

  let stopped: Promise<void> | undefined;
  return {
    consumer,
    stop: () =>
      (stopped ??= (async () => {
        stopping = true;
        if (manual) {
          // Paused, the consumer still heartbeats, so the group keeps our partitions while work drains and we commit.
          try {
            consumer.pause([{ topic: spec.topic }]);
          } catch (error) {
            // Not in a group (kafkajs is restarting the consumer after a crash): nothing is fetched anyway.
            logger.warn({ err: error }, "could not pause consumption for the stop");
          }
          await options.beforeLeave?.();
          await commits.request();
        }
        await consumer.disconnect();
        await broker.close();
      })()),
  };
}
