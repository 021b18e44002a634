import { formatFromName, parseAccounts, parseContacts, parseMapping, parseSignals } from "@icpstream/imports";
import type { Imported, InputFormat, Mapping, MappingKind } from "@icpstream/imports";
import { parseRubric } from "@icpstream/scoring";
import type { AccountProfile, Contact, DatedContact, Rubric, Signal } from "@icpstream/scoring";
import { CliError } from "./io.js";
import type { CliIo } from "./io.js";

/** File reading for the commands; all parsing is the imports and scoring packages'. */
export async function loadRubric(io: CliIo, path: string): Promise<Rubric> {
  return parseRubric(await io.readText(path), path);
}

export function inputFormat(path: string, explicit: string | undefined): InputFormat {
  if (explicit === "csv" || explicit === "ndjson") return explicit;
  if (explicit !== undefined) throw new CliError(`unknown input format "${explicit}" (expected csv or ndjson)`);
  const format = formatFromName(path);
  if (!format) throw new CliError(`${path}: cannot tell the format from the name; pass --accounts-format / --signals-format csv|ndjson`);
  return format;
}

export async function loadMapping(io: CliIo, path: string | undefined, kind: MappingKind): Promise<Mapping | undefined> {
  if (path === undefined || path === "none" || path === "-") return undefined;
  const mapping = parseMapping(await io.readText(path), path);
  if (mapping.kind !== kind) throw new CliError(`${path}: this mapping is for ${mapping.kind}, not ${kind}`);
  return mapping;
}

export interface InputOptions {
  accounts: string;
  accountsFormat?: string;
  accountsMapping?: string;
  signals?: string[];
  signalsFormat?: string;
  /** One mapping for every signals file, or one per file in the order of --signals (`none` for a file in our columns). */
  signalsMapping?: string[] | string;
  /** CSV delimiter for every input (default: detected per file). */
  delimiter?: string;
  /** Numbers in the inputs use a decimal comma (12,5). */
  decimalComma?: boolean;
  /** Encoding of the inputs (default UTF-8; UTF-16 is recognised). */
  encoding?: string;
  /** Hours a signal may be dated after the as-of instant before it is rejected as future-dated (default 24). */
  futureToleranceHours?: number;
  contacts?: string;
  contactsFormat?: string;
  contactsMapping?: string;
}

/** How far after the as-of instant a signal may be dated by default: a day, as the timing service allows after `observedAt`. */
export const DEFAULT_FUTURE_TOLERANCE_HOURS = 24;

export interface LoadedInputs {
  accounts: Imported<AccountProfile>;
  signals: Imported<Signal>[];
  signalFiles: string[];
  /** Read when --contacts is given. */
  contacts?: Imported<Contact>;
}

/** A file's contacts as of the run's instant: each record describes the contact at `asOf` (its engagement is aged to it). */
export function datedContacts(contacts: Imported<Contact> | undefined, asOf: string): DatedContact[] | undefined {
  return contacts?.items.map((c) => ({ ...c, occurredAt: asOf }));
}

/** Which mapping reads which signals file: one for all, or one per file in order. */
export function signalMappingPaths(files: readonly string[], mappings: readonly string[]): (string | undefined)[] {
  if (mappings.length === 0) return files.map(() => undefined);
  if (mappings.length === 1) return files.map(() => mappings[0]);
  if (mappings.length === files.length) return [...mappings];
  throw new CliError(`--signals-mapping: give one mapping for every signals file, or one per --signals file in the same order (${files.length} files, ${mappings.length} mappings; use "none" for a file in icpstream's own columns)`);
}

/**
 * Reads the accounts and signals files. With `asOf` (ISO), a signal dated more than the
 * tolerance after it is rejected as future-dated (`icp score`, `icp explain`); the backtest,
 * which scores each deal at its own instant, reads every signal.
 */
export async function loadInputs(io: CliIo, options: InputOptions, asOf?: string): Promise<LoadedInputs> {
  const common = { delimiter: options.delimiter, decimalComma: options.decimalComma, encoding: options.encoding };
  const futureDated = asOf === undefined ? undefined : { referenceMs: Date.parse(asOf), toleranceMs: (options.futureToleranceHours ?? DEFAULT_FUTURE_TOLERANCE_HOURS) * 3_600_000, reference: "the as-of instant" };
  const accountsMapping = await loadMapping(io, options.accountsMapping, "accounts");
  const accounts = parseAccounts(await io.readBytes(options.accounts), { source: options.accounts, format: inputFormat(options.accounts, options.accountsFormat), mapping: accountsMapping, ...common });
  const signalFiles = options.signals ?? [];
  const mappingPaths = signalMappingPaths(signalFiles, options.signalsMapping === undefined ? [] : Array.isArray(options.signalsMapping) ? options.signalsMapping : [options.signalsMapping]);
  const signals: Imported<Signal>[] = [];
  for (const [i, file] of signalFiles.entries()) {
    const mapping = await loadMapping(io, mappingPaths[i], "signals");
    signals.push(parseSignals(await io.readBytes(file), { source: file, format: inputFormat(file, options.signalsFormat), mapping, futureDated, ...common }));
  }
  const contactsMapping = await loadMapping(io, options.contactsMapping, "contacts");
  if (options.contactsMapping !== undefined && options.contacts === undefined) throw new CliError("--contacts-mapping: give the contacts file with --contacts");
  const contacts = options.contacts === undefined ? undefined : parseContacts(await io.readBytes(options.contacts), { source: options.contacts, format: inputFormat(options.contacts, options.contactsFormat), mapping: contactsMapping, ...common });
  return { accounts, signals, signalFiles, ...(contacts ? { contacts } : {}) };
}

export function parseAsOf(value: string | undefined, io: CliIo): string {
  if (value === undefined) return io.now().toISOString();
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const ms = Date.parse(text);
  if (Number.isNaN(ms) || !/(Z|[+-]\d{2}:\d{2})$/.test(text)) throw new CliError(`--as-of: expected a date (2026-11-01, read as midnight UTC) or an ISO date-time with offset, got "${value}"`);
  return new Date(ms).toISOString();
}
