import type { AccountProfile } from "../domain/account-profile.js";
import type { Signal } from "../domain/signal.js";
import { accountFromRecord } from "./account-rows.js";
import type { Mapping } from "./mapping.js";
import { readRecords } from "./records.js";
import type { InputFormat, RowError } from "./records.js";
import { signalFromRecord } from "./signal-rows.js";

/**
 * Text → domain objects, row by row: a bad row is reported (file, line, field, what was
 * expected) and skipped; the others go on. Pure: the caller reads the files.
 */
export interface Parsed<T> {
  items: T[];
  rejected: RowError[];
  /** Rows read, including rejected ones. */
  rows: number;
}

export function parseAccounts(text: string, options: { source: string; format: InputFormat; mapping?: Mapping }): Parsed<AccountProfile> {
  const { records, errors } = readRecords(text, options.format, options.source);
  const items: AccountProfile[] = [];
  const rejected = [...errors];
  const firstLine = new Map<string, number>();
  for (const record of records) {
    const fields = options.mapping ? options.mapping.apply(record.fields) : record.fields;
    const result = accountFromRecord({ line: record.line, fields }, options.source);
    if (!result.ok) {
      rejected.push(...result.errors.slice(0, 1).map((e) => ({ ...e, message: result.errors.length > 1 ? `${e.message} (and ${result.errors.length - 1} more)` : e.message })));
      continue;
    }
    const seen = firstLine.get(result.value.accountKey);
    if (seen !== undefined) {
      rejected.push({ source: options.source, line: record.line, field: "domain", message: `duplicate account ${result.value.accountKey} (first on line ${seen})` });
      continue;
    }
    firstLine.set(result.value.accountKey, record.line);
    items.push(result.value);
  }
  return { items, rejected: rejected.sort((a, b) => a.line - b.line), rows: records.length + errors.length };
}

export function parseSignals(text: string, options: { source: string; format: InputFormat; mapping?: Mapping }): Parsed<Signal> {
  const { records, errors } = readRecords(text, options.format, options.source);
  const items: Signal[] = [];
  const rejected = [...errors];
  for (const record of records) {
    const fields = options.mapping ? options.mapping.apply(record.fields) : record.fields;
    const result = signalFromRecord({ line: record.line, fields }, options.source);
    if (!result.ok) {
      rejected.push(...result.errors.slice(0, 1).map((e) => ({ ...e, message: result.errors.length > 1 ? `${e.message} (and ${result.errors.length - 1} more)` : e.message })));
      continue;
    }
    items.push(result.value);
  }
  return { items, rejected: rejected.sort((a, b) => a.line - b.line), rows: records.length + errors.length };
}
