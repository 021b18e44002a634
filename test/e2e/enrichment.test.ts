import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect } from "vitest";
import type { AccountProfileEventV1, EnrichmentRequestedEventV1, FitScoredEventV1 } from "@icpstream/contracts";
import { confluentRegistry, RegistryCodec } from "@icpstream/kafka-kit";
import { collectTopic } from "@icpstream/kafka-kit/testing";
import { AccountProfile, decideEnrichment, withoutLayers } from "@icpstream/scoring";
import type { LoadedScorecard, WaterfallRules } from "@icpstream/scoring";
import { stackTest as test, waitFor } from "@icpstream/testkit";
import type { KafkaMessage } from "kafkajs";
import { demoMarket } from "../../services/demo/src/demo-market.js";
import { Pipeline } from "./support/pipeline-harness.js";

/**
 * Issue 17, point 4 on the real stack: the demo market's accounts arrive as a raw list
 * (firmographics only); the enrichment service asks for technographics only for the accounts
 * that pass the enterprise rubric's firmographic floor; the sample worker answers from a file
 * (the market's full profiles); the updated profiles flow back through the fit service, and
 * organisational enrichment is asked only for accounts whose fit after technographics reaches
 * the threshold.
 */
const CLOCK = Date.parse("2026-11-29T00:00:00.000Z");

describe("the enrichment waterfall as events", () => {
  test("on the demo market, technographic enrichment is requested only for accounts that passed the floor, and organisational only above the threshold once the worker answered", { timeout: 240_000 }, async ({ stack, onTestFailed }) => {
    const pipeline = await Pipeline.create(stack, { clock: CLOCK, partitions: 2 });
    const { catalog, rubric } = pipeline;
    const card = rubric.scorecards.find((c) => c.waterfall) as LoadedScorecard & { waterfall: WaterfallRules };
    const market = demoMarket({ seed: 1, accounts: 150, clockStartMs: CLOCK, backfillDays: 30, liveDays: 0 });
    const full = market.profiles.map((p) => AccountProfile.parse(p));
    // The raw list: what an account export has before any enrichment.
    const raw: AccountProfileEventV1[] = market.profiles.map((p) => ({ ...p, ...withoutLayers(AccountProfile.parse(p), { technographic: true, organisational: true }), type: "account_profile", eventId: `raw-${p.eventId}` }));
    const source = join(pipeline.dir, "enrichment-source.ndjson");
    writeFileSync(source, `${full.map((p) => JSON.stringify(p)).join("\n")}\n`);

    const codec = new RegistryCodec(confluentRegistry({ url: stack.settings.SCHEMA_REGISTRY_URL }), { mode: "register" });
    const decode = async <T>(spec: Parameters<RegistryCodec["decode"]>[0], messages: readonly KafkaMessage[]): Promise<T[]> => {
      const out: T[] = [];
      for (const m of [...messages]) out.push((await codec.decode(spec, m.value ?? Buffer.alloc(0), m.key)) as T);
      return out;
    };
    const requestMessages = await collectTopic(stack, catalog.enrichmentRequests.topic);
    const fitMessages = await collectTopic(stack, catalog.fitScored.topic);
    const budget = { ICP_ENRICHMENT_DAILY_BUDGET_TECHNOGRAPHIC: "100000", ICP_ENRICHMENT_DAILY_BUDGET_ORGANISATIONAL: "100000" };
    const enrichment = pipeline.startProcess("enrichment", { env: budget });
    onTestFailed(() => console.log(`${enrichment.tail(30)}\n\n${pipeline.logTails()}`));

    const passFloor = new Set(full.filter((p) => decideEnrichment(p, card, { technographic: false, organisational: false }).next === "technographic").map((p) => p.accountKey));
    const aboveThreshold = new Set(full.filter((p) => passFloor.has(p.accountKey) && (p.technographics.technologies.length > 0 || p.technographics.competitorContracts.length > 0) && decideEnrichment(p, card, { technographic: true, organisational: false }).next === "organisational").map((p) => p.accountKey));
    expect(passFloor.size).toBeGreaterThan(0);
    expect(passFloor.size).toBeLessThan(full.length);

    await pipeline.send({ profiles: raw });
    await waitFor(async () => requestMessages.length >= passFloor.size, { timeoutMs: 90_000, intervalMs: 500, what: `${passFloor.size} technographic requests` });
    const first = await decode<EnrichmentRequestedEventV1>(catalog.enrichmentRequests, requestMessages);
    expect(first.every((r) => r.step === "technographic")).toBe(true);
    expect(new Set(first.map((r) => r.accountKey))).toEqual(passFloor);
    expect(first.length).toBe(passFloor.size);

    // The worker answers; the fit service scores the updated profiles; organisational requests follow for those above the threshold.
    pipeline.services.fit.start();
    pipeline.startProcess("enrichment", { logName: "enrichment-worker", entry: "services/enrichment/src/worker-main.ts", env: { ICP_ENRICHMENT_SOURCE: source } });
    await waitFor(async () => requestMessages.length >= passFloor.size + aboveThreshold.size, { timeoutMs: 90_000, intervalMs: 500, what: `${aboveThreshold.size} organisational requests after the technographic answers` });
    const all = await decode<EnrichmentRequestedEventV1>(catalog.enrichmentRequests, requestMessages);
    const organisational = all.filter((r) => r.step === "organisational");
    expect(new Set(organisational.map((r) => r.accountKey))).toEqual(aboveThreshold);
    expect(organisational.every((r) => (r.fitBeforeOrganisational ?? 0) >= card.waterfall.organisationalThreshold)).toBe(true);
    onTestFailed(async () => {
      const fits = await decode<FitScoredEventV1>(catalog.fitScored, fitMessages);
      console.log("fits scored:", fits.length, "last causes:", JSON.stringify(fits.slice(-5).map((f) => f.causingEventIds)), "organisational requests:", JSON.stringify(organisational.slice(0, 3).map((r) => r.eventId)));
    });
    await waitFor(async () => (await decode<FitScoredEventV1>(catalog.fitScored, fitMessages)).some((f) => organisational.some((r) => `enriched:${r.eventId}` === f.causingEventIds[0])), {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: "a fit scored from a profile the worker completed with organisational data",
    });
    console.log(`[e2e enrichment] ${full.length} accounts: ${passFloor.size} technographic requests (${full.length - passFloor.size} stopped at the floor), ${organisational.length} organisational requests; enriching everything first: ${2 * full.length} calls`);
  });
});
