import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { expect } from "vitest";
import { shadowCatalog } from "@icpstream/contracts";
import type { TierChangedEventV1 } from "@icpstream/contracts";
import { recomputeFinalState, tierChangeVersion } from "@icpstream/pipeline";
import { RedisPartitionStateStore } from "@icpstream/redis-kit";
import { parseRubric } from "@icpstream/scoring";
import { stackTest as test, waitFor } from "@icpstream/testkit";
import { marketFeed, Pipeline, RUBRIC_PATH, SERVICES } from "./support/pipeline-harness.js";
import { REPO_ROOT } from "./support/service-process.js";

const ARTIFACTS = process.env.ICP_TEST_ARTIFACTS ?? join(REPO_ROOT, "test", "artifacts", "console");
const CHROMIUM = process.env.ICP_CHROMIUM ?? "/usr/bin/chromium";

/**
 * Issue 16, point 3 (shadow): fit, timing and combiner started a second time with
 * ICP_SHADOW_RUBRIC score the same inputs with a candidate rubric beside the live pipeline.
 * Their tier changes go to the shadow topics only, and end where the batch recompute under
 * the candidate ends; the live topic carries only the live rubric's changes.
 */
const MARKET = { seed: 3_003, accounts: 200, start: "2026-06-01T00:00:00.000Z", days: 90 };
const CLOCK = Date.parse("2026-09-01T00:00:00.000Z");

test("a shadow rubric scores beside the live one, into its own topics, and ends where the batch recompute under it ends", { timeout: 240_000 }, async ({ stack, onTestFailed }) => {
  const feed = marketFeed(MARKET);
  const pipeline = await Pipeline.create(stack, { clock: CLOCK });
  const candidatePath = join(pipeline.dir, "candidate.yaml");
  writeFileSync(candidatePath, readFileSync(RUBRIC_PATH, "utf8").replace("min: 75", "min: 62").replace("label: enterprise 2026-Q4", "label: enterprise candidate"));
  const candidate = parseRubric(readFileSync(candidatePath, "utf8"), candidatePath);
  expect(candidate.version.hash).not.toBe(pipeline.rubric.version.hash);
  const shadows = SERVICES.map((name) => pipeline.extraService(name, { ICP_SHADOW_RUBRIC: candidatePath }, `${name}.shadow`));
  onTestFailed(() => console.log(`${pipeline.logTails()}\n\n${shadows.map((s) => s.tail(20)).join("\n\n")}`));
  const token = "shadow-test-console-token";
  const consoleService = pipeline.extraService("console", { ICP_CONSOLE_TOKEN: token, ICP_CONSOLE_PORT: "0", ICP_CONSOLE_OUTCOMES_URL: "http://127.0.0.1:1" });
  pipeline.startAll();
  for (const s of shadows) s.start();
  consoleService.start();
  await pipeline.waitUntilRunning();
  await waitFor(() => shadows.every((s) => (s.assertAlive(), s.isRunning())), { timeoutMs: 60_000, what: "the shadow services running" });

  await pipeline.send({ profiles: feed.profiles, signals: feed.signals });
  await pipeline.waitForQuiescence({ timeoutMs: 120_000, what: "the live pipeline to apply every event" });

  // The shadow pipeline is done when each shadow service applied all its inputs.
  const shadow = shadowCatalog({ prefix: pipeline.catalog.firmographic.topic.replace(/icp\.firmographic$/, ""), partitions: pipeline.partitions });
  const store = new RedisPartitionStateStore(stack.redis(), { prefix: `${stack.keyPrefix}shadow.` });
  const partitions = Array.from({ length: pipeline.partitions }, (_, p) => p);
  const layout = [
    { group: `${pipeline.groupPrefix}fit.shadow`, stream: shadow.firmographic.topic, topics: [shadow.firmographic.topic] },
    { group: `${pipeline.groupPrefix}timing.shadow`, stream: "signals", topics: [shadow.hiring.topic, shadow.funding.topic, shadow.intent.topic] },
    { group: `${pipeline.groupPrefix}combiner.shadow`, stream: "scores", topics: [shadow.fitScored.topic, shadow.timingScored.topic] },
  ];
  let previous = "";
  await waitFor(
    async () => {
      for (const s of shadows) s.assertAlive();
      let signature = "";
      for (const { group, stream, topics } of layout) {
        for (const topic of topics) {
          const high = await pipeline.highWatermarks(topic);
          const stored = await store.loadStoredOffsets(group, topic, partitions, stream);
          for (const p of partitions) {
            const done = stored.get(p) === null || stored.get(p) === undefined ? 0 : Number(stored.get(p)) + 1;
            if (done !== high[p]) return false;
            signature += `${topic}:${p}:${done};`;
          }
        }
        for (const p of partitions) if (Object.keys(await store.readShared({ group, stream, partition: p }, "outbox")).length > 0) return false;
      }
      const settled = signature === previous;
      previous = signature;
      return settled;
    },
    { timeoutMs: 120_000, intervalMs: 500, what: "the shadow pipeline to apply every event" },
  );

  const newestTier = (events: readonly TierChangedEventV1[]) => {
    const out = new Map<string, TierChangedEventV1>();
    for (const e of events) if (!out.has(e.accountKey) || tierChangeVersion(e) > tierChangeVersion(out.get(e.accountKey) as TierChangedEventV1)) out.set(e.accountKey, e);
    return out;
  };
  const shadowChanges = (await pipeline.readTopic(shadow.tierChanged)).map((m) => m.event as TierChangedEventV1);
  const liveChanges = (await pipeline.readTopic(pipeline.catalog.tierChanged)).map((m) => m.event as TierChangedEventV1);
  expect(new Set(shadowChanges.map((e) => e.rubricVersion.hash))).toEqual(new Set([candidate.version.hash]));
  expect(new Set(liveChanges.map((e) => e.rubricVersion.hash))).toEqual(new Set([pipeline.rubric.version.hash]));

  const tiers = (changes: readonly TierChangedEventV1[]) => [...newestTier(changes.filter((e) => e.scorecard === "enterprise"))].map(([account, e]) => `${account}:${e.tier.id}`).sort();
  const batch = (rubric: typeof candidate) =>
    recomputeFinalState({ profiles: feed.profiles, signals: feed.signals.map((s) => s.event), rubric, now: CLOCK })
      .filter((f) => f.scorecard === "enterprise" && f.tier !== null)
      .map((f) => `${f.accountKey}:${f.tier?.id}`)
      .sort();
  expect(tiers(shadowChanges)).toEqual(batch(candidate));
  expect(tiers(liveChanges)).toEqual(batch(pipeline.rubric));
  const moved = tiers(shadowChanges).filter((t, i) => t !== tiers(liveChanges)[i]).length;
  console.log(`shadow: ${shadowChanges.length} shadow tier changes, ${liveChanges.length} live; ${moved} accounts in another tier under the candidate`);
  expect(moved).toBeGreaterThan(0);

  // The console compares the two: the accounts that would change tier if the candidate were promoted.
  await waitFor(() => (consoleService.assertAlive(), consoleService.isRunning()), { timeoutMs: 30_000, what: "the console running" });
  const port = /"url":"http:\/\/[^:]+:(\d+)"/.exec(readFileSync(consoleService.logFile, "utf8"))?.[1];
  const base = `http://127.0.0.1:${port}`;
  const comparison = await waitFor(
    async () => {
      const body = (await (await fetch(`${base}/api/rubrics`, { headers: { authorization: `Bearer ${token}` } })).json()) as { shadow: { running: boolean; scorecards: { scorecard: string; differing: number }[] } };
      const card = body.shadow.scorecards.find((c) => c.scorecard === "enterprise");
      return card?.differing === moved ? body.shadow : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 500, what: `the console to count ${moved} accounts that would move` },
  );
  expect(comparison.running).toBe(true);
  if (existsSync(CHROMIUM)) {
    mkdirSync(ARTIFACTS, { recursive: true });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${base}/login`);
      await page.fill("input[name=token]", token);
      await page.click("button[type=submit]");
      await page.waitForURL(`${base}/`);
      await page.goto(`${base}/rubrics`);
      await page.waitForSelector(`[data-testid="shadow-differing"]:text("${moved}")`);
      await page.screenshot({ path: join(ARTIFACTS, "7-rubrics-shadow.png"), fullPage: true });
      // An account that would move: its page says so, with the shadow's reasons.
      const mover = await page.getAttribute('[data-testid="shadow"] td a[href^="/accounts/"]', "href");
      expect(mover).toBeTruthy();
      await page.goto(`${base}${mover}`);
      await page.waitForSelector('[data-testid="shadow-tier"].moves');
      await page.screenshot({ path: join(ARTIFACTS, "8-account-shadow.png") });
    } finally {
      await browser.close();
    }
  }
});
