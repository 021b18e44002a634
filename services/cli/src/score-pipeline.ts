import { OUTPUT_COLUMNS, QUADRANT_LABELS, formatRowError, outputRow, scoreBatch } from "@icpstream/scoring";
import type { BatchResult, OutputRow, Parsed, Rubric } from "@icpstream/scoring";
import Table from "cli-table3";
import { stringify } from "csv-stringify/sync";
import { CliError } from "./io.js";
import type { CliIo } from "./io.js";
import { loadInputs, loadRubric, parseAsOf } from "./load.js";
import type { InputOptions } from "./load.js";

/**
 * `icp score` as a function: read → parse → score → rank → write. The bench calls this
 * same function, so what it measures is what users run.
 */
export type OutputFormat = "table" | "csv" | "ndjson";

export interface ScoreOptions extends InputOptions {
  rubric: string[];
  asOf?: string;
  scorecard?: string[];
  format?: string;
  output?: string;
  limit?: number;
  reasons?: number;
  /** Skip the stderr summary (the bench prints its own). */
  quiet?: boolean;
}

export interface ScoreRun {
  batches: BatchResult[];
  rejectedRows: number;
  scoredRows: number;
}

export function renderRows(rows: OutputRow[], format: OutputFormat): string {
  if (format === "ndjson") return rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length > 0 ? "\n" : "");
  if (format === "csv") return stringify(rows, { header: true, columns: [...OUTPUT_COLUMNS], cast: { boolean: (b) => (b ? "true" : "false") } });
  const table = new Table({ head: ["#", "domain", "scorecard", "tier", "total", "fit", "timing", "quadrant", "top reasons"], wordWrap: true, colWidths: [6, 24, 12, 12, 7, 7, 7, 20, 60] });
  for (const r of rows) table.push([String(r.rank), String(r.domain), String(r.scorecard), String(r.tier_name), String(r.total), String(r.fit), String(r.timing), QUADRANT_LABELS[r.quadrant as keyof typeof QUADRANT_LABELS].split(" (")[0] ?? "", String(r.top_reasons)]);
  return `${table.toString()}\n`;
}

function summarize(io: CliIo, parsed: Parsed<unknown>[], batches: BatchResult[], shown: number, total: number) {
  const lines: string[] = [];
  const rejected = parsed.flatMap((p) => p.rejected);
  for (const p of parsed) if (p.rows > 0 || p.rejected.length > 0) lines.push(`read ${p.rows} rows, rejected ${p.rejected.length}${p.rejected[0] ? ` (${p.rejected[0].source})` : ""}`);
  for (const e of rejected.slice(0, 20)) lines.push(`  ${formatRowError(e)}`);
  if (rejected.length > 20) lines.push(`  … and ${rejected.length - 20} more rejected rows`);
  const orphans = batches[0]?.signalsWithoutProfile ?? 0;
  if (orphans > 0) lines.push(`${orphans} signals name an account that is not in the accounts file; they were not scored`);
  for (const batch of batches) {
    for (const ranking of batch.rankings) {
      const dist = ranking.distribution.map((d) => `${d.name} ${d.count} (${(d.share * 100).toFixed(1)}%)`).join(", ");
      lines.push(`${ranking.name} [${ranking.scorecard}] as of ${batch.asOf}: ${dist}`);
      for (const w of ranking.warnings) lines.push(`warning: ${w}`);
    }
  }
  if (shown < total) lines.push(`showing the top ${shown} of ${total} rows; use --limit or --format csv for all`);
  io.stderr(`${lines.join("\n")}\n`);
}

export async function runScore(io: CliIo, options: ScoreOptions): Promise<ScoreRun> {
  const format = (options.format ?? (io.stdoutIsTty && !options.output ? "table" : "csv")) as OutputFormat;
  if (!["table", "csv", "ndjson"].includes(format)) throw new CliError(`--format: expected table, csv or ndjson, got "${options.format}"`);
  if (options.rubric.length === 0) throw new CliError("--rubric: expected at least one rubric file");
  const asOf = parseAsOf(options.asOf, io);
  const rubrics: Rubric[] = [];
  for (const path of options.rubric) rubrics.push(await loadRubric(io, path));
  for (const id of options.scorecard ?? []) {
    if (!rubrics.some((r) => r.scorecards.some((c) => c.id === id))) throw new CliError(`--scorecard: no rubric defines "${id}"`);
  }
  const inputs = await loadInputs(io, options);
  const names = new Map(inputs.accounts.items.map((a) => [a.accountKey, a.name]));
  const signals = inputs.signals.flatMap((s) => s.items);

  const batches = rubrics.map((rubric) => scoreBatch({ profiles: inputs.accounts.items, signals, rubric, asOf, ...(options.scorecard ? { scorecards: options.scorecard } : {}) }));
  const limit = format === "table" ? (options.limit ?? 50) : (options.limit ?? Infinity);
  const total = batches.reduce((n, b) => n + b.rankings.reduce((m, r) => m + r.ranked.length, 0), 0);
  const rows = batches.flatMap((b) => b.rankings.flatMap((r) => r.ranked.slice(0, limit).map((s, i) => outputRow(s, i + 1, names.get(s.accountKey), options.reasons ?? 3))));
  const text = renderRows(rows, format);
  if (options.output) await io.writeText(options.output, text);
  else io.stdout(text);

  const parsed: Parsed<unknown>[] = [inputs.accounts, ...inputs.signals];
  if (!options.quiet) summarize(io, parsed, batches, rows.length, total);
  return { batches, rejectedRows: parsed.reduce((n, p) => n + p.rejected.length, 0), scoredRows: total };
}
