/**
 * Learning throughput: `icp learn` (read → score every opportunity as of its creation →
 * features → ridge logistic regression by IRLS → naive Bayes → learned rubric written,
 * re-scored and calibrated on the pool → test comparison with 1000-resample bootstraps) on
 * 20k opportunities.
 *
 *   npx tsx bench/learn.ts [--accounts 30000] [--opportunities 20000] [--runs 3] [--keep]
 *
 * The baseline, measured in the same run on the same files, is `icp score` (plain batch
 * scoring of the same accounts and signals). Target: under 60 s here. Prints conditions and
 * figures, and writes them as JSON to bench/results/ (git-ignored).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processIo, runLearn, runScore } from "@icpstream/cli";
import { machineConditions, median, outcomeBenchArgs } from "./support/conditions.js";
import { writeOutcomeFiles } from "./support/outcome-files.js";

const ARGS = outcomeBenchArgs({ accounts: 30_000, opportunities: 20_000, seed: 20261202 });
const ACCOUNTS = ARGS.accounts;
const OPPORTUNITIES = ARGS.opportunities;
const RUNS = ARGS.runs;
const SEED = ARGS.seed;
const TARGET_MS = 60_000;

const quietIo = () => ({ ...processIo(), stderr: () => undefined, stdout: () => undefined });

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "icp-bench-learn-"));
  try {
    const files = writeOutcomeFiles(dir, { seed: SEED, accounts: ACCOUNTS, opportunities: OPPORTUNITIES, effect: "planted" });
    const scoreOptions = { accounts: files.accounts, signals: [files.signalsFile], rubric: [files.rubric], asOf: files.asOf, format: "csv", output: join(dir, "ranked.csv"), quiet: true };
    const learnOptions = { accounts: files.accounts, profileHistory: files.history, signals: [files.signalsFile], outcomes: [files.outcomes], rubric: [files.rubric], asOf: files.asOf, output: join(dir, "learned.yaml"), force: true, quiet: true };

    await runScore(quietIo(), scoreOptions);
    await runLearn(quietIo(), { ...learnOptions, resamples: 10 });

    const baselineMs: number[] = [];
    const learnMs: number[] = [];
    let last: Awaited<ReturnType<typeof runLearn>> | undefined;
    for (let run = 0; run < RUNS; run++) {
      let t = performance.now();
      await runScore(quietIo(), scoreOptions);
      baselineMs.push(performance.now() - t);
      t = performance.now();
      last = await runLearn(quietIo(), learnOptions);
      learnMs.push(performance.now() - t);
    }
    const result = {
      bench: "learn",
      command: "npx tsx bench/learn.ts",
      at: new Date().toISOString(),
      conditions: {
        ...machineConditions(),
        accounts: ACCOUNTS,
        opportunities: OPPORTUNITIES,
        signals: files.signals,
        profileSnapshots: files.snapshots,
        features: last?.weights.length,
        seed: SEED,
        runs: RUNS,
      },
      learnMs: learnMs.map(Math.round),
      baselineMs: baselineMs.map(Math.round),
      learnToBaselineTimeRatio: Math.round((median(learnMs) / median(baselineMs)) * 100) / 100,
      targetMs: TARGET_MS,
      withinTarget: median(learnMs) < TARGET_MS,
      split: last?.split,
      iterations: last?.model.iterations,
      testAuc: { learnedRubric: last?.test.learnedRubric.auc?.value, handRubric: last?.test.handRubric.auc?.value, naiveBayes: last?.test.naiveBayes.auc?.value },
    };
    const c = result.conditions;
    console.log(`learn: ${c.opportunities} opportunities over ${c.accounts} accounts, ${c.signals} signals, ${c.profileSnapshots} profile snapshots, ${c.features} features`);
    console.log(`conditions: node ${c.node}, ${c.platform}, ${c.cpu} × ${c.cores}, ${c.memoryGb} GiB; ${c.runs} runs after a warm-up`);
    console.log(`icp learn (read → point-in-time scoring → IRLS + naive Bayes → learned rubric re-scored and calibrated → test): ${(median(learnMs) / 1000).toFixed(1)} s median (${result.learnMs.join(", ")} ms); target < ${TARGET_MS / 1000} s: ${result.withinTarget ? "met" : "MISSED"}`);
    console.log(`baseline icp score of the same accounts and signals: ${(median(baselineMs) / 1000).toFixed(1)} s median (${result.baselineMs.join(", ")} ms); learn takes ${result.learnToBaselineTimeRatio}× the baseline`);
    console.log(`model: ${result.iterations} IRLS iterations; train ${result.split?.train.deals}, test ${result.split?.test.deals}; test AUC learned ${result.testAuc.learnedRubric?.toFixed(3)}, hand ${result.testAuc.handRubric?.toFixed(3)}, naive Bayes ${result.testAuc.naiveBayes?.toFixed(3)}`);
    mkdirSync("bench/results", { recursive: true });
    const file = `bench/results/learn-${result.at.replace(/[:.]/g, "-")}.json`;
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`written ${file}`);
  } finally {
    if (ARGS.keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();
