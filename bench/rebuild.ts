/**
 * Rescore from Kafka: how long `icp rebuild` takes to restore every service's Redis state,
 * on the local stack (npm run stack:up), with fit, timing and combiner as child processes
 * through the e2e harness.
 *
 *   npx tsx bench/rebuild.ts [--accounts 20000] [--partitions 3]
 *
 * 1. build: the market's events (every account's profile and signals) are sent, the
 *    services started, and the time until every service is quiet is the first build — the
 *    baseline of this run;
 * 2. rebuild: the services are stopped, `icp rebuild --service all --yes --no-wait` (the
 *    real command) deletes their keys, the services start again and replay their topics
 *    (quietly: see the stateful consumer's catch-up); the time until quiet again is the
 *    rebuild. Checked after it: the combiner's final state equals the first build's, and
 *    no tier change was published twice with other content.
 * Reports accounts/s and input events/s of both, the rebuild as a ratio of the build, and a
 * linear extrapolation to 1M accounts (the replay reads each partition once, in order).
 * Prints figures and conditions; writes JSON and a markdown summary to bench/results/.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { register } from "node:module";
import { cpus, totalmem } from "node:os";
import { promisify } from "node:util";
import { parseArgs } from "node:util";
import { asFeed, benchStackSettings, marketStream, take } from "./support/market-input.js";

register("./support/vitest-stub.mjs", import.meta.url);
const { StackFixture } = await import("@icpstream/testkit");
const { Pipeline, SERVICES } = await import("../test/e2e/support/pipeline-harness.js");
const { finalScoresOf, tierChangeVersion } = await import("@icpstream/pipeline");

const { values } = parseArgs({ options: { accounts: { type: "string", default: "20000" }, partitions: { type: "string", default: "3" } } });
const ACCOUNTS = Number(values.accounts);
const PARTITIONS = Number(values.partitions);
const CLOCK = Date.parse("2026-10-01T00:00:00.000Z");
const QUIET_LIMIT_MS = 60 * 60_000;

const stack = new StackFixture(benchStackSettings());
const pipeline = await Pipeline.create(stack, { clock: CLOCK, partitions: PARTITIONS });
try {
  // Whole accounts: the stream yields each account's events together, profile first.
  const stream = marketStream(7);
  const inputs = [];
  const accounts = new Set<string>();
  for (;;) {
    const [next] = take(stream, 1);
    if (!next) break;
    if (next.topic === "firmographic" && accounts.size >= ACCOUNTS) break;
    accounts.add(next.account);
    inputs.push(next);
  }
  const bytes = inputs.reduce((sum, i) => sum + JSON.stringify(i.event).length, 0);
  console.log(`[rebuild] ${accounts.size} accounts, ${inputs.length} input events (mean ${Math.round(bytes / inputs.length)} B of JSON), ${PARTITIONS} partitions`);
  await pipeline.send(asFeed(inputs));

  let started = performance.now();
  pipeline.startAll();
  await pipeline.waitForQuiescence({ timeoutMs: QUIET_LIMIT_MS, what: "the first build" });
  const buildMs = performance.now() - started;
  const built = finalScoresOf(await pipeline.combinerStates(), pipeline.rubric);
  const tierChangesBefore = (await pipeline.readTopic(pipeline.catalog.tierChanged)).length;
  console.log(`[rebuild] first build: ${(buildMs / 1000).toFixed(1)} s, ${tierChangesBefore} tier changes`);

  for (const name of SERVICES) await pipeline.services[name].terminate();
  const cli = await promisify(execFile)(
    process.execPath,
    ["services/cli/bin/icp.mjs", "rebuild", "--service", "all", "--yes", "--no-wait", "--topic-prefix", pipeline.catalog.tierChanged.topic.replace(/icp\.tier-changed$/, ""), "--group-prefix", pipeline.groupPrefix, "--redis-prefix", stack.keyPrefix],
    { env: { ...process.env, KAFKA_BROKERS: stack.settings.KAFKA_BROKERS, REDIS_URL: stack.settings.REDIS_URL } },
  );
  process.stdout.write(cli.stdout.replace(/^/gm, "[rebuild] icp: "));

  started = performance.now();
  pipeline.startAll();
  await pipeline.waitForQuiescence({ timeoutMs: QUIET_LIMIT_MS, what: "the rebuild" });
  const rebuildMs = performance.now() - started;

  const rebuilt = finalScoresOf(await pipeline.combinerStates(), pipeline.rubric);
  const log = await pipeline.readTopic(pipeline.catalog.tierChanged);
  const byVersion = new Map<string, string>();
  let conflicting = 0;
  for (const m of log) {
    const key = `${m.event.accountKey}:v${tierChangeVersion(m.event)}`;
    const seen = byVersion.get(key);
    if (seen !== undefined && seen !== m.event.eventId) conflicting++;
    byVersion.set(key, m.event.eventId);
  }
  const sameState = JSON.stringify(rebuilt) === JSON.stringify(built);

  const perSecond = (n: number, ms: number) => Math.round((n * 1000) / ms);
  const result = {
    kind: "rebuild",
    at: new Date().toISOString(),
    conditions: {
      node: process.version,
      cpus: `${cpus().length} × ${cpus()[0]?.model ?? "?"}`,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      partitions: PARTITIONS,
      accounts: accounts.size,
      inputEvents: inputs.length,
      meanEventJsonBytes: Math.round(bytes / inputs.length),
      kafkajs: JSON.parse(readFileSync("node_modules/kafkajs/package.json", "utf8")).version as string,
    },
    build: { seconds: buildMs / 1000, accountsPerSecond: perSecond(accounts.size, buildMs), eventsPerSecond: perSecond(inputs.length, buildMs), tierChanges: tierChangesBefore },
    rebuild: { seconds: rebuildMs / 1000, accountsPerSecond: perSecond(accounts.size, rebuildMs), eventsPerSecond: perSecond(inputs.length, rebuildMs), tierChangesPublished: log.length - tierChangesBefore },
    rebuildOverBuild: rebuildMs / buildMs,
    extrapolated1MAccountsMinutes: (rebuildMs / accounts.size) * 1_000_000 / 60_000,
    checks: { finalStateEqualsFirstBuild: sameState, conflictingVersions: conflicting },
  };
  console.log(JSON.stringify(result, null, 2));
  const markdown = [
    `# Rebuild from Kafka — ${result.at}`,
    "",
    `${result.conditions.accounts} accounts, ${result.conditions.inputEvents} input events, ${PARTITIONS} partitions, Node ${process.version}, ${result.conditions.cpus}.`,
    "",
    "| phase | seconds | accounts/s | input events/s | tier changes published |",
    "|---|---:|---:|---:|---:|",
    `| first build (baseline) | ${result.build.seconds.toFixed(1)} | ${result.build.accountsPerSecond} | ${result.build.eventsPerSecond} | ${result.build.tierChanges} |`,
    `| rebuild (icp rebuild + replay) | ${result.rebuild.seconds.toFixed(1)} | ${result.rebuild.accountsPerSecond} | ${result.rebuild.eventsPerSecond} | ${result.rebuild.tierChangesPublished} |`,
    "",
    `Rebuild / build: ${result.rebuildOverBuild.toFixed(2)}×. Linear extrapolation to 1M accounts: ${result.extrapolated1MAccountsMinutes.toFixed(1)} min (target ≤ 2 min).`,
    `Final state equals the first build's: ${sameState ? "yes" : "**no**"}; tier-change versions told twice with other content: ${conflicting}.`,
  ].join("\n");
  mkdirSync("bench/results", { recursive: true });
  const stamp = result.at.replaceAll(":", "-").replace(".", "-");
  writeFileSync(`bench/results/rebuild-${stamp}.json`, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(`bench/results/rebuild-${stamp}.md`, `${markdown}\n`);
  console.log(`\n${markdown}\nwritten: bench/results/rebuild-${stamp}.{json,md}`);
  if (!sameState || conflicting > 0) process.exitCode = 1;
} finally {
  await stack.cleanup();
}
