import type { AccountProfile } from "@icpstream/scoring";
import { accountFromProfileObject, accountFromView } from "./accounts.js";
import type { RowContext, RowOutcome } from "./accounts.js";
import type { ImportIssue } from "./issues.js";
import { objectView } from "./rows.js";
import { decodeInput } from "./text/decode.js";
import type { InputFormat } from "./text/records.js";
import { readRows } from "./text/records.js";

/**
 * Rows as plain objects, for readers of files this package does not model yet (outcome
 * exports): CSV rows keyed by their header (null-prototype objects, so any header name is
 * safe), NDJSON objects as they are, each with the line it starts on; the same decoding,
 * dialects, limits and row rejects as parseAccounts / parseSignals.
 */
export function readRecords(input: string | Uint8Array, options: { source: string; format: InputFormat; delimiter?: string | undefined; encoding?: string | undefined }): { records: { line: number; fields: Record<string, unknown> }[]; rejects: ImportIssue[] } {
  const { text } = decodeInput(input, { source: options.source, encoding: options.encoding });
  const read = readRows(text, { source: options.source, format: options.format, delimiter: options.delimiter });
  const records = read.rows.map((row) => {
    if (row.object) return { line: row.line, fields: row.object as Record<string, unknown> };
    const fields: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    read.header?.forEach((name, i) => {
      const cell = row.cells?.[i];
      if (name !== "" && cell !== undefined && !Object.hasOwn(fields, name)) fields[name] = cell;
    });
    return { line: row.line, fields };
  });
  return { records, rejects: read.rejects };
}

/** One record in our account columns (or the AccountProfile shape) → a profile, by the same rules as parseAccounts. */
export function accountFromFields(fields: Record<string, unknown>, line: number, options: { source: string; decimalComma?: boolean }): RowOutcome<AccountProfile> {
  const context: RowContext = { source: options.source, numbers: { decimalComma: options.decimalComma ?? false }, dateOrder: undefined };
  if (typeof fields.accountKey === "string" && ["firmographics", "technographics", "organisational", "antiIcp"].some((k) => Object.hasOwn(fields, k))) return accountFromProfileObject(fields, line, context);
  return accountFromView(objectView({ line, object: fields }, "accounts", undefined), context);
}
