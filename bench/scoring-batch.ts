/**
 * Batch scoring throughput: accounts scored per second by the `icp score` path
 * (read → parse → score → rank → write CSV) on 100k seeded accounts with their signals.
 *
 *   npx tsx bench/scoring-batch.ts [--accounts 100000] [--signals-per-account 3] [--rubric rubrics/enterprise.yaml] [--runs 3] [--keep]
 *
 * Prints conditions and figures, and writes them as JSON to bench/results/ (git-ignored).
 * The baseline, measured in the same run on the same files, reads, parses and writes the
 * same rows without scoring: the ratio says what scoring itself costs.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "csv-stringify/sync";
import { parseAccounts, parseSignals } from "@icpstream/imports";
import { processIo, runScore } from "@icpstream/cli";
import { generateBatchFiles } from "./support/batch-files.js";
import { machineConditions, median } from "./support/conditions.js";

const { values } = parseArgs({
  options: {
    accounts: { type: "string", default: "100000" },
    "signals-per-account": { type: "string", default: "3" },
    rubric: { type: "string", default: "rubrics/enterprise.yaml" },
    runs: { type: "string", default: "3" },
    /** Keep the generated files (their directory is printed) for profiling. */
    keep: { type: "boolean", default: false },
  },
});
const ACCOUNTS = Number(values.accounts);
const SIGNALS_PER_ACCOUNT = Number(values["signals-per-account"]);
const RUBRIC = values.rubric;
const RUNS = Number(values.runs);
const AS_OF = "2026-11-01T00:00:00Z";
const SEED = 20261101;

const quietIo = () => ({ ...processIo(), stderr: () => undefined, stdout: () => undefined });

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "icp-bench-"));
  try {
    const t0 = performance.now();
    const files = generateBatchFiles(dir, { accounts: ACCOUNTS, signalsPerAccount: SIGNALS_PER_ACCOUNT, seed: SEED, asOf: AS_OF });
    const generateMs = performance.now() - t0;
    const out = join(dir, "ranked.csv");
    const baselineOut = join(dir, "baseline.csv");

    // Warm-up on the same files (JIT, module loading), not measured.
    await runScore(quietIo(), { accounts: files.accounts, signals: [files.signals], rubric: [RUBRIC], asOf: AS_OF, format: "csv", output: out, quiet: true, limit: 1000 });

    const scoreMs: number[] = [];
    const baselineMs: number[] = [];
    let scored = 0;
    let imported: Record<"accounts" | "signals", { rows: number; rejected: number; warned: number }> | undefined;
    for (let run = 0; run < RUNS; run++) {
      // Baseline: the same read → parse → write, without scoring and ranking.
      let t = performance.now();
      const accountsText = readFileSync(files.accounts, "utf8");
      const signalsText = readFileSync(files.signals, "utf8");
      const accounts = parseAccounts(accountsText, { source: files.accounts, format: "csv" });
      const signals = parseSignals(signalsText, { source: files.signals, format: "csv" });
      writeFileSync(baselineOut, stringify(accounts.items.map((a, i) => ({ rank: i + 1, domain: a.accountKey, name: a.name ?? "", signals: signals.items.length })), { header: true }));
      baselineMs.push(performance.now() - t);
      imported = {
        accounts: { rows: accounts.rows, rejected: accounts.rejects.length, warned: accounts.warnings.length },
        signals: { rows: signals.rows, rejected: signals.rejects.length, warned: signals.warnings.length },
      };

      t = performance.now();
      const result = await runScore(quietIo(), { accounts: files.accounts, signals: [files.signals], rubric: [RUBRIC], asOf: AS_OF, format: "csv", output: out, quiet: true });
      scoreMs.push(performance.now() - t);
      scored = result.scoredRows;
    }

    // The real command, end to end, once: includes process start and TypeScript loading.
    const t = performance.now();
    const cli = spawnSync(process.execPath, ["services/cli/bin/icp.mjs", "score", "-a", files.accounts, "-s", files.signals, "-r", RUBRIC, "--as-of", AS_OF, "-f", "csv", "-o", out], { encoding: "utf8" });
    const cliMs = performance.now() - t;
    if (cli.status !== 0) throw new Error(`icp score failed: ${cli.stderr}`);

    const best = Math.min(...scoreMs);
    const result = {
      bench: "scoring-batch",
      command: "npx tsx bench/scoring-batch.ts",
      at: new Date().toISOString(),
      conditions: {
        ...machineConditions(),
        accounts: ACCOUNTS,
        signals: files.signalCount,
        rubric: RUBRIC,
        asOf: AS_OF,
        seed: SEED,
        inputBytes: statSync(files.accounts).size + statSync(files.signals).size,
        runs: RUNS,
      },
      generateMs: Math.round(generateMs),
      scoreMs: scoreMs.map(Math.round),
      baselineMs: baselineMs.map(Math.round),
      accountsPerSecond: { best: Math.round((ACCOUNTS / best) * 1000), median: Math.round((ACCOUNTS / median(scoreMs)) * 1000) },
      baselineAccountsPerSecond: Math.round((ACCOUNTS / median(baselineMs)) * 1000),
      scoreToBaselineTimeRatio: Math.round((median(scoreMs) / median(baselineMs)) * 100) / 100,
      endToEndCli: { ms: Math.round(cliMs), accountsPerSecond: Math.round((ACCOUNTS / cliMs) * 1000) },
      scoredRows: scored,
      /** What the importer made of the generated files: every row should be valid. */
      imported,
    };

    const c = result.conditions;
    console.log(`scoring-batch: ${c.accounts} accounts, ${c.signals} signals, ${(c.inputBytes / 2 ** 20).toFixed(1)} MiB of CSV, rubric ${c.rubric}, as of ${c.asOf}`);
    console.log(`conditions: node ${c.node}, ${c.platform}, ${c.cpu} × ${c.cores}, ${c.memoryGb} GiB`);
    const rows = (f: { rows: number; rejected: number; warned: number } | undefined) => (f ? `${f.rows} rows, ${f.rejected} rejected, ${f.warned} with warnings` : "not read");
    const valid = imported !== undefined && imported.accounts.rejected + imported.signals.rejected + imported.accounts.warned + imported.signals.warned === 0;
    console.log(`imported: accounts ${rows(imported?.accounts)}; signals ${rows(imported?.signals)}${valid ? " (all valid)" : " (NOT all valid: the generator writes rows the importer refuses)"}`);
    console.log(`icp score path (read → parse → score → rank → write): ${result.accountsPerSecond.median} accounts/s median, ${result.accountsPerSecond.best} best (${result.scoreMs.join(", ")} ms over ${c.runs} runs)`);
    console.log(`baseline (read → parse → write, no scoring): ${result.baselineAccountsPerSecond} accounts/s (${result.baselineMs.join(", ")} ms); scoring path takes ${result.scoreToBaselineTimeRatio}× the baseline time`);
    console.log(`end to end (node services/cli/bin/icp.mjs score, one run): ${result.endToEndCli.ms} ms, ${result.endToEndCli.accountsPerSecond} accounts/s`);
    mkdirSync("bench/results", { recursive: true });
    const file = `bench/results/scoring-batch-${result.at.replace(/[:.]/g, "-")}.json`;
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`written ${file}`);
  } finally {
    if (values.keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();
