/**
 * Drain rate of the streaming pipeline, optionally under the CPU profiler: fit, timing and
 * combiner as child processes (the e2e harness), a warm-up batch, then `--events` sent as
 * fast as the producer can, timed until every service is quiet; repeated `--runs` times.
 *
 *   npx tsx bench/pipeline-drain.ts [--events 10000] [--warmup 3000] [--runs 2] [--partitions 3] [--profile]
 *
 * With --profile the services run under `node --cpu-prof` (ICP_CPU_PROF_DIR, see
 * test/e2e/support/service-process.ts) and each profile is summarised over the measured
 * runs only (from the first measured send to the last quiet look): self time by package,
 * inclusive time of the hot paths, the hottest functions. The profiler costs a few percent;
 * compare profiled with profiled and plain with plain.
 *
 * Besides the rate, which a busy machine moves a lot, it reports the CPU time each service
 * process spent per 1000 events over the measured runs (Linux /proc): the work the code
 * does, which waiting for a core does not inflate.
 *
 * Prints figures and conditions; writes JSON (and the profiles, with --profile) under
 * bench/results/ (git-ignored).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { register } from "node:module";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { formatSummary, readProfile, summarizeProfile } from "./support/cpu-profile-summary.js";
import { asFeed, benchStackSettings, marketStream, take } from "./support/market-input.js";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "10000" },
    warmup: { type: "string", default: "3000" },
    runs: { type: "string", default: "2" },
    partitions: { type: "string", default: "3" },
    profile: { type: "boolean", default: false },
  },
});
const EVENTS = Number(values.events);
const WARMUP = Number(values.warmup);
const RUNS = Number(values.runs);
const PARTITIONS = Number(values.partitions);
const CLOCK = Date.parse("2026-10-01T00:00:00.000Z");
const at = new Date().toISOString();
const base = `bench/results/drain-${at.replace(/[:.]/g, "-")}`;
const profileDir = resolve(`${base}-profiles`);
// Read by the harness when it loads (below), so it is set first.
if (values.profile) process.env.ICP_CPU_PROF_DIR = profileDir;

// testkit builds its vitest fixture on load: outside vitest, "vitest" must resolve to a stub.
register("./support/vitest-stub.mjs", import.meta.url);
const { StackFixture } = await import("@icpstream/testkit");
const { Pipeline } = await import("../test/e2e/support/pipeline-harness.js");

/** CPU time (user + system) a process has used so far, ms; undefined off Linux. */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();
function cpuMsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name (which may hold spaces, hence after the last ")"): utime is the 14th, stime the 15th.
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** The monotonic clock V8's profiles use, in µs (see cpu-profile-summary.ts). */
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

async function main() {
  mkdirSync("bench/results", { recursive: true });
  const stack = new StackFixture(benchStackSettings());
  const stream = marketStream(70_000);
  const runs: { events: number; ms: number; perSecond: number }[] = [];
  let window: { from: number; to: number } | undefined;
  const cpuPerThousand: Record<string, number> = {};
  try {
    const pipeline = await Pipeline.create(stack, { clock: CLOCK, partitions: PARTITIONS, tickIntervalMs: 1_000 });
    pipeline.startAll();
    await pipeline.waitUntilRunning();
    // Warm-up: shards claimed, producers connected, the JIT has seen every path.
    await pipeline.send(asFeed(take(stream, WARMUP)));
    await pipeline.waitForQuiescence({ timeoutMs: 240_000, what: "the warm-up to drain" });
    const from = monotonicUs();
    const services = ["fit", "timing", "combiner"] as const;
    const cpuAtStart = services.map((name) => cpuMsOf(pipeline.services[name].pid));
    for (let run = 0; run < RUNS; run++) {
      const inputs = take(stream, EVENTS);
      const started = performance.now();
      await pipeline.send(asFeed(inputs));
      await pipeline.waitForQuiescence({ timeoutMs: 240_000, what: `drain run ${run + 1}` });
      const ms = performance.now() - started;
      runs.push({ events: EVENTS, ms: Math.round(ms), perSecond: Math.round(EVENTS / (ms / 1000)) });
      console.log(`run ${run + 1}: ${EVENTS} events in ${Math.round(ms)} ms = ${Math.round(EVENTS / (ms / 1000))} events/s`);
    }
    window = { from, to: monotonicUs() };
    const events = RUNS * EVENTS;
    services.forEach((name, i) => {
      const before = cpuAtStart[i];
      const after = cpuMsOf(pipeline.services[name].pid);
      if (before !== undefined && after !== undefined) cpuPerThousand[name] = Math.round(((after - before) / events) * 1000);
    });
    if (Object.keys(cpuPerThousand).length > 0) {
      const total = Object.values(cpuPerThousand).reduce((a, b) => a + b, 0);
      console.log(`service CPU per 1000 events: ${Object.entries(cpuPerThousand).map(([n, ms]) => `${n} ${ms} ms`).join(", ")}; all ${total} ms`);
    }
  } finally {
    await stack.cleanup(); // profiled services are stopped with SIGTERM and write their profiles
  }

  const result: Record<string, unknown> = {
    bench: "pipeline-drain",
    command: `npx tsx bench/pipeline-drain.ts ${process.argv.slice(2).join(" ")}`.trim(),
    at,
    conditions: { node: process.version, cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, loadavg1m: Math.round((loadavg()[0] ?? 0) * 100) / 100, partitions: PARTITIONS, warmup: WARMUP, profiled: values.profile },
    runs,
    serviceCpuMsPer1000Events: cpuPerThousand,
    bestPerSecond: Math.max(...runs.map((r) => r.perSecond)),
  };
  if (values.profile && window) {
    const summaries: Record<string, unknown> = {};
    // One directory per service incarnation; the main thread's profile (thread id 0) is the service.
    for (const service of readdirSync(profileDir).sort()) {
      for (const file of readdirSync(join(profileDir, service)).filter((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f))) {
        const summary = summarizeProfile(readProfile(join(profileDir, service, file)), window, 30);
        summaries[`${service}/${file}`] = summary;
        console.log(`\n${formatSummary(service, summary)}`);
      }
    }
    result.profiles = { dir: profileDir, window, summaries };
  }
  writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nbest ${result.bestPerSecond} events/s over ${RUNS} runs of ${EVENTS} (load average ${(result.conditions as { loadavg1m: number }).loadavg1m}); written ${base}.json${values.profile ? ` and ${profileDir}/` : ""}`);
}

await main();
process.exit(0);
