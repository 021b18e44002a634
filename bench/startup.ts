/**
 * Start-up time and memory of every service, run from the TypeScript sources through tsx
 * (`node --import tsx services/<name>/src/main.ts`, as the tests run them) against the compiled
 * build (`node services/<name>/dist/main.js`, as `npm start` and the image run them), back to
 * back on the same machine and stack.
 *
 *   npx tsx bench/startup.ts [--runs 3] [--services fit,timing,...] [--settle-ms 2000]
 *
 * For each service: one warm-up start (its topics and schemas are created then, so no measured
 * start pays for that), then `--runs` starts of each kind, alternating. A start is timed from
 * spawning the process to the first 200 on its ops port's /healthz (modules loaded, clients
 * connected, schemas registered: where tsx's compile-on-load shows) and on /readyz (the
 * consumers are then also in their group with every partition caught up, which the broker's
 * group protocol dominates; the gateway and the console listening, Redis answering); then, after `--settle-ms`, the resident set (VmRSS) and the CPU time it used so
 * far (user + system, from /proc) are read, and it is stopped with SIGTERM. Medians are printed
 * with the compiled / tsx ratio. Needs the stack (npm run stack:up) and the build (npm run
 * build); each run works in a namespace of its own, whose topics it creates and deletes at the end.
 *
 * Prints figures and conditions; writes JSON under bench/results/ (git-ignored).
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Kafka, logLevel } from "kafkajs";
import { topicCatalog } from "@icpstream/contracts";
import { ensureTopics } from "@icpstream/kafka-kit";
import { machineConditions, median } from "./support/conditions.js";
import { benchStackSettings } from "./support/market-input.js";

const ROOT = new URL("../", import.meta.url).pathname;
const SERVICES: Record<string, { entry: string; env?: Record<string, string> }> = {
  fit: { entry: "services/fit/src/main.ts" },
  timing: { entry: "services/timing/src/main.ts" },
  combiner: { entry: "services/combiner/src/main.ts" },
  router: { entry: "services/router/src/main.ts" },
  outcomes: { entry: "services/outcomes/src/main.ts" },
  enrichment: { entry: "services/enrichment/src/main.ts" },
  resolver: { entry: "services/ingest/src/resolver-main.ts", env: { ICP_GATEWAY_SOURCES: "examples/sources" } },
  gateway: { entry: "services/ingest/src/gateway-main.ts", env: { ICP_GATEWAY_API_KEYS: "bench-startup-key" } },
  console: { entry: "services/console/src/main.ts", env: { ICP_CONSOLE_TOKEN: "bench-startup-token-0123456789" } },
};

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    services: { type: "string", default: Object.keys(SERVICES).join(",") },
    "settle-ms": { type: "string", default: "2000" },
  },
});
const RUNS = Number(values.runs);
const SETTLE_MS = Number(values["settle-ms"]);
const chosen = values.services.split(",").map((s) => s.trim());
for (const name of chosen) if (!(name in SERVICES)) throw new Error(`--services: unknown service ${name}; known: ${Object.keys(SERVICES).join(", ")}`);
if (!(RUNS >= 1) || !Number.isInteger(RUNS)) throw new Error(`--runs: expected a whole number ≥ 1, got ${values.runs}`);

// The compiled side must be current, or the comparison would time old code (or fail).
const { staleReason } = (await import(join(ROOT, "scripts", "build.mjs"))) as { staleReason: (root: string) => string | null };
const stale = staleReason(ROOT);
if (stale !== null) throw new Error(`the compiled build is not current (${stale}): run npm run build first`);

const stack = benchStackSettings();
const at = new Date().toISOString();
const namespace = `bench-startup-${Date.now().toString(36)}.`;
const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
const PAGE_KB = 1; // VmRSS in /proc/<pid>/status is already in kB.

type Kind = "tsx" | "compiled";
interface Sample {
  /** Spawn → first 200 on /healthz: modules loaded, connections made, the ops server up. */
  liveMs: number;
  /** Spawn → first 200 on /readyz: consumers also in their group and caught up. */
  readyMs: number;
  rssMb: number;
  cpuMs: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
  return (Number(line?.match(/(\d+)/)?.[1] ?? NaN) * PAGE_KB) / 1024;
}

function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1000;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  await gone;
  clearTimeout(timer);
}

/** Starts the service once, waits for /readyz, reads its memory and CPU, stops it. */
async function startOnce(name: string, kind: Kind): Promise<Sample> {
  const service = SERVICES[name]!;
  const opsPort = await freePort();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    KAFKA_BROKERS: stack.KAFKA_BROKERS,
    SCHEMA_REGISTRY_URL: stack.SCHEMA_REGISTRY_URL,
    REDIS_URL: stack.REDIS_URL,
    ICP_TOPIC_PREFIX: namespace,
    ICP_GROUP_PREFIX: namespace,
    ICP_REDIS_PREFIX: namespace,
    ICP_OPS_PORT: String(opsPort),
    ICP_GATEWAY_PORT: String(await freePort()),
    ICP_CONSOLE_PORT: "0",
    LOG_LEVEL: "warn",
    ...service.env,
  };
  const args = kind === "tsx" ? ["--import", "tsx", service.entry] : [service.entry.replace("/src/", "/dist/").replace(/\.ts$/, ".js")];
  let output = "";
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  try {
    const deadline = started + 120_000;
    const waitFor = async (path: string) => {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`${name} (${kind}) exited with ${child.exitCode} before ${path} answered:\n${output}`);
        if (performance.now() > deadline) throw new Error(`${name} (${kind}): no 200 on ${path} in 120 s:\n${output}`);
        const ok = await fetch(`http://127.0.0.1:${opsPort}${path}`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
        if (ok) return performance.now() - started;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const liveMs = await waitFor("/healthz");
    const readyMs = await waitFor("/readyz");
    const cpuAtReady = cpuMs(child.pid!);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    return { liveMs, readyMs, rssMb: rssMb(child.pid!), cpuMs: cpuAtReady };
  } finally {
    await stop(child);
  }
}

// The namespace's topics, as `npm start` and the tests create them before the services start.
const admin = new Kafka({ clientId: "bench-startup", brokers: stack.KAFKA_BROKERS.split(","), logLevel: logLevel.NOTHING }).admin();
await admin.connect();
await ensureTopics(admin, topicCatalog({ prefix: namespace }));

console.log(`start-up: ${chosen.join(", ")}; ${RUNS} runs of each kind after one warm-up start; namespace ${namespace}; stack ${stack.origin}`);
const results: Record<string, Record<Kind, Sample[]>> = {};
for (const name of chosen) {
  await startOnce(name, "compiled"); // warm-up: topics, schemas, the group's first join
  results[name] = { tsx: [], compiled: [] };
  for (let run = 0; run < RUNS; run++) {
    // Alternate which kind goes first, so neither always follows the other's exit.
    const order: Kind[] = run % 2 === 0 ? ["tsx", "compiled"] : ["compiled", "tsx"];
    for (const kind of order) results[name]![kind].push(await startOnce(name, kind));
  }
  const r = results[name]!;
  console.log(`  ${name}: live ${r.tsx.map((s) => s.liveMs.toFixed(0)).join("/")} ms (tsx) vs ${r.compiled.map((s) => s.liveMs.toFixed(0)).join("/")} ms (compiled); ready ${r.tsx.map((s) => s.readyMs.toFixed(0)).join("/")} ms (tsx) vs ${r.compiled.map((s) => s.readyMs.toFixed(0)).join("/")} ms (compiled)`);
}

const rows = chosen.map((name) => {
  const r = results[name]!;
  const m = (kind: Kind, key: keyof Sample) => median(r[kind].map((s) => s[key]));
  return {
    service: name,
    liveMsTsx: m("tsx", "liveMs"),
    liveMsCompiled: m("compiled", "liveMs"),
    readyMsTsx: m("tsx", "readyMs"),
    readyMsCompiled: m("compiled", "readyMs"),
    cpuMsTsx: m("tsx", "cpuMs"),
    cpuMsCompiled: m("compiled", "cpuMs"),
    rssMbTsx: m("tsx", "rssMb"),
    rssMbCompiled: m("compiled", "rssMb"),
  };
});
const ratio = (compiled: number, tsx: number) => (compiled / tsx).toFixed(2);
const table = [
  "| service | /healthz, tsx (ms) | compiled (ms) | ratio | /readyz, tsx (ms) | compiled (ms) | ratio | CPU to ready, tsx (ms) | compiled (ms) | ratio | RSS, tsx (MB) | compiled (MB) | ratio |",
  "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ...rows.map(
    (r) =>
      `| ${r.service} | ${r.liveMsTsx.toFixed(0)} | ${r.liveMsCompiled.toFixed(0)} | ${ratio(r.liveMsCompiled, r.liveMsTsx)} | ${r.readyMsTsx.toFixed(0)} | ${r.readyMsCompiled.toFixed(0)} | ${ratio(r.readyMsCompiled, r.readyMsTsx)} | ${r.cpuMsTsx.toFixed(0)} | ${r.cpuMsCompiled.toFixed(0)} | ${ratio(r.cpuMsCompiled, r.cpuMsTsx)} | ${r.rssMbTsx.toFixed(1)} | ${r.rssMbCompiled.toFixed(1)} | ${ratio(r.rssMbCompiled, r.rssMbTsx)} |`,
  ),
];
const conditions = { ...machineConditions(), loadAvg1mAtEnd: Number(loadavg()[0]!.toFixed(2)), runs: RUNS, settleMs: SETTLE_MS, stack: stack.origin, statistic: "median" };
console.log(`\n${table.join("\n")}\n`);
console.log(`conditions: ${JSON.stringify(conditions)}`);

mkdirSync(join(ROOT, "bench/results"), { recursive: true });
const file = join(ROOT, `bench/results/startup-${at.replace(/[:.]/g, "-")}.json`);
writeFileSync(file, `${JSON.stringify({ bench: "startup", command: `npx tsx bench/startup.ts ${process.argv.slice(2).join(" ")}`.trim(), at, conditions, rows, samples: results }, null, 2)}\n`);
console.log(`written: ${file}`);

// The namespace's topics (and their dead-letter topics) go; Redis keys under it are left to expire with the stack.
const topics = (await admin.listTopics()).filter((t) => t.startsWith(namespace));
if (topics.length > 0) await admin.deleteTopics({ topics });
await admin.disconnect();
