/**
 * The per-message CPU cost of each scoring service, without broker or Redis: what the
 * stateful consumer does for one message between fetching it and storing its effects —
 * decode (wire header, JSON, zod), the service's handler (state decode, engine, digests,
 * state encode), encode of each output (zod, JSON, wire) and the outbox entry it stores and
 * sends (base64 inside JSON, then read back for the send). Fit and timing eat a seeded
 * synthetic market (the pipeline bench's feed); the combiner eats what they produced.
 *
 *   npx tsx bench/hot-path.ts [--events 20000] [--runs 5] [--against <other checkout>]
 *
 * Each run starts from empty state; the best run per service counts (the machine is shared,
 * the least disturbed run is the closest to the code's own cost). Totals are the process's
 * CPU time (user + system); phases split it in the proportions of their wall time.
 *
 * `--against <dir>` loads the same bench from another checkout (its own packages, e.g. the
 * commit before a change, exported with `git archive <commit> | tar -x -C <dir>` and given a
 * node_modules) and alternates the two run by run in this one process, so a busy machine
 * disturbs both alike; it prints both and the ratio. Run it as
 * `node --expose-gc --import tsx bench/hot-path.ts …` so every run starts from a collected
 * heap; check the noise with a checkout against a copy of itself (the ratio should be ≈ 1).
 *
 * Profile it with `node --cpu-prof --cpu-prof-dir bench/results/hot-path --import tsx bench/hot-path.ts`
 * and `npx tsx bench/support/cpu-profile-summary.ts <profile>`.
 * Prints figures and conditions; writes JSON to bench/results/ (git-ignored).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createHotPath, PHASES, STAGES, type Stage, type StageResult } from "./support/hot-path-stages.js";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: "20000" },
    runs: { type: "string", default: "5" },
    rubric: { type: "string", default: "rubrics/enterprise.yaml" },
    against: { type: "string" },
  },
});
const EVENTS = Number(values.events);
const RUNS = Number(values.runs);
const NOW = Date.parse("2026-10-01T00:00:00.000Z");
const options = { events: EVENTS, rubricPath: values.rubric, now: NOW };

type Runner = () => Promise<Record<Stage, StageResult>>;
const contenders: { name: string; run: Runner }[] = [{ name: "this checkout", run: await createHotPath(options) }];
if (values.against) {
  const other = (await import(pathToFileURL(join(resolve(values.against), "bench/support/hot-path-stages.ts")).href)) as { createHotPath: typeof createHotPath };
  contenders.unshift({ name: `against ${values.against}`, run: await other.createHotPath(options) });
}

const best = contenders.map(() => ({}) as Record<Stage, StageResult>);
// Each run starts from a collected heap when gc is exposed (node --expose-gc), so one
// contender's garbage is not collected on the other's time; the order alternates each round.
const collect = (globalThis as { gc?: () => void }).gc;
for (let run = 0; run < RUNS; run++) {
  const order = run % 2 === 0 ? [...contenders.entries()] : [...contenders.entries()].reverse();
  for (const [i, contender] of order) {
    collect?.();
    const results = await contender.run();
    for (const stage of STAGES) if (!best[i]![stage] || results[stage].ms.total < best[i]![stage].ms.total) best[i]![stage] = results[stage];
  }
}

const round = (n: number) => Math.round(n * 10) / 10;
const perMessage = (r: StageResult) => Object.fromEntries(Object.entries(r.ms).map(([k, v]) => [k, round((v * 1000) / r.messages)]));
const tables = contenders.map((c, i) => {
  const rows = STAGES.map((stage) => {
    const r = best[i]![stage];
    return { service: stage, messages: r.messages, outputs: r.outputs, msTotal: Math.round(r.ms.total), perSecond: Math.round(r.messages / (r.ms.total / 1000)), usPerMessage: perMessage(r) };
  });
  const total = rows.reduce((a, r) => a + r.msTotal, 0);
  return { name: c.name, rows, msTotal: total, usPerInputEvent: round((total * 1000) / EVENTS) };
});
const conditions = { node: process.version, cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, loadavg1m: round(loadavg()[0] ?? 0), events: EVENTS, runs: RUNS, rubric: values.rubric, zod: JSON.parse(readFileSync("node_modules/zod/package.json", "utf8")).version };
console.log(`hot path per message (best of ${RUNS}; node ${conditions.node}, ${conditions.cpu} × ${conditions.cores}, load ${conditions.loadavg1m}; ${EVENTS} input events)`);
for (const table of tables) {
  console.log(`${table.name}:`);
  console.log(`  service   msgs  outputs  msg/s    µs/msg: total  ${PHASES.map((p) => p.padStart(7)).join(" ")}`);
  for (const r of table.rows) {
    const u = r.usPerMessage as Record<string, number>;
    console.log(`  ${r.service.padEnd(8)} ${String(r.messages).padStart(6)} ${String(r.outputs).padStart(7)} ${String(r.perSecond).padStart(7)}   ${String(u.total).padStart(12)}  ${PHASES.map((p) => String(u[p]).padStart(7)).join(" ")}`);
  }
  console.log(`  all three: ${table.msTotal} ms of CPU for ${EVENTS} input events = ${table.usPerInputEvent} µs per input event through the pipeline`);
}
if (tables.length === 2) {
  const [a, b] = tables as [(typeof tables)[number], (typeof tables)[number]];
  const ratio = (x: number, y: number) => Math.round((x / y) * 100) / 100;
  console.log(`this checkout ÷ other: ${STAGES.map((s, k) => `${s} ${ratio(b.rows[k]!.msTotal, a.rows[k]!.msTotal)}`).join(", ")}, all ${ratio(b.msTotal, a.msTotal)}`);
}
mkdirSync("bench/results", { recursive: true });
const file = `bench/results/hot-path-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
writeFileSync(file, `${JSON.stringify({ bench: "hot-path", command: `npx tsx bench/hot-path.ts ${process.argv.slice(2).join(" ")}`.trim(), conditions, tables }, null, 2)}\n`);
console.log(`written ${file}`);
