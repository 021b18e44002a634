import { renameSync, writeFileSync } from "node:fs";
import { topicCatalog } from "@icpstream/contracts";
import { followTierChanges, formatTierChangeLine } from "@icpstream/cli";
import { connectSender } from "@icpstream/ingest";
import { kafkaConnectionFromEnv } from "@icpstream/kafka-kit";
import { createLogger } from "@icpstream/observability";
import { loadRubricFile } from "@icpstream/service-runtime";
import { DemoClockDriver, historyScored } from "./clock-driver.js";
import { parseDemoEnv } from "./config.js";
import { demoMarket, dueSignals } from "./demo-market.js";
import { DemoOutcomes } from "./demo-outcomes.js";
import type { TimedSignal } from "./demo-market.js";
import { TierBoard } from "./tier-board.js";

// Composition root of the live demo: sends the synthetic market (backfill, then live
// signals as the clock reaches them) and prints tier changes and the tier distribution as
// the pipeline decides them. It drives the services' clock: held at day 0 while the
// backfill is scored, then running at the demo's speed (written to the clock file every
// 100 ms). Stops on SIGINT / SIGTERM or after ICP_DEMO_SECONDS; the services are started
// and stopped by scripts/start.mjs.
const env = parseDemoEnv(process.env);
const kafkaConnection = kafkaConnectionFromEnv(process.env);
const out = (line: string) => process.stdout.write(`${line}\n`);
const rubric = loadRubricFile(env.ICP_RUBRIC);
const startMs = Date.parse(env.ICP_DEMO_CLOCK_START);
const driver = new DemoClockDriver(startMs, env.ICP_DEMO_CLOCK_FACTOR);
const clock = () => driver.now(Date.now());
const writeClock = () => {
  const temporary = `${env.ICP_DEMO_CLOCK_FILE}.next`;
  writeFileSync(temporary, `${new Date(clock()).toISOString()}\n`);
  renameSync(temporary, env.ICP_DEMO_CLOCK_FILE); // whole, so a service never reads half an instant
};
const DAY_MS = 86_400_000;
const clockLabel = () => {
  const now = clock();
  return `day ${Math.floor((now - startMs) / DAY_MS)} (${new Date(now).toISOString().slice(0, 10)})`;
};

const stop = new AbortController();
process.on("SIGINT", () => stop.abort());
process.on("SIGTERM", () => stop.abort());
const timer = env.ICP_DEMO_SECONDS > 0 ? setTimeout(() => stop.abort(), env.ICP_DEMO_SECONDS * 1000) : undefined;

const market = demoMarket({ seed: env.ICP_DEMO_SEED, accounts: env.ICP_DEMO_ACCOUNTS, clockStartMs: startMs, backfillDays: env.ICP_DEMO_BACKFILL_DAYS, liveDays: env.ICP_DEMO_LIVE_DAYS });
const board = new TierBoard(rubric.scorecards, env.ICP_DEMO_LINES_PER_SECOND);
const accountWidth = Math.min(28, Math.max(...market.profiles.map((p) => p.accountKey.length)));
let hinted = false;
const hint = (accountKey: string) => {
  if (hinted) return;
  hinted = true;
  const ns = `ICP_TOPIC_PREFIX=${env.ICP_TOPIC_PREFIX} ICP_REDIS_PREFIX=${env.ICP_REDIS_PREFIX} ICP_GROUP_PREFIX=${env.ICP_GROUP_PREFIX}`;
  out(`   (in another terminal:  ${ns} npx icp explain ${accountKey} --live   ·   ${ns} npx icp tail)`);
};

let lastChangeWallMs = Date.now();
const view = followTierChanges({
  settings: { kafka: kafkaConnection, registryUrl: env.SCHEMA_REGISTRY_URL, topicPrefix: env.ICP_TOPIC_PREFIX, groupPrefix: env.ICP_GROUP_PREFIX },
  fromBeginning: true,
  signal: stop.signal,
  onUndecodable: (where, reason) => out(`   skipped an undecodable tier change at ${where}: ${reason}`),
  onEvent: (event) => {
    lastChangeWallMs = Date.now();
    const decision = board.record(event, Date.now());
    if (decision.show) {
      out(formatTierChangeLine(event, { scorecard: rubric.scorecards.length > 1, accountWidth, reasons: 2 }).replace(/^\S+/, clockLabel()));
      if (decision.kind === "up" && event.tier.rank === 1) hint(event.accountKey);
    }
  },
});

const sender = await connectSender(
  { ...kafkaConnection, registryUrl: env.SCHEMA_REGISTRY_URL, clientId: "icp-demo-feed", schemaMode: "register", catalog: topicCatalog({ prefix: env.ICP_TOPIC_PREFIX }) },
  createLogger({ service: "demo-feed", level: "warn" }),
);
const sendSignals = async (signals: readonly TimedSignal[]) => {
  const byTopic = new Map<TimedSignal["topic"], unknown[]>();
  for (const s of signals) byTopic.set(s.topic, [...(byTopic.get(s.topic) ?? []), s.event]);
  for (const [topic, events] of byTopic) for (let i = 0; i < events.length; i += 500) await sender.send(topic, events.slice(i, i + 500));
};

out(`[demo] ${market.profiles.length} accounts, rubric ${rubric.version.label ?? rubric.version.hash.slice(0, 12)}; day 0 is ${env.ICP_DEMO_CLOCK_START.slice(0, 10)}; ${Math.round(env.ICP_DEMO_CLOCK_FACTOR / 864) / 100} simulated days per wall second once the history is scored`);
let summaryTimer: NodeJS.Timeout | undefined;
let liveTimer: NodeJS.Timeout | undefined;
let clockTimer: NodeJS.Timeout | undefined;
try {
  writeClock();
  for (let i = 0; i < market.profiles.length && !stop.signal.aborted; i += 500) await sender.send("firmographic", market.profiles.slice(i, i + 500));
  for (let i = 0; i < market.contacts.length && !stop.signal.aborted; i += 500) await sender.send("contacts", market.contacts.slice(i, i + 500));
  await sendSignals(market.backfill);
  out(`[demo] sent ${market.profiles.length} profiles, ${market.contacts.length} contacts and ${market.backfill.length} signals from the ${env.ICP_DEMO_BACKFILL_DAYS} days before day 0; ${market.live.length} live signals follow over ${env.ICP_DEMO_LIVE_DAYS} days`);
  // The clock stays at day 0 until every account is placed and the tier changes settle.
  const expected = market.profiles.length * rubric.scorecards.length;
  const holdUntil = Date.now() + env.ICP_DEMO_HOLD_SECONDS * 1000;
  let reported = Date.now();
  while (!stop.signal.aborted && !historyScored({ placed: board.placedCount(), expected, lastChangeWallMs, wallMs: Date.now(), quietMs: 2_000 }) && Date.now() < holdUntil) {
    if (Date.now() - reported >= 5_000) {
      reported = Date.now();
      out(`[demo] scoring the history at day 0: ${board.placedCount()} of ${expected} placements`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (!stop.signal.aborted) {
    const scored = board.placedCount() >= expected;
    board.summary(`day 0 (${env.ICP_DEMO_CLOCK_START.slice(0, 10)}), history scored`).forEach(out);
    driver.release(Date.now());
    clockTimer = setInterval(writeClock, 100);
    out(`[demo] ${scored ? "history scored" : `still scoring after ${env.ICP_DEMO_HOLD_SECONDS} s (${board.placedCount()} of ${expected} placements)`}; the clock runs. Tier changes (first placements are counted in the summary lines):`);
    summaryTimer = setInterval(() => board.summary(clockLabel()).forEach(out), env.ICP_DEMO_SUMMARY_SECONDS * 1000);
  }
  let next = 0;
  let sending = false;
  // Opportunities while the clock runs, by the tiers the view has seen (the outcome stage scores them; the console shows model health).
  const crm = new DemoOutcomes(env.ICP_DEMO_SEED);
  const accountKeys = market.profiles.map((p) => p.accountKey);
  const scorecard = rubric.scorecards[0]?.id ?? "";
  liveTimer = setInterval(() => {
    if (sending) return;
    const now = clock();
    const [due, after] = next < market.live.length ? dueSignals(market.live, next, now) : [[], next];
    const outcomes = crm.advance(now, accountKeys, (accountKey) => board.rankOf(scorecard, accountKey));
    if (due.length === 0 && outcomes.length === 0) return;
    sending = true;
    next = after;
    (async () => {
      await sendSignals(due);
      for (let i = 0; i < outcomes.length; i += 500) await sender.send("outcome", outcomes.slice(i, i + 500));
    })()
      .catch((error: unknown) => out(`[demo] sending live events failed: ${(error as Error).message}`))
      .finally(() => (sending = false));
  }, 200);
  await new Promise<void>((resolve) => (stop.signal.aborted ? resolve() : stop.signal.addEventListener("abort", () => resolve(), { once: true })));
} finally {
  clearInterval(summaryTimer);
  clearInterval(liveTimer);
  clearInterval(clockTimer);
  clearTimeout(timer);
  stop.abort();
  await view.catch((error: unknown) => out(`[demo] the view stopped: ${(error as Error).message}`));
  await sender.close();
  board.summary(`${clockLabel()} final`).forEach(out);
}
