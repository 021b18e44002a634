import { parse as parseCsv } from "csv-parse/sync";
import { ScoringError } from "../errors.js";

/**
 * Raw records from input text, each with the line it came from, before any meaning is
 * given to them. CSV: the first row names the columns, empty lines are skipped, a BOM
 * is ignored. NDJSON: one JSON object per line, blank lines skipped.
 */
export type InputFormat = "csv" | "ndjson";

export interface RawRecord {
  line: number;
  /** CSV cells (strings) by header, or the parsed JSON object. */
  fields: Record<string, unknown>;
}

/** A record that could not be read; the run goes on without it. */
export interface RowError {
  source: string;
  line: number;
  field: string | undefined;
  message: string;
}

export function formatRowError(e: RowError): string {
  return `${e.source}:${e.line}: ${e.field ? `${e.field}: ` : ""}${e.message}`;
}

export function formatFromName(name: string): InputFormat | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".ndjson") || lower.endsWith(".jsonl")) return "ndjson";
  return undefined;
}

export function readRecords(text: string, format: InputFormat, source: string): { records: RawRecord[]; errors: RowError[] } {
  return format === "csv" ? readCsv(text, source) : readNdjson(text, source);
}

function readCsv(text: string, source: string): { records: RawRecord[]; errors: RowError[] } {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parseCsv(text, { bom: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as typeof rows;
  } catch (error) {
    const e = error as { message?: string; lines?: number };
    throw new ScoringError("INPUT_INVALID", `${source}:${e.lines ?? 1}: not valid CSV: ${e.message ?? String(error)}`);
  }
  const [header, ...body] = rows;
  if (!header) return { records: [], errors: [] };
  const names = header.record.map((h) => h.trim());
  const records: RawRecord[] = [];
  const errors: RowError[] = [];
  for (const { record, info } of body) {
    if (record.length > names.length && record.slice(names.length).some((c) => c.trim() !== "")) {
      errors.push({ source, line: info.lines, field: undefined, message: `has ${record.length} cells but the header names ${names.length} columns` });
      continue;
    }
    const fields: Record<string, unknown> = {};
    names.forEach((name, i) => {
      const cell = record[i];
      if (name !== "" && cell !== undefined) fields[name] = cell;
    });
    records.push({ line: info.lines, fields });
  }
  return { records, errors };
}

function readNdjson(text: string, source: string): { records: RawRecord[]; errors: RowError[] } {
  const records: RawRecord[] = [];
  const errors: RowError[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      errors.push({ source, line, field: undefined, message: `not valid JSON: ${(error as Error).message}` });
      return;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      errors.push({ source, line, field: undefined, message: "expected a JSON object" });
      return;
    }
    records.push({ line, fields: value as Record<string, unknown> });
  });
  return { records, errors };
}
