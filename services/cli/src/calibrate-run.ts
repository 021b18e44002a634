import { calibrateRubric, formatTierShare, runBacktest } from "@icpstream/backtest";
import type { CalibrationRun } from "@icpstream/backtest";
import { formatRubricVersion } from "@icpstream/scoring";
import Table from "cli-table3";
import { loadOutcomeInputs, newRubricTarget } from "./backtest-inputs.js";
import type { OutcomeCliOptions } from "./backtest-inputs.js";
import type { CliIo } from "./io.js";

/**
 * `icp calibrate`: proposes tier thresholds from the pool and the outcomes, prints the
 * before/after table, and writes the calibrated rubric to a NEW file (--output), never
 * over the source and never over an existing file without --force. --dry-run only shows.
 */
export interface CalibrateOptions extends OutcomeCliOptions {
  output?: string;
  force?: boolean;
  dryRun?: boolean;
}

export async function runCalibrate(io: CliIo, options: CalibrateOptions): Promise<CalibrationRun> {
  const source = await newRubricTarget(io, options, "calibrate", "calibrated");

  const inputs = await loadOutcomeInputs(io, options);
  const rubric = inputs.rubrics[0]!;
  const backtest = runBacktest({ rubrics: [rubric], ...(options.scorecard ? { scorecards: options.scorecard } : {}), history: inputs.history, signals: inputs.signals, opportunities: inputs.opportunities, asOf: inputs.asOf, options: { ...inputs.reportOptions, resamples: 50 } });
  const run = calibrateRubric({
    rubric,
    sourceText: await io.readText(source),
    source,
    target: options.output ?? "(dry run)",
    scorecards: backtest.runs.map((r) => ({ card: r.card, pool: r.pool, opportunities: r.pointInTime.scored })),
    ...(inputs.reportOptions.targetTopShare ? { targetShare: inputs.reportOptions.targetTopShare } : {}),
    asOf: inputs.asOf,
  });

  const out: string[] = [];
  for (const p of run.proposals) {
    const card = rubric.scorecards.find((c) => c.id === p.scorecard);
    out.push(`${card?.name ?? p.scorecard} [${p.scorecard}] · ${p.closedDeals} closed deals · pool of ${backtest.runs.find((r) => r.card.id === p.scorecard)?.pool.length ?? 0} accounts as of ${inputs.asOf}`);
    const table = new Table({ head: ["tier", "min", "pool share", "win rate (95%) before", "win rate (95%) after", "closed before → after"], style: { head: [], border: [] } });
    p.before.forEach((b, i) => {
      const a = p.after[i]!;
      table.push([b.name, b.min === a.min ? String(b.min) : `${b.min} → ${a.min}`, `${formatTierShare(b.poolShare)} → ${formatTierShare(a.poolShare)}`, rateText(b), rateText(a), `${b.won + b.lost} → ${a.won + a.lost}`]);
    });
    out.push(table.toString());
    out.push(`top tier: ${formatTierShare(p.topShare.before)} → ${formatTierShare(p.topShare.after)} of the pool (target ${Math.round(p.target.low * 100)}–${Math.round(p.target.high * 100)}%); win rates ordered: ${p.ordered.before ? "yes" : "no"} → ${p.ordered.after ? "yes" : "no"}`);
    for (const note of p.notes) out.push(`note: ${note}`);
    out.push("");
  }
  if (!run.changed || !run.written) out.push(`no threshold moved; nothing written (${formatRubricVersion(rubric.version)} stays as it is)`);
  else if (options.dryRun) out.push(`dry run: the calibrated rubric would be version ${formatRubricVersion(run.written.rubric.version)}; nothing written`);
  else {
    await io.writeText(options.output as string, run.written.text);
    out.push(`wrote ${options.output}: version ${formatRubricVersion(run.written.rubric.version)} (from ${formatRubricVersion(rubric.version)}, left untouched in ${source})`);
    out.push(`check it: icp backtest -r ${source} -r ${options.output} … (the same outcomes, both versions side by side)`);
  }
  io.stdout(`${out.join("\n")}\n`);
  return run;
}

function rateText(t: { won: number; lost: number; winRate: number | null; winRateInterval: { low: number; high: number } | null }): string {
  if (t.winRate === null || !t.winRateInterval) return "–";
  return `${(t.winRate * 100).toFixed(1)}% (${(t.winRateInterval.low * 100).toFixed(0)}–${(t.winRateInterval.high * 100).toFixed(0)}%)`;
}
