import { formatFromName, parseAccounts, parseMapping, parseRubric, parseSignals } from "@icpstream/scoring";
import type { AccountProfile, InputFormat, Mapping, Parsed, Rubric, Signal } from "@icpstream/scoring";
import { CliError } from "./io.js";
import type { CliIo } from "./io.js";

/** File reading for the commands; all parsing is the scoring package's. */
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

async function loadMapping(io: CliIo, path: string | undefined, kind: "accounts" | "signals"): Promise<Mapping | undefined> {
  if (path === undefined) return undefined;
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
  signalsMapping?: string;
}

export interface LoadedInputs {
  accounts: Parsed<AccountProfile>;
  signals: Parsed<Signal>[];
  signalFiles: string[];
}

export async function loadInputs(io: CliIo, options: InputOptions): Promise<LoadedInputs> {
  const accountsText = await io.readText(options.accounts);
  const accountsMapping = await loadMapping(io, options.accountsMapping, "accounts");
  const accounts = parseAccounts(accountsText, { source: options.accounts, format: inputFormat(options.accounts, options.accountsFormat), ...(accountsMapping ? { mapping: accountsMapping } : {}) });
  const signalsMapping = await loadMapping(io, options.signalsMapping, "signals");
  const signalFiles = options.signals ?? [];
  const signals: Parsed<Signal>[] = [];
  for (const file of signalFiles) {
    signals.push(parseSignals(await io.readText(file), { source: file, format: inputFormat(file, options.signalsFormat), ...(signalsMapping ? { mapping: signalsMapping } : {}) }));
  }
  return { accounts, signals, signalFiles };
}

export function parseAsOf(value: string | undefined, io: CliIo): string {
  if (value === undefined) return io.now().toISOString();
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const ms = Date.parse(text);
  if (Number.isNaN(ms) || !/(Z|[+-]\d{2}:\d{2})$/.test(text)) throw new CliError(`--as-of: expected a date (2026-11-01, read as midnight UTC) or an ISO date-time with offset, got "${value}"`);
  return new Date(ms).toISOString();
}
