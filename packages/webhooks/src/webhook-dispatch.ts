import type { IHeaders, Kafka, Producer } from "kafkajs";
import type { RoutingActionV1, TopicCatalog } from "@icpstream/contracts";
import { DLQ_HEADERS, EVENT_HEADERS, runConsumer, type RegistryCodec } from "@icpstream/kafka-kit";
import type { PinoLogger } from "@icpstream/observability";
import type { ResolvedWebhookEndpoint } from "./webhook-config.js";
import { WebhookDeliverer, type DeadLetterReason, type Settlement, type WebhookDeliveryMetrics } from "./webhook-delivery.js";

/**
 * Webhook delivery as a subscriber of the routing-actions topic, beside the router's
 * stateful consumer: only actions that were committed with their tier change's offset are
 * ever sent, and the topic keeps flowing whatever the webhooks do (`enqueue` never blocks).
 *
 * Its own consumer group (`<ICP_GROUP_PREFIX>router-webhooks`) starts from the beginning
 * of the topic the first time, so nothing published before it joined is skipped.
 *
 Offsets are committed by hand (kafka-kit's `runConsumer` with `commit: "manual"`), when
 * deliveries end rather than when they are queued: a partition's offset moves past an action
 * only once every webhook of that action and of every earlier action of the partition is
 * settled — delivered (2xx) or dead-lettered with the dead-letter record written. A crash (even
 * SIGKILL) therefore loses nothing queued in memory: the next run reads again from the
 * oldest action not settled and sends its webhooks again. Delivery is at least once;
 * receivers drop repeats by `icp-delivery-id`, the action's idempotency key, the same on
 * every attempt and every redelivery. What is redelivered: the open actions of the
 * partition and whatever came after them, including some already delivered.
 *
 * - A webhook whose dead letter could not be written settles nothing: its partition's
 *   offset stays below it (logged as an error) so a restart delivers it again, instead of
 *   losing it. Later actions of the partition keep flowing; only their commit waits.
 * - A rebalance forgets what was tracked (Kafka hands partitions out again from the
 *   committed offset): actions still open are sent again by whoever owns them next.
 * - A graceful stop pauses the topic, drains the deliveries for up to `drainTimeoutMs`
 *   (what is left is dead-lettered `SHUTDOWN`, as before), commits what settled, then
 *   leaves the group. An action fetched after the stop began is not taken: the next run
 *   reads it.
 * - Commits go out one request at a time; settlements during a request are folded into
 *   the next. A failed commit is retried with the next settlement or at the stop.
 *
 * Undeliverable actions go to the routing-actions dead-letter topic: the action's bytes
 * as on the topic, the reason in the usual `icp.dlq.*` headers (`code` is
 * `WEBHOOK_<QUEUE_FULL | HTTP_REJECTED | ATTEMPTS_EXHAUSTED | SHUTDOWN>`), plus which
 * endpoint, how many attempts and the last HTTP status.
 */
export const WEBHOOK_DLQ_HEADERS = {
  endpoint: "icp.dlq.webhook.endpoint",
  attempts: "icp.dlq.webhook.attempts",
  lastStatus: "icp.dlq.webhook.last-status",
  deliveryId: "icp.dlq.webhook.delivery-id",
} as const;

/** The headers of a webhook dead letter (pure: the time is passed in). */
export function webhookDeadLetterHeaders(input: { action: RoutingActionV1; endpointId: string; reason: DeadLetterReason; sourceTopic: string; group: string; failedAt: string }): IHeaders {
  const { action, endpointId, reason } = input;
  const headers: IHeaders = {
    [EVENT_HEADERS.type]: action.type,
    [EVENT_HEADERS.eventId]: action.eventId,
    [EVENT_HEADERS.schemaVersion]: String(action.schemaVersion),
    [DLQ_HEADERS.reason]: reason.message.slice(0, 2000),
    [DLQ_HEADERS.code]: `WEBHOOK_${reason.code}`,
    // A refusal will be refused again; the rest may go through when replayed later.
    [DLQ_HEADERS.retryable]: String(reason.code !== "HTTP_REJECTED"),
    [DLQ_HEADERS.topic]: input.sourceTopic,
    [DLQ_HEADERS.group]: input.group,
    [DLQ_HEADERS.failedAt]: input.failedAt,
    [WEBHOOK_DLQ_HEADERS.endpoint]: endpointId,
    [WEBHOOK_DLQ_HEADERS.attempts]: String(reason.attempts),
    [WEBHOOK_DLQ_HEADERS.deliveryId]: action.idempotencyKey,
  };
  if (reason.lastStatus !== undefined) headers[WEBHOOK_DLQ_HEADERS.lastStatus] = String(reason.lastStatus);
  return headers;
}

export interface WebhookDispatchOptions {
  kafka: Kafka;
  /** Sends the dead letters; must stay connected until `stop` returned. */
  producer: Producer;
  codec: RegistryCodec;
  catalog: TopicCatalog;
  groupId: string;
  endpoints: readonly ResolvedWebhookEndpoint[];
  drainTimeoutMs: number;
  logger: PinoLogger;
  metrics?: WebhookDeliveryMetrics;
  /** For the dead letters' `failed-at` header: the service clock. Signatures use wall time (the receiver's check is against its own clock). */
  clock: () => number;
  /** How long the group waits for a silent member (a killed router) before its partitions go to another (default kafkajs's 30 s). */
  sessionTimeoutMs?: number;
}

export interface WebhookDispatch {
  deliverer: WebhookDeliverer | undefined;
  /** Stops taking actions, drains the deliveries (dead-lettering what the timeout cuts short), commits what settled, leaves the group. */
  stop(): Promise<void>;
}

/** Attempts at decoding an action while the registry fails retryably, before the message is handed back to kafkajs (`runConsumer`'s retries). */
const DECODE_ATTEMPTS = 5;
/** First wait between decode attempts, doubling: a registry blip, not an outage. */
const DECODE_RETRY_MS = 200;

export async function startWebhookDispatch(options: WebhookDispatchOptions): Promise<WebhookDispatch> {
  const { kafka, producer, codec, catalog, groupId, logger } = options;
  const spec = catalog.routingActions;
  if (options.endpoints.length === 0) {
    logger.info("no webhook endpoints configured (ICP_WEBHOOKS_CONFIG): routing actions go to the topic only");
    return { deliverer: undefined, stop: async () => undefined };
  }
  const deliverer = new WebhookDeliverer({
    endpoints: options.endpoints,
    logger,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    deadLetter: async (action, endpointId, reason) => {
      const encoded = await codec.encode(spec, action);
      const headers = webhookDeadLetterHeaders({ action, endpointId, reason, sourceTopic: spec.topic, group: groupId, failedAt: new Date(options.clock()).toISOString() });
      await producer.send({ topic: spec.deadLetterTopic, acks: -1, messages: [{ key: encoded.key, value: encoded.value, headers }] });
    },
  });

  const runner = await runConsumer({
    kafka,
    producer,
    codec,
    spec,
    groupId,
    logger,
    fromBeginning: true,
    commit: "manual",
    maxAttempts: DECODE_ATTEMPTS,
    retryDelayMs: DECODE_RETRY_MS,
    now: () => new Date(options.clock()),
    ...(options.sessionTimeoutMs !== undefined ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
    handler: async (action, context) => {
      deliverer.enqueue(action, {
        onSettled: (settlement) => {
          if (commitsPast(settlement)) context.settle();
          else context.logger.error({ deliveryId: action.idempotencyKey, endpoints: settlement.unrecorded }, "a webhook was neither delivered nor dead-lettered; the partition's offset stays below it so that a restart sends it again");
        },
      });
    },
    beforeLeave: async () => {
      const report = await deliverer.drain(options.drainTimeoutMs);
      if (report.drained) logger.info("webhook deliveries drained");
      else logger.warn({ left: report.left.length }, "webhook deliveries left at shutdown were dead-lettered");
    },
  });
  logger.info({ groupId, endpoints: options.endpoints.map((e) => e.id) }, "delivering routing actions to webhooks");
  return { deliverer, stop: () => runner.stop() };
}

/** Whether an action's settlement lets its offset be committed: every endpoint delivered it or has it on record as a dead letter. */
export function commitsPast(settlement: Settlement): boolean {
  return settlement.unrecorded.length === 0;
}
