/**
 * Backtest throughput: `icp backtest` (read → score every opportunity as of its creation
 * and the pool as of --as-of → report with a 1000-resample bootstrap) on 100k accounts with
 * 20k opportunities, dated profile snapshots and their signals.
 *
 *   npx tsx bench/backtest.ts [--accounts 100000] [--opportunities 20000] [--runs 3] [--keep]
 *
 * The baseline, measured in the same run on the same files, is `icp score` (plain batch
 * scoring of the same accounts and signals, written as CSV): the ratio says what the
 * point-in-time scoring, the outcomes and the statistics add. Target: under 30 s here.
 * Prints conditions and figures, and writes them as JSON to bench/results/ (git-ignored).
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processIo, runBacktestCommand, runScore } from "@icpstream/cli";
import { machineConditions, median, outcomeBenchArgs } from "./support/conditions.js";
import { writeOutcomeFiles } from "./support/outcome-files.js";

const ARGS = outcomeBenchArgs({ accounts: 100_000, opportunities: 20_000, seed: 20261201 });
const ACCOUNTS = ARGS.accounts;
const OPPORTUNITIES = ARGS.opportunities;
const RUNS = ARGS.runs;
const SEED = ARGS.seed;
const TARGET_MS = 30_000;

const quietIo = () => ({ ...processIo(), stderr: () => undefined, stdout: () => undefined });

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "icp-bench-backtest-"));
  try {
    let t = performance.now();
    const files = writeOutcomeFiles(dir, { seed: SEED, accounts: ACCOUNTS, opportunities: OPPORTUNITIES, effect: "planted" });
    const generateMs = performance.now() - t;
    const scoreOptions = { accounts: files.accounts, signals: [files.signalsFile], rubric: [files.rubric], asOf: files.asOf, format: "csv", output: join(dir, "ranked.csv"), quiet: true };
    const backtestOptions = {
      accounts: files.accounts,
      profileHistory: files.history,
      signals: [files.signalsFile],
      outcomes: [files.outcomes],
      rubric: [files.rubric],
      asOf: files.asOf,
      format: "json",
      output: join(dir, "report.json"),
      quiet: true,
    };

    // Warm-up (JIT, module loading), not measured.
    await runScore(quietIo(), scoreOptions);
    await runBacktestCommand(quietIo(), { ...backtestOptions, resamples: 10 });

    const baselineMs: number[] = [];
    const backtestMs: number[] = [];
    let report: Awaited<ReturnType<typeof runBacktestCommand>> | undefined;
    for (let run = 0; run < RUNS; run++) {
      t = performance.now();
      await runScore(quietIo(), scoreOptions);
      baselineMs.push(performance.now() - t);
      t = performance.now();
      report = await runBacktestCommand(quietIo(), backtestOptions);
      backtestMs.push(performance.now() - t);
    }
    const r = report?.result.runs[0]?.report;
    const result = {
      bench: "backtest",
      command: "npx tsx bench/backtest.ts",
      at: new Date().toISOString(),
      conditions: {
        ...machineConditions(),
        accounts: ACCOUNTS,
        opportunities: OPPORTUNITIES,
        signals: files.signals,
        profileSnapshots: files.snapshots,
        bootstrapResamples: 1000,
        seed: SEED,
        inputBytes: [files.accounts, files.history, files.signalsFile, files.outcomes].reduce((s, f) => s + statSync(f).size, 0),
        runs: RUNS,
      },
      generateMs: Math.round(generateMs),
      backtestMs: backtestMs.map(Math.round),
      baselineMs: baselineMs.map(Math.round),
      backtestToBaselineTimeRatio: Math.round((median(backtestMs) / median(baselineMs)) * 100) / 100,
      opportunitiesPerSecond: Math.round((OPPORTUNITIES / median(backtestMs)) * 1000),
      targetMs: TARGET_MS,
      withinTarget: median(backtestMs) < TARGET_MS,
      headline: r?.headline.kind,
      auc: r?.overall.auc?.value,
    };
    const c = result.conditions;
    console.log(`backtest: ${c.accounts} accounts, ${c.opportunities} opportunities, ${c.signals} signals, ${c.profileSnapshots} profile snapshots, ${(c.inputBytes / 2 ** 20).toFixed(1)} MiB of CSV, ${c.bootstrapResamples} bootstrap resamples`);
    console.log(`conditions: node ${c.node}, ${c.platform}, ${c.cpu} × ${c.cores}, ${c.memoryGb} GiB; ${c.runs} runs after a warm-up`);
    console.log(`icp backtest (read → point-in-time scoring → pool → report): ${(median(backtestMs) / 1000).toFixed(1)} s median (${result.backtestMs.join(", ")} ms); target < ${TARGET_MS / 1000} s: ${result.withinTarget ? "met" : "MISSED"}`);
    console.log(`baseline icp score of the same accounts and signals: ${(median(baselineMs) / 1000).toFixed(1)} s median (${result.baselineMs.join(", ")} ms); backtest takes ${result.backtestToBaselineTimeRatio}× the baseline`);
    console.log(`report: headline ${result.headline}, AUC ${result.auc?.toFixed(3)}`);
    mkdirSync("bench/results", { recursive: true });
    const file = `bench/results/backtest-${result.at.replace(/[:.]/g, "-")}.json`;
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`written ${file}`);
  } finally {
    if (ARGS.keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();
