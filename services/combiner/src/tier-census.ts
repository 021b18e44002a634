import { randomUUID } from "node:crypto";
import { Gauge } from "prom-client";
import type { Registry } from "prom-client";
import type { Kafka } from "kafkajs";
import type { TierChangedEventV1, TopicCatalog } from "@icpstream/contracts";
import { forgetGroup, type RegistryCodec } from "@icpstream/kafka-kit";
import type { PinoLogger } from "@icpstream/observability";
import { TierCensus } from "@icpstream/pipeline";
import type { Rubric } from "@icpstream/scoring";

/**
 * The pool's tier distribution as Prometheus gauges, beside the combiner: a follower of the
 * compacted current-tier topic from its start (a throw-away consumer group that commits
 * nothing and is deleted on stop), so every combiner instance reports the whole pool —
 * aggregate with `max`, not `sum`. Gauges, per scorecard:
 * - `tier_accounts{scorecard, tier}` — accounts currently in each tier (excluded included);
 * - `top_tier_share{scorecard}` — the top tier's share of the pool, 0–1;
 * - `top_tier_share_band{scorecard, bound="min"|"max"}` — the rubric's healthy band;
 * - `top_tier_health{scorecard}` — −1 below the band (thresholds too strict), 0 inside,
 *   1 above it (too generous); alert on `top_tier_health != 0`.
 * While the pool is outside the band a warning is logged every `warnEveryMs` (default 5 min),
 * saying which way to move the threshold. It starts in the background and never holds up
 * scoring: a broker that refuses it is logged and retried by kafkajs; `stop` waits for it.
 */
export interface TierCensusOptions {
  kafka: Kafka;
  codec: RegistryCodec;
  catalog: TopicCatalog;
  rubric: Rubric;
  registry: Registry;
  logger: PinoLogger;
  groupPrefix: string;
  warnEveryMs?: number;
}

export async function startTierCensus(options: TierCensusOptions): Promise<{ census: TierCensus; stop(): Promise<void> }> {
  const { kafka, codec, catalog, rubric, registry, logger } = options;
  const census = new TierCensus();
  const registers = [registry];
  const healthOf = (scorecard: string) => census.health(rubric.scorecards.find((c) => c.id === scorecard) ?? rubric.scorecards[0]!);
  new Gauge({
    name: "tier_accounts",
    help: "Accounts currently in each tier, by scorecard (from the current-tier topic; every instance reports the whole pool).",
    labelNames: ["scorecard", "tier"],
    registers,
    collect() {
      this.reset();
      for (const card of rubric.scorecards) {
        const counts = census.counts(card.id);
        for (const tier of [...card.tiers.map((t) => t.id), card.excluded.id]) this.set({ scorecard: card.id, tier }, counts.get(tier) ?? 0);
      }
    },
  });
  new Gauge({
    name: "top_tier_share",
    help: "The top tier's share of the pool, 0-1, by scorecard.",
    labelNames: ["scorecard"],
    registers,
    collect() {
      for (const card of rubric.scorecards) this.set({ scorecard: card.id }, healthOf(card.id).health.share);
    },
  });
  new Gauge({
    name: "top_tier_share_band",
    help: "The rubric's healthy share of the pool in the top tier (methodology: roughly 10-15%), by scorecard and bound.",
    labelNames: ["scorecard", "bound"],
    registers,
    collect() {
      for (const card of rubric.scorecards) {
        this.set({ scorecard: card.id, bound: "min" }, card.topTierShare.min);
        this.set({ scorecard: card.id, bound: "max" }, card.topTierShare.max);
      }
    },
  });
  new Gauge({
    name: "top_tier_health",
    help: "-1 when the top tier holds less than its healthy band (thresholds too strict), 0 inside it, 1 above it (too generous).",
    labelNames: ["scorecard"],
    registers,
    collect() {
      for (const card of rubric.scorecards) {
        const status = healthOf(card.id).health.status;
        this.set({ scorecard: card.id }, status === "below" ? -1 : status === "above" ? 1 : 0);
      }
    },
  });

  const spec = catalog.currentTier;
  const groupId = `${options.groupPrefix}combiner-census-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId });
  const started = (async () => {
    await consumer.connect();
    await consumer.subscribe({ topic: spec.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        try {
          census.apply((await codec.decode(spec, message.value, message.key)) as TierChangedEventV1);
        } catch (error) {
          // A record the contract refuses is the combiner's own output gone wrong: say so, keep counting the rest.
          logger.warn({ topic: spec.topic, partition, offset: message.offset, err: error }, "tier census skipped an undecodable current-tier record");
        }
      },
    });
  })().catch((error: unknown) => logger.error({ err: error }, "tier census could not start; the tier gauges stay empty"));
  const timer = setInterval(() => {
    for (const card of rubric.scorecards) {
      const { warning } = census.health(card);
      if (warning) logger.warn({ scorecard: card.id, tierShare: healthOf(card.id).health.share }, warning);
    }
  }, options.warnEveryMs ?? 300_000);
  timer.unref();

  return {
    census,
    stop: async () => {
      clearInterval(timer);
      await started;
      await consumer.disconnect();
      await forgetGroup(kafka, groupId);
    },
  };
}
