import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import type { Browser, Page } from "playwright-core";
import { expect } from "vitest";
import type { AccountProfileEventV1, OutcomeEventV1, TierChangedEventV1 } from "@icpstream/contracts";
import { confluentRegistry, RegistryCodec } from "@icpstream/kafka-kit";
import { recomputeFinalState } from "@icpstream/pipeline";
import { stackTest as test, uniqueName, waitFor } from "@icpstream/testkit";
import type { StackFixture } from "@icpstream/testkit";
import { DAY_MS, marketFeed, Pipeline } from "./support/pipeline-harness.js";
import { REPO_ROOT } from "./support/service-process.js";
import type { ServiceProcess } from "./support/service-process.js";

/**
 * Issue 16, point 5: the web console tested as a user would. Debian's chromium, driven by
 * playwright-core, opens every page against the running pipeline (fit, timing, combiner,
 * the outcome stage and the console as processes): the tier board counts what the batch
 * recompute counts; a tier change produced during the test shows in the live feed within
 * 2 seconds of being published; an account page shows the tier the batch recompute gives.
 * Screenshots of each page go to test/artifacts/console/ (ICP_TEST_ARTIFACTS to change).
 * The browser is `ICP_CHROMIUM` or /usr/bin/chromium (apt-get install chromium).
 */
const MARKET = { seed: 5_005, accounts: 250, start: "2026-06-01T00:00:00.000Z", days: 90 };
const CLOCK = Date.parse("2026-09-01T00:00:00.000Z");
const TOKEN = `console-test-${uniqueName("token")}`;
const ARTIFACTS = process.env.ICP_TEST_ARTIFACTS ?? join(REPO_ROOT, "test", "artifacts", "console");
const CHROMIUM = process.env.ICP_CHROMIUM ?? "/usr/bin/chromium";
/** The promise for the live feed. */
const FEED_LATENCY_MS = 2_000;

function listeningPort(service: ServiceProcess, pattern: RegExp): number {
  const match = pattern.exec(readFileSync(service.logFile, "utf8"));
  if (!match?.[1]) throw new Error(`no address in ${service.name}'s log`);
  return Number(match[1]);
}

async function shoot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
}

test("the web console shows the pipeline as the batch recompute sees it, and a new tier change in its live feed within 2 s", { timeout: 180_000 }, async ({ stack, onTestFailed }) => {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: apt-get install chromium (Debian's package), or set ICP_CHROMIUM to a Chromium executable`);
  mkdirSync(ARTIFACTS, { recursive: true });
  const feed = marketFeed(MARKET);
  expect(feed.lastEventAt).toBeLessThan(CLOCK);
  const pipeline = await Pipeline.create(stack, { clock: CLOCK });
  const outcomes = pipeline.extraService("outcomes");
  onTestFailed(() => console.log(`${pipeline.logTails()}\n\n${outcomes.tail(30)}`));
  pipeline.startAll();
  outcomes.start();
  await waitFor(() => (outcomes.assertAlive(), outcomes.isRunning()), { timeoutMs: 60_000, what: "the outcome stage running" });
  const outcomesPort = listeningPort(outcomes, /"ops":"http:\/\/[^:]+:(\d+)"/);
  const consoleService = pipeline.extraService("console", { ICP_CONSOLE_TOKEN: TOKEN, ICP_CONSOLE_PORT: "0", ICP_CONSOLE_OUTCOMES_URL: `http://127.0.0.1:${outcomesPort}` });
  onTestFailed(() => console.log(consoleService.tail(30)));
  consoleService.start();
  await pipeline.waitUntilRunning();
  await waitFor(() => (consoleService.assertAlive(), consoleService.isRunning()), { timeoutMs: 60_000, what: "the console running" });
  const base = `http://127.0.0.1:${listeningPort(consoleService, /"url":"http:\/\/[^:]+:(\d+)"/)}`;

  await pipeline.send({ profiles: feed.profiles, signals: feed.signals });
  await pipeline.waitForQuiescence({ timeoutMs: 120_000, what: "the pipeline to score the market" });
  const batch = recomputeFinalState({ profiles: feed.profiles, signals: feed.signals.map((s) => s.event), rubric: pipeline.rubric, now: CLOCK }).filter((f) => f.scorecard === "enterprise" && f.tier !== null);
  const batchCount = (tier: string) => batch.filter((f) => f.tier?.id === tier).length;

  // Opportunities on a third of the accounts, created now and closed ten days later (won one time in two).
  const at = new Date(CLOCK).toISOString();
  const closedAt = new Date(CLOCK + 10 * DAY_MS).toISOString();
  const outcomeEvents: OutcomeEventV1[] = feed.profiles.flatMap((p, i): OutcomeEventV1[] => {
    if (i % 3 !== 0) return [];
    const envelope = (kind: string) => ({ eventId: `ui-${kind}-${p.accountKey}`, accountKey: p.accountKey, occurredAt: at, observedAt: at, source: "crm-test", schemaVersion: 1 as const, opportunityId: `ui-opp-${i}`, createdAt: at });
    return [
      { type: "opportunity_created", ...envelope("created"), amountUsd: 20_000 },
      i % 2 === 0 ? { type: "opportunity_closed_won", ...envelope("won"), amountUsd: 20_000, closedAt } : { type: "opportunity_closed_lost", ...envelope("lost"), closedAt },
    ];
  });
  await pipeline.sendOutcomes(outcomeEvents);

  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-dev-shm-usage"] });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const consoleErrors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(error.message));

    // Without the token: the sign-in page, and the API refuses.
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe("/login");
    expect((await page.request.get(`${base}/api/board`)).status()).toBe(401);
    await page.fill("input[name=token]", "not-the-token-at-all");
    await page.click("button[type=submit]");
    await page.waitForSelector("text=That token does not open this console");
    await shoot(page, "0-login-refused");
    await page.fill("input[name=token]", TOKEN);
    await page.click("button[type=submit]");
    await page.waitForURL(`${base}/`);
    consoleErrors.length = 0; // the refused sign-in's 401 was expected

    // The tier board: every tier counts what the batch recompute counts, once the console has read the topic.
    for (const tier of ["tier1", "tier2", "tier3", "excluded"]) {
      const selector = `[data-testid="count-${tier}"]`;
      await waitFor(async () => (await page.textContent(selector, { timeout: 5_000 }).catch(() => null)) === String(batchCount(tier)), { timeoutMs: 20_000, intervalMs: 200, what: `the board to count ${batchCount(tier)} accounts in ${tier}` });
    }
    await page.waitForSelector("canvas");
    await shoot(page, "1-tier-board");

    // The live feed: a new account's first tier, published during the test, shows within 2 s.
    await page.goto(`${base}/feed`);
    await page.waitForSelector('[data-testid="feed-status"]:text("live")');
    const template = feed.profiles[0] as AccountProfileEventV1;
    const fresh = `${uniqueName("fresh")}.com`;
    const published = watchTierChange(pipeline, stack, fresh);
    await pipeline.send({ profiles: [{ ...template, eventId: `${fresh}-profile`, accountKey: fresh, occurredAt: new Date(CLOCK - DAY_MS).toISOString(), observedAt: new Date(CLOCK - DAY_MS).toISOString() }] });
    await page.waitForSelector(`tr[data-account="${fresh}"]`, { timeout: 30_000 });
    const shownAt = Date.now();
    const publishedAt = await published;
    console.log(`live feed: the tier change published at ${new Date(publishedAt).toISOString()} was on the page ${shownAt - publishedAt} ms later`);
    expect(shownAt - publishedAt).toBeLessThan(FEED_LATENCY_MS);
    await shoot(page, "2-live-feed", false);

    // An account page: the tier the batch recompute gives, with the explanation and history.
    const top = batch.find((f) => f.tier?.id === "tier1") ?? batch[0];
    if (!top?.tier) throw new Error("the market has no tiered account");
    await page.goto(`${base}/accounts/${top.accountKey}`);
    await page.waitForSelector('[data-testid="tier-enterprise"]');
    expect((await page.textContent('[data-testid="tier-enterprise"]'))?.trim()).toBe(top.tier.name);
    await page.waitForSelector("text=Tier history");
    await shoot(page, "3-account");
    await page.goto(`${base}/accounts`);
    await page.waitForSelector("tbody tr");
    await shoot(page, "4-accounts");

    // Model health: the outcome stage's counts with the backtest's verdicts.
    await page.goto(`${base}/health`);
    await page.waitForSelector('[data-testid="headline"]', { timeout: 30_000 });
    await page.waitForSelector("canvas");
    await shoot(page, "5-model-health");

    await page.goto(`${base}/rubrics`);
    await page.waitForSelector("text=Rubric versions in the pool");
    await shoot(page, "6-rubrics");
    expect(consoleErrors).toEqual([]);
  } finally {
    await browser?.close();
  }
});

/** Resolves with the instant (ms) the combiner published `accountKey`'s first tier change (the record's timestamp). */
function watchTierChange(pipeline: Pipeline, stack: StackFixture, accountKey: string): Promise<number> {
  const codec = new RegistryCodec(confluentRegistry({ url: stack.settings.SCHEMA_REGISTRY_URL }), { mode: "verify" });
  const consumer = stack.kafka.consumer({ groupId: uniqueName("console-watch") });
  return new Promise<number>((resolve, reject) => {
    void (async () => {
      await consumer.connect();
      await consumer.subscribe({ topic: pipeline.catalog.tierChanged.topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (message.key?.toString() !== accountKey) return;
          const event = (await codec.decode(pipeline.catalog.tierChanged, message.value, message.key)) as TierChangedEventV1;
          if (event.accountKey === accountKey) resolve(Number(message.timestamp));
        },
      });
    })().catch(reject);
  }).finally(() => void consumer.disconnect());
}
