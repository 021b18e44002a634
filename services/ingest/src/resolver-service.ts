import type { Kafka, Producer } from "kafkajs";
import type { Logger } from "pino";
import type { ParkedItemEventV1, TopicCatalog } from "@icpstream/contracts";
import { runConsumer } from "@icpstream/kafka-kit";
import type { RegistryCodec } from "@icpstream/kafka-kit";
import type { SourceMapping } from "@icpstream/imports";
import type { RedisIdIndex, RedisParkingLot } from "@icpstream/redis-kit";
import { Counter } from "prom-client";
import type { Registry } from "prom-client";
import type { EventSink } from "./kafka-sender.js";
import type { ParkedEntry } from "./resolver.js";
import { Resolver } from "./resolver.js";

/**
 * The resolver wired to Kafka and Redis: three consumer groups (`<prefix>resolver.parked`,
 * `…resolver.firmographic`, `…resolver.outcome`, each from the beginning, so a new
 * resolver builds the whole index from the compacted profiles), the lot and the index in
 * Redis, released events sent through the gateway's sink (acks = all), dead letters on the
 * parked topic's dead-letter topic with the code and reason in the usual headers, and a
 * timer that tries waiting items again and ages them out. A handler that fails is retried
 * by the consumer (nothing it does is lost by a retry: the index writes are idempotent and
 * released events keep their ids).
 */
export interface ResolverServiceOptions {
  kafka: Kafka;
  /** For dead letters (and the consumers' own). */
  producer: Producer;
  codec: RegistryCodec;
  catalog: TopicCatalog;
  sink: EventSink;
  index: RedisIdIndex;
  lot: RedisParkingLot<ParkedEntry>;
  mappings: ReadonlyMap<string, SourceMapping>;
  groupPrefix: string;
  maxAgeMs: number;
  tickMs: number;
  futureToleranceHours: number;
  now: () => Date;
  logger: Logger;
  registry: Registry;
  sessionTimeoutMs?: number;
}

export async function startResolver(options: ResolverServiceOptions): Promise<{ resolver: Resolver; stop(): Promise<void> }> {
  const { catalog, codec, producer, logger } = options;
  const released = new Counter({ name: "parked_released_total", help: "Parked items released once their account was known.", registers: [options.registry] });
  const deadLettered = new Counter({ name: "parked_dead_lettered_total", help: "Parked items dead-lettered, by reason (PARK_FULL, UNRESOLVED_ACCOUNT, RELEASE_REJECTED, NO_SOURCE).", labelNames: ["code"], registers: [options.registry] });
  const resolver = new Resolver({
    mappings: options.mappings,
    index: options.index,
    lot: options.lot,
    send: async (events) => {
      const batches = new Map<(typeof events)[number]["topic"], Awaited<ReturnType<EventSink["encode"]>>[]>();
      for (const { topic, event } of events) {
        const record = await options.sink.encode(topic, event);
        batches.set(topic, [...(batches.get(topic) ?? []), record]);
      }
      await options.sink.sendEncoded([...batches].map(([topic, records]) => ({ topic, records })));
      released.inc();
    },
    deadLetter: async (item: ParkedItemEventV1, code, message) => {
      const encoded = await codec.encode(catalog.parked, item);
      const headers = { "icp.dlq.code": code, "icp.dlq.reason": message.slice(0, 2000), "icp.dlq.retryable": "false", "icp.dlq.source.topic": catalog.parked.topic, "icp.dlq.failed-at": options.now().toISOString() };
      await producer.send({ topic: catalog.parked.deadLetterTopic, acks: -1, messages: [{ key: encoded.key, value: encoded.value, headers }] });
      deadLettered.inc({ code });
      logger.warn({ code, reason: message, eventId: item.eventId, source: item.source }, "parked item dead-lettered");
    },
    now: options.now,
    maxAgeMs: options.maxAgeMs,
    futureToleranceHours: options.futureToleranceHours,
  });
  const common = { kafka: options.kafka, producer, codec, logger, fromBeginning: true, ...(options.sessionTimeoutMs !== undefined ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}), now: options.now };
  const runners = [
    await runConsumer({ ...common, spec: catalog.firmographic, groupId: `${options.groupPrefix}resolver.firmographic`, handler: async (event) => void (await resolver.onProfile(event)) }),
    await runConsumer({ ...common, spec: catalog.outcome, groupId: `${options.groupPrefix}resolver.outcome`, handler: async (event) => void (await resolver.onOutcome(event)) }),
    await runConsumer({ ...common, spec: catalog.parked, groupId: `${options.groupPrefix}resolver.parked`, handler: async (event) => void (await resolver.onParked(event)) }),
  ];
  let ticking: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    ticking = ticking.then(() => resolver.tick()).catch((error: unknown) => logger.error({ err: error }, "resolver tick failed; tried again at the next one"));
  }, options.tickMs);
  return {
    resolver,
    stop: async () => {
      clearInterval(timer);
      for (const runner of runners) await runner.stop();
      await ticking;
    },
  };
}
