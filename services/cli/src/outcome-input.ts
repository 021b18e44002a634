import { Opportunity, foldOutcomeEvents } from "@icpstream/backtest";
import type { ProfileSnapshot } from "@icpstream/backtest";
import { OutcomeEventV1 } from "@icpstream/contracts";
import { accountFromFields, formatIssue, readRecords as readImportRecords } from "@icpstream/imports";
import type { InputFormat } from "@icpstream/imports";
import { tryNormalizeAccountKey } from "@icpstream/scoring";

/**
 * A MINIMAL reader for outcome files and dated profile snapshots, for `icp backtest`,
 * `icp calibrate` and `icp learn`. It uses the scoring package's row reader (CSV with a
 * header, or NDJSON) and reports every bad row as `file:line: column: expected …, got …`.
 *
 * It reads rows and profile snapshots through @icpstream/imports (the same decoding,
 * dialects and account rules as accounts files); vendor opportunity exports (a Salesforce
 * opportunity report, a HubSpot deals export), mapping files, other date formats and
 * currencies are still to move into that package.
 *
 * Outcome rows (CSV, or NDJSON with the same keys):
 *   domain (or account_key, website), opportunity_id, created_at, closed_at (required when
 *   won or lost; ignored when open: a CRM's expected close date is not an outcome), stage
 *   (won, lost or open; "Closed Won" / "closed_lost" are read too), amount, currency
 *   (ISO 4217; empty → the default currency, counted in a warning), name.
 * Dates: ISO 8601; a date alone is midnight UTC, a date-time without offset is UTC.
 * NDJSON lines may also be the outcome topic's events (`type: opportunity_created |
 * opportunity_closed_won | opportunity_closed_lost`), folded per opportunity id, or objects
 * in the Opportunity shape (`accountKey`, `opportunityId`, `createdAt`, …).
 *
 * Profile snapshot rows: the accounts columns plus `as_of` (or `snapshot_at`), the instant
 * the profile was known; NDJSON `account_profile` events use their `occurredAt`.
 */
/** A row that could not be read (its file, the line it starts on, the column, why). */
export interface RowError {
  source: string;
  line: number;
  field: string | undefined;
  message: string;
}
interface RawRecord {
  line: number;
  fields: Record<string, unknown>;
}

export function formatRowError(e: RowError): string {
  return `${e.source}:${e.line}: ${e.field ? `${e.field}: ` : ""}${e.message}`;
}

/** Rows read through @icpstream/imports, their rejects in this file's form. */
function readRecords(text: string, format: InputFormat, source: string): { records: RawRecord[]; errors: RowError[] } {
  const { records, rejects } = readImportRecords(text, { source, format });
  return { records, errors: rejects.map((r) => ({ source: r.source, line: r.line, field: r.column, message: r.message })) };
}

export interface ParsedOutcomes {
  items: Opportunity[];
  rejected: RowError[];
  rows: number;
  warnings: string[];
}

const first = (fields: Record<string, unknown>, names: readonly string[]) => names.map((n) => fields[n]).find((v) => v !== undefined && v !== null && !(typeof v === "string" && v.trim() === ""));
const shown = (v: unknown) => JSON.stringify(v);

/** Mirrors the scoring package's date reading for the accounts and signals files. */
export function readInstant(value: unknown): { ok: true; value: string | undefined } | { ok: false; message: string } {
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) return { ok: true, value: undefined };
  if (typeof value !== "string") return { ok: false, message: `expected a date or date-time such as 2026-03-01 or 2026-03-01T09:30:00Z, got ${shown(value)}` };
  const s = value.trim().replace(" ", "T");
  const candidate = /^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s) ? `${s}${s.length === 16 ? ":00" : ""}Z` : s;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(candidate) || Number.isNaN(Date.parse(candidate))) {
    return { ok: false, message: `expected a date or date-time such as 2026-03-01 or 2026-03-01T09:30:00Z, got ${shown(value)}` };
  }
  return { ok: true, value: candidate };
}

const SUFFIX: Record<string, number> = { k: 1e3, m: 1e6, mm: 1e6, b: 1e9, bn: 1e9 };
/** `45000`, `45,000`, `$45k`, `1.2M`. Mirrors the scoring package's number reading. */
export function readAmount(value: unknown): { ok: true; value: number | undefined } | { ok: false; message: string } {
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) return { ok: true, value: undefined };
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? { ok: true, value } : { ok: false, message: `expected an amount ≥ 0, got ${shown(value)}` };
  if (typeof value !== "string") return { ok: false, message: `expected an amount, got ${shown(value)}` };
  const m = /^[$€£]?\s*([\d,_ ]*\.?\d+)\s*(k|mm|m|bn|b)?$/i.exec(value.trim());
  const digits = m?.[1]?.replace(/[,_ ]/g, "");
  const n = digits === undefined ? NaN : Number(digits) * (m?.[2] ? (SUFFIX[m[2].toLowerCase()] ?? 1) : 1);
  return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, message: `expected an amount such as 45000, 45,000 or $45k, got ${shown(value)}` };
}

const STAGES: Record<string, Opportunity["stage"]> = { won: "won", closedwon: "won", lost: "lost", closedlost: "lost", open: "open" };
function readStage(value: unknown): { ok: true; value: Opportunity["stage"] } | { ok: false; message: string } {
  const key = typeof value === "string" ? value.toLowerCase().replace(/[^a-z]/g, "") : "";
  const stage = STAGES[key];
  return stage ? { ok: true, value: stage } : { ok: false, message: `expected won, lost or open (Closed Won and Closed Lost are read too), got ${shown(value ?? "")}` };
}

function opportunityFromRecord(record: RawRecord, source: string, defaultCurrency: string): { ok: true; value: Opportunity; defaulted: boolean } | { ok: false; error: RowError } {
  const f = record.fields;
  const fail = (field: string | undefined, message: string) => ({ ok: false as const, error: { source, line: record.line, field, message } });
  const camel = typeof f.opportunityId === "string";
  const rawKey = first(f, camel ? ["accountKey"] : ["domain", "account_key", "website"]);
  if (typeof rawKey !== "string") return fail(camel ? "accountKey" : "domain", "expected the account's domain or website, but it is missing");
  const key = tryNormalizeAccountKey(rawKey);
  if (!key.ok) return fail(camel ? "accountKey" : "domain", `${key.reason}, got ${shown(rawKey)}`);
  const id = first(f, camel ? ["opportunityId"] : ["opportunity_id", "id"]);
  if (id === undefined) return fail("opportunity_id", "expected the CRM's opportunity (deal) id, but it is missing");
  const stage = readStage(first(f, ["stage"]));
  if (!stage.ok) return fail("stage", stage.message);
  const createdField = camel ? "createdAt" : "created_at";
  const created = readInstant(first(f, camel ? ["createdAt"] : ["created_at", "created_date"]));
  if (!created.ok) return fail(createdField, created.message);
  if (created.value === undefined) return fail(createdField, "expected the date the opportunity was created, but it is missing");
  const closedField = camel ? "closedAt" : "closed_at";
  const closed = readInstant(first(f, camel ? ["closedAt"] : ["closed_at", "close_date", "closed_date"]));
  if (!closed.ok) return fail(closedField, closed.message);
  if (stage.value !== "open" && closed.value === undefined) return fail(closedField, `expected the close date of a ${stage.value} opportunity, but it is missing`);
  const amount = readAmount(first(f, ["amount"]));
  if (!amount.ok) return fail("amount", amount.message);
  const rawCurrency = first(f, ["currency"]);
  if (rawCurrency !== undefined && (typeof rawCurrency !== "string" || !/^[a-z]{3}$/i.test(rawCurrency.trim()))) return fail("currency", `expected an ISO 4217 currency code such as USD, got ${shown(rawCurrency)}`);
  const currency = typeof rawCurrency === "string" ? rawCurrency.trim().toUpperCase() : undefined;
  const name = first(f, ["name"]);
  const candidate = {
    accountKey: key.key,
    opportunityId: String(id).trim(),
    createdAt: created.value,
    stage: stage.value,
    ...(stage.value !== "open" && closed.value ? { closedAt: closed.value } : {}),
    ...(amount.value !== undefined ? { amount: amount.value, currency: currency ?? defaultCurrency } : {}),
    ...(typeof name === "string" ? { name: name.trim() } : {}),
  };
  const parsed = Opportunity.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path[0] === "closedAt" ? closedField : String(issue?.path[0] ?? "");
    return fail(field, issue?.message ?? "is not a valid opportunity");
  }
  return { ok: true, value: parsed.data, defaulted: amount.value !== undefined && currency === undefined };
}

const OUTCOME_TYPES = new Set(["opportunity_created", "opportunity_closed_won", "opportunity_closed_lost"]);

export function parseOutcomes(text: string, options: { source: string; format: InputFormat; defaultCurrency?: string }): ParsedOutcomes {
  const defaultCurrency = options.defaultCurrency ?? "USD";
  const { records, errors } = readRecords(text, options.format, options.source);
  const rejected: RowError[] = [...errors];
  const rows: Opportunity[] = [];
  const events: OutcomeEventV1[] = [];
  const firstLine = new Map<string, number>();
  let defaulted = 0;
  for (const record of records) {
    if (typeof record.fields.type === "string" && OUTCOME_TYPES.has(record.fields.type)) {
      const event = OutcomeEventV1.safeParse(record.fields);
      if (event.success) events.push(event.data);
      else rejected.push({ source: options.source, line: record.line, field: event.error.issues[0]?.path.join("."), message: `${event.error.issues[0]?.message ?? "is not a valid outcome event"}` });
      continue;
    }
    const result = opportunityFromRecord(record, options.source, defaultCurrency);
    if (!result.ok) {
      rejected.push(result.error);
      continue;
    }
    const seen = firstLine.get(result.value.opportunityId);
    if (seen !== undefined) {
      rejected.push({ source: options.source, line: record.line, field: "opportunity_id", message: `duplicate opportunity ${result.value.opportunityId} (first on line ${seen})` });
      continue;
    }
    firstLine.set(result.value.opportunityId, record.line);
    if (result.defaulted) defaulted++;
    rows.push(result.value);
  }
  const folded = foldOutcomeEvents(events);
  const warnings = [...folded.warnings];
  for (const o of folded.opportunities) {
    if (firstLine.has(o.opportunityId)) warnings.push(`${options.source}: opportunity ${o.opportunityId} is both a row and outcome events; the row is used`);
  }
  if (defaulted > 0) warnings.push(`${options.source}: ${defaulted} amounts have no currency and are read as ${defaultCurrency}`);
  const items = [...rows, ...folded.opportunities.filter((o) => !firstLine.has(o.opportunityId))];
  return { items, rejected: rejected.sort((a, b) => a.line - b.line), rows: records.length + errors.length, warnings };
}

export interface ParsedSnapshots {
  items: ProfileSnapshot[];
  rejected: RowError[];
  rows: number;
}

/** Dated profile snapshots: account rows with `as_of`, or NDJSON `account_profile` events (their `occurredAt`). */
export function parseProfileSnapshots(text: string, options: { source: string; format: InputFormat }): ParsedSnapshots {
  const { records, errors } = readRecords(text, options.format, options.source);
  const rejected: RowError[] = [...errors];
  const items: ProfileSnapshot[] = [];
  for (const record of records) {
    const isEvent = record.fields.type === "account_profile";
    const field = isEvent ? "occurredAt" : "as_of";
    const at = readInstant(isEvent ? record.fields.occurredAt : first(record.fields, ["as_of", "snapshot_at"]));
    if (!at.ok) {
      rejected.push({ source: options.source, line: record.line, field, message: at.message });
      continue;
    }
    if (at.value === undefined) {
      rejected.push({ source: options.source, line: record.line, field, message: "expected the date this profile was known, but it is missing" });
      continue;
    }
    const profile = accountFromFields(record.fields, record.line, { source: options.source });
    if (!profile.ok) {
      rejected.push({ source: options.source, line: record.line, field: profile.reject.column, message: formatIssue(profile.reject).replace(/^[^:]*:\d+: (?:[^:]*: )?/, "") });
      continue;
    }
    items.push({ at: at.value, profile: profile.value });
  }
  return { items, rejected: rejected.sort((a, b) => a.line - b.line), rows: records.length + errors.length };
}
