import { escapeFormula } from "@icpstream/imports";
import { OUTPUT_COLUMNS, QUADRANT_LABELS, formatWaterfallReport, outputRow, scoreBatch, waterfallReport } from "@icpstream/scoring";
import type { BatchResult, LoadedScorecard, OutputRow, Rubric, WaterfallReport, WaterfallRules } from "@icpstream/scoring";
import Table from "cli-table3";
import { stringify } from "csv-stringify/sync";
import { CliError } from "./io.js";
import type { CliIo } from "./io.js";
import { checkMaxRejected, enforceLimits, importSummary, writeIssueFiles } from "./import-report.js";
import type { ImportedFile, ReportOptions } from "./import-report.js";
import { datedContacts, loadInputs, loadRubric, parseAsOf } from "./load.js";
import type { InputOptions, LoadedInputs } from "./load.js";

/**
 * `icp score` as a function: read → parse → score → rank → write. The bench calls this
 * same function, so what it measures is what users run.
 */
export type OutputFormat = "table" | "csv" | "ndjson";

export interface ScoreOptions extends InputOptions, ReportOptions {
  rubric: string[];
  asOf?: string;
  scorecard?: string[];
  format?: string;
  output?: string;
  limit?: number;
  reasons?: number;
  /** Skip the stderr summary (the bench prints its own). */
  quiet?: boolean;
  /** Escape CSV cells a spreadsheet would run as formulas (default true; --no-formula-escape turns it off). */
  formulaEscape?: boolean;
  /** Report the enrichment waterfall instead of the ranked list. */
  waterfall?: boolean;
}

export interface ScoreRun {
  batches: BatchResult[];
  rejectedRows: number;
  scoredRows: number;
}

/**
 * The ranked rows as table, CSV or NDJSON. CSV cells that start with =, +, -, @, a tab or a
 * carriage return are prefixed with a quote (OWASP's CSV-injection rule) unless
 * `formulaEscape` is false: names and domains come from third-party exports.
 */
export function renderRows(rows: OutputRow[], format: OutputFormat, formulaEscape = true): string {
  if (format === "ndjson") return rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length > 0 ? "\n" : "");
  if (format === "csv") return stringify(rows, { header: true, columns: [...OUTPUT_COLUMNS], cast: { boolean: (b) => (b ? "true" : "false"), string: (s) => (formulaEscape ? escapeFormula(s) : s) } });
  const table = new Table({ head: ["#", "domain", "scorecard", "tier", "total", "fit", "timing", "quadrant", "top reasons"], wordWrap: true, colWidths: [6, 24, 12, 12, 7, 7, 7, 20, 60] });
  for (const r of rows) table.push([String(r.rank), String(r.domain), String(r.scorecard), String(r.tier_name), String(r.total), String(r.fit), String(r.timing), QUADRANT_LABELS[r.quadrant as keyof typeof QUADRANT_LABELS].split(" (")[0] ?? "", String(r.top_reasons)]);
  return `${table.toString()}\n`;
}

function summarize(io: CliIo, files: readonly ImportedFile[], batches: BatchResult[], shown: number, total: number, options: ReportOptions) {
  const lines = importSummary(files, options);
  const orphans = batches[0]?.signalsWithoutProfile ?? 0;
  if (orphans > 0) lines.push(`${orphans} signals name an account that is not in the accounts file; they were not scored`);
  const contactOrphans = batches[0]?.contactsWithoutProfile ?? 0;
  if (contactOrphans > 0) lines.push(`${contactOrphans} contacts name an account that is not in the accounts file; they were not used`);
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
  checkMaxRejected(options.maxRejected);
  const rubrics: Rubric[] = [];
  for (const path of options.rubric) rubrics.push(await loadRubric(io, path));
  for (const id of options.scorecard ?? []) {
    if (!rubrics.some((r) => r.scorecards.some((c) => c.id === id))) throw new CliError(`--scorecard: no rubric defines "${id}"`);
  }
  const inputs = await loadInputs(io, options, asOf);
  const names = new Map(inputs.accounts.items.map((a) => [a.accountKey, a.name]));
  const signals = inputs.signals.flatMap((s) => s.items);

  if (options.waterfall) return runWaterfall(io, options, rubrics, inputs, format);
  const contacts = datedContacts(inputs.contacts, asOf);
  const batches = rubrics.map((rubric) => scoreBatch({ profiles: inputs.accounts.items, signals, rubric, asOf, ...(options.scorecard ? { scorecards: options.scorecard } : {}), ...(contacts ? { contacts } : {}) }));
  const limit = format === "table" ? (options.limit ?? 50) : (options.limit ?? Infinity);
  const total = batches.reduce((n, b) => n + b.rankings.reduce((m, r) => m + r.ranked.length, 0), 0);
  const rows = batches.flatMap((b) => b.rankings.flatMap((r) => r.ranked.slice(0, limit).map((s, i) => outputRow(s, i + 1, names.get(s.accountKey), options.reasons ?? 3))));
  const text = renderRows(rows, format, options.formulaEscape !== false);
  if (options.output) await io.writeText(options.output, text);
  else io.stdout(text);

  const files: ImportedFile[] = [
    ...[inputs.accounts, ...inputs.signals].map((f, i) => ({ source: f.source, rows: f.rows, imported: f.items.length, rejects: f.rejects, warnings: f.warnings, noun: i === 0 ? "accounts" : "signals" })),
    ...(inputs.contacts ? [{ source: inputs.contacts.source, rows: inputs.contacts.rows, imported: inputs.contacts.items.length, rejects: inputs.contacts.rejects, warnings: inputs.contacts.warnings, noun: "contacts" }] : []),
  ];
  await writeIssueFiles(io, files, options);
  if (!options.quiet) summarize(io, files, batches, rows.length, total, options);
  enforceLimits(files, options);
  return { batches, rejectedRows: files.reduce((n, f) => n + f.rejects.length, 0), scoredRows: total };
}

/**
 * `icp score --waterfall`: per scorecard with a `waterfall` section, the enrichment calls its
 * waterfall makes for the accounts read against enriching everything first (see
 * `waterfallReport`). Text by default, one JSON object per scorecard with `-f ndjson`.
 */
async function runWaterfall(io: CliIo, options: ScoreOptions, rubrics: readonly Rubric[], inputs: LoadedInputs, format: OutputFormat): Promise<ScoreRun> {
  const cards = rubrics.flatMap((r) => r.scorecards).filter((c) => !options.scorecard || options.scorecard.includes(c.id));
  const withWaterfall = cards.filter((c): c is LoadedScorecard & { waterfall: WaterfallRules } => c.waterfall !== undefined);
  if (withWaterfall.length === 0) throw new CliError(`--waterfall: no scorecard of ${options.rubric.join(", ")} has a waterfall section (waterfall: { firmographicFloor, organisationalThreshold })`);
  const reports: WaterfallReport[] = withWaterfall.map((card) => waterfallReport(inputs.accounts.items, card));
  const text = format === "ndjson" ? reports.map((r) => JSON.stringify(r)).join("\n") + "\n" : `${reports.map((r) => formatWaterfallReport(r).join("\n")).join("\n\n")}\n`;
  if (options.output) await io.writeText(options.output, text);
  else io.stdout(text);
  const files: ImportedFile[] = [{ source: inputs.accounts.source, rows: inputs.accounts.rows, imported: inputs.accounts.items.length, rejects: inputs.accounts.rejects, warnings: inputs.accounts.warnings, noun: "accounts" }];
  await writeIssueFiles(io, files, options);
  if (!options.quiet) io.stderr(`${importSummary(files, options).join("\n")}\n`);
  enforceLimits(files, options);
  return { batches: [], rejectedRows: inputs.accounts.rejects.length, scoredRows: inputs.accounts.items.length };
}
