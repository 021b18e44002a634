import { LearnRefusal, count, decimal, learnWeights, runBacktest, times } from "@icpstream/backtest";
import type { LearnResult, ModelScore } from "@icpstream/backtest";
import { formatRubricVersion } from "@icpstream/scoring";
import Table from "cli-table3";
import { loadOutcomeInputs, newRubricTarget } from "./backtest-inputs.js";
import type { OutcomeCliOptions } from "./backtest-inputs.js";
import { CliError } from "./io.js";
import type { CliIo } from "./io.js";

/**
 * `icp learn`: weights learned from closed deals for one scorecard, judged on a time-ordered
 * test set against the hand rubric and a naive-Bayes baseline, and written to a NEW rubric
 * file (--output) as points per rule with each coefficient and interval in a comment.
 */
export interface LearnCliOptions extends OutcomeCliOptions {
  output?: string;
  force?: boolean;
  dryRun?: boolean;
  format?: string;
  testShare?: string;
  l2?: string;
  minCount?: number;
}

function fraction(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/%$/, ""));
  const f = value.endsWith("%") || n >= 1 ? n / 100 : n;
  if (!(f > 0 && f < 1)) throw new CliError(`${name}: expected a share between 0 and 100 (percent), got "${value}"`);
  return f;
}

export async function runLearn(io: CliIo, options: LearnCliOptions): Promise<LearnResult> {
  const format = options.format ?? "table";
  if (format !== "table" && format !== "json") throw new CliError(`--format: expected table or json, got "${options.format}"`);
  const source = await newRubricTarget(io, options, "learn", "learned");
  const testShare = fraction(options.testShare, "--test-share", 0.3);
  const l2 = options.l2 === undefined ? 1 : Number(options.l2);
  if (!(l2 > 0) || !Number.isFinite(l2)) throw new CliError(`--l2: expected a positive number, got "${options.l2}"`);

  const inputs = await loadOutcomeInputs(io, options);
  const rubric = inputs.rubrics[0]!;
  const card = options.scorecard?.[0] ? rubric.scorecards.find((c) => c.id === options.scorecard?.[0]) : rubric.scorecards.length === 1 ? rubric.scorecards[0] : undefined;
  if (!card) throw new CliError(`--scorecard: ${source} has ${rubric.scorecards.map((c) => c.id).join(", ")}; pick the one to learn`);
  const backtest = runBacktest({ rubrics: [rubric], scorecards: [card.id], history: inputs.history, signals: inputs.signals, opportunities: inputs.opportunities, asOf: inputs.asOf, options: { ...inputs.reportOptions, resamples: 50 } });
  const run = backtest.runs[0]!;
  let result: LearnResult;
  try {
    result = learnWeights({
      rubric,
      card,
      sourceText: await io.readText(source),
      source,
      target: options.output ?? "(dry run)",
      scored: run.pointInTime.scored,
      history: inputs.history,
      signals: inputs.signals,
      asOf: inputs.asOf,
      options: {
        testShare,
        l2,
        ...(options.minClosed !== undefined ? { minClosedDeals: options.minClosed } : {}),
        ...(options.minCount !== undefined ? { minCount: options.minCount } : {}),
        ...(inputs.reportOptions.targetTopShare ? { targetShare: inputs.reportOptions.targetTopShare } : {}),
        ...(options.resamples !== undefined ? { resamples: options.resamples } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
      },
    });
  } catch (error) {
    if (error instanceof LearnRefusal) throw new CliError(`learn: ${error.message}`);
    throw error;
  }

  const text = format === "json" ? `${JSON.stringify({ ...result, written: { version: formatRubricVersion(result.written.rubric.version), file: options.output ?? null } }, null, 2)}\n` : renderLearnText(result);
  io.stdout(text);
  if (options.dryRun) io.stderr(`dry run: the learned rubric would be version ${formatRubricVersion(result.written.rubric.version)}; nothing written\n`);
  else {
    await io.writeText(options.output as string, result.written.text);
    io.stderr(`wrote ${options.output}: version ${formatRubricVersion(result.written.rubric.version)} (from ${formatRubricVersion(rubric.version)}, left untouched in ${source})\ncheck it: icp backtest -r ${source} -r ${options.output} … on outcomes newer than ${result.split.cutoff.slice(0, 10)}\n`);
  }
  return result;
}

const auc = (m: ModelScore) => (m.auc ? `${decimal(m.auc.value)} (${decimal(m.auc.interval.low)}–${decimal(m.auc.interval.high)})` : "–");
const lift = (l: LearnResult["test"]["handRubric"]["lift"]) =>
  l.bottom === null ? "–" : `${l.top} vs ${l.bottom} ${times(l.lift)}${l.interval ? ` (${times(l.interval.low)}–${times(l.interval.high)})` : ""}`;

export function renderLearnText(r: LearnResult): string {
  const out: string[] = [];
  out.push(`${r.scorecard.name} [${r.scorecard.id}] · from ${r.source.version}`);
  out.push(
    `time-ordered split at ${r.split.cutoff}: trained on ${count(r.split.train.deals)} deals created and closed before it (${count(r.split.train.won)} won), tested on ${count(r.split.test.deals)} created after (${count(r.split.test.won)} won); ${count(r.split.leftOut)} straddling the cutoff left out`,
  );
  const table = new Table({ head: ["rule", "fired (train)", "β log-odds (95%)", "points", "hand", "signal"], style: { head: [], border: [] } });
  for (const w of r.weights) {
    const signal = !w.interval ? (w.note?.startsWith("the reference level") ? "reference" : "pooled") : w.interval.low > 0 ? "raises odds" : w.interval.high < 0 ? "lowers odds" : "none";
    table.push([w.feature.id, count(w.fired), w.coefficient === null || !w.interval ? "–" : `${decimal(w.coefficient)} (${decimal(w.interval.low)} to ${decimal(w.interval.high)})`, String(w.coefficient === null ? 0 : w.points), w.feature.handPoints === null ? "–" : String(w.feature.handPoints), signal]);
  }
  out.push(table.toString());
  out.push(`intercept ${decimal(r.intercept.value)} (${decimal(r.intercept.interval.low)} to ${decimal(r.intercept.interval.high)}) · ridge λ ${r.model.l2} · ${r.model.iterations} IRLS iterations${r.model.converged ? "" : " (NOT converged)"} · 10 points double the odds`);
  out.push(`test set, ${count(r.split.test.deals)} deals — AUC (95% bootstrap):`);
  out.push(`  learned rubric ${auc(r.test.learnedRubric)} · fitted model ${auc(r.test.logistic)} · hand rubric ${auc(r.test.handRubric)} · naive Bayes ${auc(r.test.naiveBayes)}`);
  out.push(`  Brier: fitted model ${decimal(r.test.logistic.brier ?? null, 3)} · naive Bayes ${decimal(r.test.naiveBayes.brier ?? null, 3)} (0.25 is a coin toss)`);
  out.push(`  top-tier lift: learned ${lift(r.test.learnedRubric.lift)} · hand ${lift(r.test.handRubric.lift)}`);
  const thresholds = r.calibration.thresholds.map((t) => `${t.name} ≥ ${t.after}`).join(", ");
  out.push(`learned tiers: ${thresholds} (top tier ${(r.calibration.topShare.after * 100).toFixed(1)}% of the pool)`);
  out.push(`no signal (95% interval includes 0): ${r.noSignal.length === 0 ? "none" : r.noSignal.map((w) => w.feature.id).join(", ")}`);
  for (const w of r.dropped) out.push(`left out: ${w.feature.id}: ${w.note ?? ""}`);
  for (const w of r.weights) if (w.coefficient !== null && w.note) out.push(`note: ${w.feature.id}: ${w.note}`);
  for (const n of r.notes) out.push(`note: ${n}`);
  return `${out.join("\n")}\n`;
}
