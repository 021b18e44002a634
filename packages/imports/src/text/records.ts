import { parse as parseCsv } from "csv-parse/sync";
import type { Options as CsvOptions } from "csv-parse/sync";
import { ScoringError } from "@icpstream/scoring";
import type { ImportIssue } from "../issues.js";
import { shownValue } from "../issues.js";

/**
 * Text → raw rows, each with the line it starts on, before any meaning is given to them.
 *
 * CSV (RFC 4180 through csv-parse): the first row names the columns; the delimiter is
 * `,`, `;`, tab or `|`, taken from the header row (the one it holds most of, outside
 * quotes) unless given; CR/LF, LF and CR line ends are all read, including inside quoted
 * cells, and a row's line is the line it starts on; blank rows are skipped; a row past
 * `maxRowChars` or not readable (a stray quote) is rejected with its line and the rest go
 * on. NDJSON: one JSON object per line, blank lines skipped.
 */
export type InputFormat = "csv" | "ndjson";

export interface SourceRow {
  /** The 1-based line the row starts on. */
  line: number;
  /** CSV: the cells, by header position. */
  cells?: readonly string[];
  /** NDJSON: the object on the line. */
  object?: Readonly<Record<string, unknown>>;
}

export interface ReadRows {
  /** CSV header names as written (trimmed); undefined for NDJSON. */
  header: readonly string[] | undefined;
  rows: SourceRow[];
  /** Rows that could not be read (they count as rows read). */
  rejects: ImportIssue[];
  /** The delimiter used (CSV). */
  delimiter: string | undefined;
}

export interface ReadOptions {
  source: string;
  format: InputFormat;
  /** CSV delimiter; detected from the header row when absent. */
  delimiter?: string | undefined;
  /** The largest row accepted, in characters (default 256 KiB: far above any real row, far below a Kafka message). */
  maxRowChars?: number | undefined;
}

export const DEFAULT_MAX_ROW_CHARS = 256 * 1024;
const DELIMITERS = [",", ";", "\t", "|"] as const;

export function formatFromName(name: string): InputFormat | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith(".csv") || lower.endsWith(".tsv") || lower.endsWith(".txt")) return "csv";
  if (lower.endsWith(".ndjson") || lower.endsWith(".jsonl")) return "ndjson";
  return undefined;
}

export function readRows(text: string, options: ReadOptions): ReadRows {
  const normalized = text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
  const body = normalized.charCodeAt(0) === 0xfeff ? normalized.slice(1) : normalized;
  return options.format === "csv" ? readCsv(body, options) : readNdjson(body, options);
}

/** The delimiter the header row holds most of, outside quotes (`,` when it holds none). */
export function detectDelimiter(text: string): string {
  const end = text.indexOf("\n");
  const first = end < 0 ? text : text.slice(0, end);
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of first) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ",";
  for (const d of DELIMITERS) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

function readCsv(text: string, options: ReadOptions): ReadRows {
  const delimiter = options.delimiter ?? detectDelimiter(text);
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === "\n") throw new ScoringError("INPUT_INVALID", `${options.source}: the delimiter must be one character other than a quote or a line break, got ${JSON.stringify(delimiter)}`);
  const maxRowChars = options.maxRowChars ?? DEFAULT_MAX_ROW_CHARS;
  const rejects: ImportIssue[] = [];
  const skippedLines = new Set<number>();
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(text, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
      skip_records_with_error: true,
      on_skip: (error?: { code?: string; lines?: number; message?: string }) => {
        const line = error?.lines ?? 0;
        if (skippedLines.has(line)) return;
        skippedLines.add(line);
        rejects.push({ source: options.source, line, column: undefined, value: undefined, reason: "unreadable_row", message: `not readable as CSV (${(error?.message ?? "").replace(/^Invalid /, "invalid ")}); skipped` });
      },
    } as CsvOptions) as unknown as typeof records;
  } catch (error) {
    const e = error as { message?: string; lines?: number };
    throw new ScoringError("INPUT_INVALID", `${options.source}:${e.lines ?? 1}: not readable as CSV: ${e.message ?? String(error)}`);
  }
  const [first, ...body] = records;
  if (!first) return { header: undefined, rows: [], rejects, delimiter };
  const header = first.record.map((h) => h.trim());
  const rows: SourceRow[] = [];
  for (const { record, info } of body) {
    let breaks = 0;
    let blank = true;
    let size = 0;
    for (const cell of record) {
      size += cell.length + 1;
      if (blank && cell.trim() !== "") blank = false;
      if (cell.includes("\n")) for (let i = cell.indexOf("\n"); i >= 0; i = cell.indexOf("\n", i + 1)) breaks++;
    }
    const line = info.lines - breaks;
    if (blank) continue;
    if (size > maxRowChars) {
      rejects.push({ source: options.source, line, column: undefined, value: undefined, reason: "row_too_large", message: `a row of ${size} characters, more than the ${maxRowChars} a row may hold; skipped` });
      continue;
    }
    if (record.length > header.length && record.slice(header.length).some((c) => c.trim() !== "")) {
      rejects.push({
        source: options.source,
        line,
        column: undefined,
        value: shownValue(record.slice(header.length).join(delimiter)),
        reason: "unreadable_row",
        message: `has ${record.length} cells but the header names ${header.length} columns (a delimiter inside an unquoted cell?); skipped`,
      });
      continue;
    }
    rows.push({ line, cells: record });
  }
  return { header, rows, rejects, delimiter };
}

function readNdjson(text: string, options: ReadOptions): ReadRows {
  const maxRowChars = options.maxRowChars ?? DEFAULT_MAX_ROW_CHARS;
  const rows: SourceRow[] = [];
  const rejects: ImportIssue[] = [];
  let start = 0;
  let line = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    line++;
    const raw = text.slice(start, end);
    start = end + 1;
    if (raw.trim() === "") continue;
    const reject = (reason: "unreadable_row" | "row_too_large", message: string) => rejects.push({ source: options.source, line, column: undefined, value: undefined, reason, message });
    if (raw.length > maxRowChars) {
      reject("row_too_large", `a line larger than ${maxRowChars} characters; skipped`);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      reject("unreadable_row", `not valid JSON (${(error as Error).message}); skipped`);
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      reject("unreadable_row", "expected a JSON object on the line; skipped");
      continue;
    }
    rows.push({ line, object: value as Record<string, unknown> });
  }
  return { header: undefined, rows, rejects, delimiter: undefined };
}
