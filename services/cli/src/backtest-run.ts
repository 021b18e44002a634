import { renderReportPage, runBacktest } from "@icpstream/backtest";
import type { BacktestResult } from "@icpstream/backtest";
import { renderReportText } from "./backtest-output.js";
import { loadOutcomeInputs } from "./backtest-inputs.js";
import type { OutcomeCliOptions, OutcomeInputs } from "./backtest-inputs.js";
import { readChartLibrary } from "./chart-library.js";
import { CliError } from "./io.js";
import type { CliIo } from "./io.js";

/**
 * `icp backtest` as a function: read → score every opportunity as of its creation and the
 * pool as of --as-of → report (table, JSON, HTML). The bench calls this same function.
 */
export interface BacktestOptions extends OutcomeCliOptions {
  format?: string;
  output?: string;
  html?: string;
}

export async function runBacktestCommand(io: CliIo, options: BacktestOptions): Promise<{ result: BacktestResult; inputs: OutcomeInputs }> {
  const format = options.format ?? "table";
  if (format !== "table" && format !== "json") throw new CliError(`--format: expected table or json, got "${options.format}"`);
  const inputs = await loadOutcomeInputs(io, options);
  const result = runBacktest({
    rubrics: inputs.rubrics,
    ...(options.scorecard ? { scorecards: options.scorecard } : {}),
    history: inputs.history,
    signals: inputs.signals,
    opportunities: inputs.opportunities,
    asOf: inputs.asOf,
    options: inputs.reportOptions,
  });
  const reports = result.runs.map((r) => r.report);
  const text = format === "json" ? `${JSON.stringify({ asOf: result.asOf, sources: inputs.sources, reports }, null, 2)}\n` : renderReportText(reports);
  if (options.output) await io.writeText(options.output, text);
  else io.stdout(text);
  if (options.html) {
    const page = renderReportPage({ title: `icpstream backtest as of ${result.asOf.slice(0, 10)}`, reports, chartLibrary: await readChartLibrary(io), sources: inputs.sources });
    await io.writeText(options.html, page);
    if (!options.quiet) io.stderr(`wrote ${options.html}\n`);
  }
  return { result, inputs };
}
