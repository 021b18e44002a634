import { randomUUID } from "node:crypto";
import type { Kafka } from "kafkajs";
import type { TierChangedEventV1, TopicCatalog } from "@icpstream/contracts";
import { forgetGroup, type RegistryCodec } from "@icpstream/kafka-kit";
import type { PinoLogger } from "@icpstream/observability";
import type { TierBoard, TierChangeSummary } from "@icpstream/pipeline";
import type { LiveFeed } from "./server.js";

/**
 * Follows the tier-changed topic from its start into the board, and hands every change to the
 * live feed's subscribers as it arrives. A throw-away consumer group that commits nothing and
 * is deleted on stop (every console instance reads the whole topic). A record the contract
 * refuses is logged and skipped: it is the combiner's output, already dead-lettered nowhere.
 */
export interface TierChangeFollower extends LiveFeed {
  stop(): Promise<void>;
}

export async function followTierChanges(options: { kafka: Kafka; codec: RegistryCodec; catalog: TopicCatalog; board: TierBoard; groupPrefix: string; logger: PinoLogger; groupSuffix?: string }): Promise<TierChangeFollower> {
  const { kafka, codec, catalog, board, logger } = options;
  const spec = catalog.tierChanged;
  const listeners = new Set<(change: TierChangeSummary) => void>();
  const groupId = `${options.groupPrefix}console${options.groupSuffix ?? ""}-${randomUUID()}`;
  // Small fetches: a fresh change waits behind less (the live feed promises seconds).
  const consumer = kafka.consumer({ groupId, maxBytesPerPartition: 131_072, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic: spec.topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      let event: TierChangedEventV1;
      try {
        event = (await codec.decode(spec, message.value, message.key)) as TierChangedEventV1;
      } catch (error) {
        logger.warn({ topic: spec.topic, partition, offset: message.offset, err: error }, "skipped an undecodable tier change");
        return;
      }
      const change = board.apply(event);
      for (const listener of listeners) listener(change);
    },
  });
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: async () => {
      await consumer.disconnect();
      await forgetGroup(kafka, groupId);
    },
  };
}

/**
 * Follows the shadow pipeline's tier changes into `board` once its topic exists (checked every
 * `everyMs`, 30 s by default): the shadow services create it when they first start, possibly
 * after the console. `following()` says whether it has started.
 */
export function followShadowWhenPresent(options: { kafka: Kafka; codec: RegistryCodec; catalog: TopicCatalog; board: TierBoard; groupPrefix: string; logger: PinoLogger; everyMs?: number }): { following(): boolean; stop(): Promise<void> } {
  let follower: TierChangeFollower | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const attempt = async () => {
    if (stopped) return;
    const admin = options.kafka.admin();
    try {
      await admin.connect();
      const exists = (await admin.listTopics()).includes(options.catalog.tierChanged.topic);
      await admin.disconnect();
      if (exists && !stopped) {
        follower = await followTierChanges({ ...options, groupSuffix: "-shadow" });
        options.logger.info({ topic: options.catalog.tierChanged.topic }, "following the shadow rubric's tier changes");
        return;
      }
    } catch (error) {
      options.logger.warn({ err: error }, "could not look for the shadow tier-changed topic; trying again");
      await admin.disconnect().catch(() => undefined);
    }
    if (!stopped) timer = setTimeout(() => void attempt(), options.everyMs ?? 30_000);
  };
  void attempt();
  return {
    following: () => follower !== undefined,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await follower?.stop();
    },
  };
}
