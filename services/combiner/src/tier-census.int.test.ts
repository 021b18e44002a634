import { EXAMPLE_EVENTS, topicCatalog } from "@icpstream/contracts";
import type { TierChangedEventV1 } from "@icpstream/contracts";
import { confluentRegistry, createKafka, EventProducer, RegistryCodec, kafkaConnectionFromEnv } from "@icpstream/kafka-kit";
import { createLogger } from "@icpstream/observability";
import { parseRubric } from "@icpstream/scoring";
import { stackTest, uniqueName, waitFor, connectionEnv } from "@icpstream/testkit";
import { Partitioners } from "kafkajs";
import { readFileSync } from "node:fs";
import { Registry } from "prom-client";
import { expect } from "vitest";
import { startTierCensus } from "./tier-census.js";

const rubric = parseRubric(readFileSync(new URL("../../../rubrics/enterprise.yaml", import.meta.url), "utf8"), "enterprise.yaml");

stackTest("the combiner's tier census reports the pool's tiers and says when the top tier is outside its healthy band", async ({ stack }) => {
  const prefix = `${uniqueName("census")}.`;
  const catalog = topicCatalog({ prefix });
  const admin = await stack.admin();
  await admin.createTopics({ topics: [{ topic: catalog.currentTier.topic, numPartitions: 2, configEntries: [{ name: "cleanup.policy", value: "compact" }] }], waitForLeaders: true });
  stack.onCleanup(async () => {
    await admin.deleteTopics({ topics: [catalog.currentTier.topic] });
    const subject = `${stack.settings.SCHEMA_REGISTRY_URL}/subjects/${encodeURIComponent(catalog.currentTier.subject)}`;
    await fetch(subject, { method: "DELETE" });
    await fetch(`${subject}?permanent=true`, { method: "DELETE" });
  });

  const kafka = createKafka({ ...kafkaConnectionFromEnv(connectionEnv(stack.settings)), clientId: "census-test" });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  stack.onCleanup(() => producer.disconnect());
  const codec = new RegistryCodec(confluentRegistry({ url: stack.settings.SCHEMA_REGISTRY_URL }));
  const sender = new EventProducer(producer, codec);
  const example = EXAMPLE_EVENTS.tierChanged[0]!;
  const tier = (id: string) => ({ id, name: id, rank: id === "tier1" ? 1 : id === "tier2" ? 2 : 3 });
  const record = (i: number, id: string): TierChangedEventV1 => ({ ...example, eventId: `census-${i}-${id}`, accountKey: `a${i}.com`, scorecard: "enterprise", tier: tier(id), previousTier: null });
  // 10 accounts, 4 of them in Tier 1 (40%: too many), then 3 of those move down (10%: healthy).
  await sender.send(catalog.currentTier, Array.from({ length: 10 }, (_, i) => record(i, i < 4 ? "tier1" : "tier3")));

  const registry = new Registry();
  const running = await startTierCensus({ kafka, codec, catalog, rubric, registry, logger: createLogger({ service: "census-test", level: "silent" }), groupPrefix: `${prefix}icp.` });
  stack.onCleanup(() => running.stop());
  const gauge = async (name: string, labels: Record<string, string>) => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    return (metric as { values: { labels: Record<string, string>; value: number }[] } | undefined)?.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value;
  };

  await waitFor(async () => (await gauge("tier_accounts", { scorecard: "enterprise", tier: "tier3" })) === 6, { timeoutMs: 30_000, what: "the census to count the records" });
  expect(await gauge("tier_accounts", { scorecard: "enterprise", tier: "tier1" })).toBe(4);
  expect(await gauge("top_tier_share", { scorecard: "enterprise" })).toBe(0.4);
  expect(await gauge("top_tier_health", { scorecard: "enterprise" })).toBe(1);
  expect(await gauge("top_tier_share_band", { scorecard: "enterprise", bound: "max" })).toBe(0.15);

  await sender.send(catalog.currentTier, [1, 2, 3].map((i) => record(i, "tier2")));
  await waitFor(async () => (await gauge("tier_accounts", { scorecard: "enterprise", tier: "tier1" })) === 1, { timeoutMs: 30_000, what: "the census to count the records" });
  expect(await gauge("top_tier_share", { scorecard: "enterprise" })).toBe(0.1);
  expect(await gauge("top_tier_health", { scorecard: "enterprise" })).toBe(0);
  expect(running.census.health(rubric.scorecards[0]!).warning).toBeUndefined();
});
