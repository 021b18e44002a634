import { parseMaxRejected, renderIssues, summaryLines } from "@icpstream/imports";
import type { ImportIssue } from "@icpstream/imports";
import { CliError } from "./io.js";
import type { CliIo } from "./io.js";

/**
 * What the commands say about their input files, the same for `icp score`, `icp explain`
 * and `icp ingest`: per file, rows read, imported, rejected and warned, grouped by reason
 * with counts and one example each (on stderr); every reject and every warning in full in
 * `--rejects FILE` / `--warnings FILE` (NDJSON, or CSV when the name ends in .csv); and the
 * exit status: a file whose every row was rejected, or more rejects than `--max-rejected`
 * (a count, or a share such as 5%), makes the command fail after its output is written.
 */
export interface ReportOptions {
  rejects?: string | undefined;
  warnings?: string | undefined;
  maxRejected?: string | undefined;
  /** Print nothing on stderr (the files and the exit status still apply). */
  quiet?: boolean | undefined;
}

export interface ImportedFile {
  source: string;
  rows: number;
  /** Rows turned into accounts, signals or sent events. */
  imported: number;
  rejects: readonly ImportIssue[];
  warnings: readonly ImportIssue[];
  /** "accounts", "signals", "events": what one imported row is called. */
  noun: string;
  /** What happened to them (default "imported"; icp ingest: "sent"). */
  verb?: string;
}

const formatOf = (path: string) => (path.toLowerCase().endsWith(".csv") ? "csv" : "ndjson");

export function checkMaxRejected(value: string | undefined): ((rejected: number, rows: number) => boolean) | undefined {
  if (value === undefined) return undefined;
  try {
    return parseMaxRejected(value);
  } catch (error) {
    throw new CliError(`--max-rejected: ${(error as Error).message}`);
  }
}

export async function writeIssueFiles(io: CliIo, files: readonly { rejects: readonly ImportIssue[]; warnings: readonly ImportIssue[] }[], options: ReportOptions): Promise<void> {
  if (options.rejects) await io.writeText(options.rejects, renderIssues(files.flatMap((f) => f.rejects.map((issue) => ({ kind: "reject" as const, issue }))), formatOf(options.rejects)));
  if (options.warnings) await io.writeText(options.warnings, renderIssues(files.flatMap((f) => f.warnings.map((issue) => ({ kind: "warning" as const, issue }))), formatOf(options.warnings)));
}

/** Summary lines for the input files (empty files left out). */
export function importSummary(files: readonly ImportedFile[], options: ReportOptions): string[] {
  const lines: string[] = [];
  for (const f of files) {
    if (f.rows === 0 && f.warnings.length === 0) continue;
    lines.push(...summaryLines(f.source, { rows: f.rows, imported: f.imported, rejected: f.rejects, warnings: f.warnings }, f.noun, f.verb));
  }
  const rejected = files.reduce((n, f) => n + f.rejects.length, 0);
  const warned = files.reduce((n, f) => n + f.warnings.length, 0);
  if ((rejected > 0 && !options.rejects) || (warned > 0 && !options.warnings)) {
    lines.push(`  every row and value: ${[rejected > 0 && !options.rejects ? "--rejects FILE" : undefined, warned > 0 && !options.warnings ? "--warnings FILE" : undefined].filter(Boolean).join(", ")} (.ndjson or .csv)`);
  }
  return lines;
}

/** Throws (exit 1) when a file lost every row, or when rejects pass --max-rejected. */
export function enforceLimits(files: readonly ImportedFile[], options: ReportOptions): void {
  const empty = files.filter((f) => f.rows > 0 && f.imported === 0);
  if (empty.length > 0) throw new CliError(`every row of ${empty.map((f) => f.source).join(", ")} was rejected; nothing from ${empty.length > 1 ? "them" : "it"} was used`);
  const limit = checkMaxRejected(options.maxRejected);
  if (!limit) return;
  const rejected = files.reduce((n, f) => n + f.rejects.length, 0);
  const rows = files.reduce((n, f) => n + f.rows, 0);
  if (limit(rejected, rows)) throw new CliError(`${rejected} of ${rows} rows were rejected, more than --max-rejected ${options.maxRejected}`);
}
