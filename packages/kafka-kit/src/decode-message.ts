import type { KafkaMessage } from "kafkajs";
import type { Logger } from "pino";
import type { EventOf, TopicSpec } from "@icpstream/contracts";
import type { RegistryCodec } from "./codec.js";
import { checkPartition } from "./partitioner.js";
import { withRetries } from "./retry.js";

export interface DecodeRetry {
  maxAttempts: number;
  delayMs: number;
}

/**
 * What both consumer loops do first with a message: decode and validate it through the
 * registry (retrying what may pass next time: the registry unreachable), check its key
 * against the event (`KEY_MISMATCH`), then check it sits in the partition its key maps to
 * under the catalog's partitioner (`WRONG_PARTITION`, a missing key included). Throws a
 * classified error; the caller dead-letters what is not retryable.
 */
export async function decodeMessage<T extends TopicSpec>(
  codec: Pick<RegistryCodec, "decode">,
  spec: T,
  message: Pick<KafkaMessage, "key" | "value">,
  where: { partition: number; partitionCount: number },
  retry: DecodeRetry,
  logger: Logger,
): Promise<EventOf<T>> {
  const event = await withRetries(() => codec.decode(spec, message.value, message.key), retry.maxAttempts, retry.delayMs, logger);
  checkPartition(message.key, where.partition, where.partitionCount);
  return event;
}
