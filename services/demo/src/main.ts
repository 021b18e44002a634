import { topicCatalog } from "@icpstream/contracts";
import { followTierChanges, formatTierChangeLine } from "@icpstream/cli";
import { connectSender } from "@icpstream/ingest";
import { createLogger } from "@icpstream/observability";
import { loadRubricFile, parseClock } from "@icpstream/service-runtime";
import { parseDemoEnv } from "./config.js";
import { demoMarket, dueSignals } from "./demo-market.js";
import type { TimedSignal } from "./demo-market.js";
import { TierBoard } from "./tier-board.js";

// Composition root of the live demo: sends the synthetic market (backfill, then live
// signals as the accelerated clock reaches them) and prints tier changes and the tier
// distribution as the pipeline decides them. Stops on SIGINT / SIGTERM or after
// ICP_DEMO_SECONDS; the services are started and stopped by scripts/start.mjs.
const env = parseDemoEnv(process.env);
const out = (line: string) => process.stdout.write(`${line}\n`);
const clock = parseClock(env.ICP_CLOCK);
const rubric = loadRubricFile(env.ICP_RUBRIC);
const startMs = Date.parse(env.ICP_DEMO_CLOCK_START);
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

const view = followTierChanges({
  settings: { kafkaBrokers: env.KAFKA_BROKERS, registryUrl: env.SCHEMA_REGISTRY_URL, topicPrefix: env.ICP_TOPIC_PREFIX, groupPrefix: env.ICP_GROUP_PREFIX },
  fromBeginning: true,
  signal: stop.signal,
  onUndecodable: (where, reason) => out(`   skipped an undecodable tier change at ${where}: ${reason}`),
  onEvent: (event) => {
    const decision = board.record(event, Date.now());
    if (decision.show) {
      out(formatTierChangeLine(event, { scorecard: rubric.scorecards.length > 1, accountWidth, reasons: 2 }).replace(/^\S+/, clockLabel()));
      if (decision.kind === "up" && event.tier.rank === 1) hint(event.accountKey);
    }
  },
});

const sender = await connectSender(
  { brokers: env.KAFKA_BROKERS, registryUrl: env.SCHEMA_REGISTRY_URL, clientId: "icp-demo-feed", schemaMode: "register", catalog: topicCatalog({ prefix: env.ICP_TOPIC_PREFIX }) },
  createLogger({ service: "demo-feed", level: "warn" }),
);
const sendSignals = async (signals: readonly TimedSignal[]) => {
  const byTopic = new Map<TimedSignal["topic"], unknown[]>();
  for (const s of signals) byTopic.set(s.topic, [...(byTopic.get(s.topic) ?? []), s.event]);
  for (const [topic, events] of byTopic) for (let i = 0; i < events.length; i += 500) await sender.send(topic, events.slice(i, i + 500));
};

const factor = Number(/x(\d+(?:\.\d+)?)$/.exec(env.ICP_CLOCK)?.[1] ?? 1);
out(`[demo] ${market.profiles.length} accounts, rubric ${rubric.version.label ?? rubric.version.hash.slice(0, 12)}; day 0 is ${env.ICP_DEMO_CLOCK_START.slice(0, 10)}; ${Math.round((factor / 864) ) / 100} simulated days per wall second`);
let summaryTimer: NodeJS.Timeout | undefined;
let liveTimer: NodeJS.Timeout | undefined;
try {
  for (let i = 0; i < market.profiles.length && !stop.signal.aborted; i += 500) await sender.send("firmographic", market.profiles.slice(i, i + 500));
  await sendSignals(market.backfill);
  out(`[demo] sent ${market.profiles.length} profiles and ${market.backfill.length} signals from the ${env.ICP_DEMO_BACKFILL_DAYS} days before day 0; ${market.live.length} live signals follow over ${env.ICP_DEMO_LIVE_DAYS} days`);
  out("[demo] tier changes (first placements are counted in the summary lines):");
  summaryTimer = setInterval(() => board.summary(clockLabel()).forEach(out), env.ICP_DEMO_SUMMARY_SECONDS * 1000);
  let next = 0;
  let sending = false;
  liveTimer = setInterval(() => {
    if (sending || next >= market.live.length) return;
    const [due, after] = dueSignals(market.live, next, clock());
    if (due.length === 0) return;
    sending = true;
    next = after;
    sendSignals(due)
      .catch((error: unknown) => out(`[demo] sending live signals failed: ${(error as Error).message}`))
      .finally(() => (sending = false));
  }, 200);
  await new Promise<void>((resolve) => (stop.signal.aborted ? resolve() : stop.signal.addEventListener("abort", () => resolve(), { once: true })));
} finally {
  clearInterval(summaryTimer);
  clearInterval(liveTimer);
  clearTimeout(timer);
  stop.abort();
  await view.catch((error: unknown) => out(`[demo] the view stopped: ${(error as Error).message}`));
  await sender.close();
  board.summary(`${clockLabel()} final`).forEach(out);
}
