import type { AccountProfile, Signal } from "@icpstream/scoring";
import { Contact as ContactSchema } from "@icpstream/scoring";
import { ScoringError } from "@icpstream/scoring";
import type { RowContext, RowOutcome } from "./accounts.js";
import { accountFromProfileObject, accountFromView } from "./accounts.js";
import type { ImportIssue } from "./issues.js";
import type { Mapping, MappingKind } from "./mapping.js";
import type { RowView } from "./rows.js";
import { csvViews, objectView } from "./rows.js";
import { signalFromView } from "./signals.js";
import { contactFromView } from "./contacts.js";
import type { Contact } from "@icpstream/scoring";
import type { OutcomeEventV1 } from "@icpstream/contracts";
import type { Opportunity } from "@icpstream/scoring";
import type { ProfileSnapshotRow } from "./outcomes.js";
import { foldOutcomeEvents, isOutcomeEvent, opportunityFromView, outcomeEventOf, snapshotFromView } from "./outcomes.js";
import { decodeInput } from "./text/decode.js";
import type { InputFormat, SourceRow } from "./text/records.js";
import { readRows } from "./text/records.js";
import type { DateOrder } from "./values/instants.js";

/**
 * Text (or bytes) in → typed values, warnings and rejects out. Pure: the caller reads the
 * file and decides what to do with the issues (print a summary, write the rejects file,
 * fail past a limit). Every row read is either an item or a reject: `rows` =
 * `items.length` + `rejects.length`.
 */
export interface ImportOptions {
  /** The file name, in every issue. */
  source: string;
  format: InputFormat;
  mapping?: Mapping | undefined;
  /** CSV delimiter (default: the mapping's, else detected from the header row). */
  delimiter?: string | undefined;
  /** Numbers use a decimal comma (default: the mapping's locale, else false: `12,5` is refused as ambiguous). */
  decimalComma?: boolean | undefined;
  /** Encoding of byte input (default UTF-8; UTF-16 is recognised). */
  encoding?: string | undefined;
  /** How to read `03/04/2026` (default: the mapping's, else only unambiguous dates). */
  dateOrder?: DateOrder | undefined;
  /** Largest row, in characters (default 256 KiB). */
  maxRowChars?: number | undefined;
  /**
   * Signals only: refuse a signal dated more than `toleranceMs` after `referenceMs` (the run's
   * as-of instant, or the moment `icp ingest` reads the file), with reason `future_dated`.
   * A typo'd year would otherwise sit in the data and start counting one day, unseen; the
   * timing service applies the same rule to a signal's `observedAt`. `reference` names the
   * instant in the message ("the as-of instant").
   */
  futureDated?: { referenceMs: number; toleranceMs: number; reference: string } | undefined;
}

export interface Imported<T> {
  items: T[];
  /** The line each item starts on, by item index. */
  lines: number[];
  rejects: ImportIssue[];
  warnings: ImportIssue[];
  /** Rows read (blank rows not counted): items + rejects. */
  rows: number;
  source: string;
  /** The encoding and delimiter the file was read with. */
  encoding: string;
  delimiter: string | undefined;
}

function run<T>(input: string | Uint8Array, options: ImportOptions, kind: MappingKind, build: (row: SourceRow, view: RowView | undefined, context: RowContext) => RowOutcome<T>): Imported<T> {
  if (options.mapping && options.mapping.kind !== kind) throw new ScoringError("MAPPING_INVALID", `${options.mapping.source}: this mapping is for ${options.mapping.kind}, not ${kind} (${options.source})`);
  const { text, encoding } = decodeInput(input, { source: options.source, encoding: options.encoding });
  const read = readRows(text, { source: options.source, format: options.format, delimiter: options.delimiter ?? options.mapping?.delimiter, maxRowChars: options.maxRowChars });
  const context: RowContext = {
    source: options.source,
    numbers: { decimalComma: options.decimalComma ?? options.mapping?.decimalComma ?? false },
    dateOrder: options.dateOrder ?? options.mapping?.dateOrder,
    attributes: options.mapping?.attributes,
  };
  const csv = read.header ? csvViews(read.header, kind, options.mapping, options.source) : undefined;
  const csvView = csv?.view;
  const items: T[] = [];
  const lines: number[] = [];
  const rejects = [...read.rejects];
  const warnings: ImportIssue[] = [];
  for (const [column, theirs] of csv?.missing ?? []) {
    const ours = column.startsWith("attr:") ? `custom attribute ${column.slice("attr:".length)}` : column;
    warnings.push({ source: options.source, line: 1, column: theirs[0], value: undefined, reason: "missing_column", message: `the mapping ${options.mapping?.source ?? ""} reads ${theirs.map((t) => JSON.stringify(t)).join(" or ")} for ${ours}, which this file does not have; ${ours} is unknown for every row` });
  }
  for (const row of read.rows) {
    const outcome = build(row, csvView ? csvView(row) : undefined, context);
    if (outcome.warnings.length > 0) warnings.push(...outcome.warnings);
    if (outcome.ok) {
      items.push(outcome.value);
      lines.push(row.line);
    } else rejects.push(outcome.reject);
  }
  rejects.sort((a, b) => a.line - b.line);
  return { items, lines, rejects, warnings, rows: read.rows.length + read.rejects.length, source: options.source, encoding, delimiter: read.delimiter };
}

/** Account rows → profiles. A domain seen on an earlier row is rejected as a duplicate (IDN and punycode spellings are one domain). */
export function parseAccounts(input: string | Uint8Array, options: ImportOptions): Imported<AccountProfile> {
  const firstLine = new Map<string, number>();
  return run<AccountProfile>(input, options, "accounts", (row, view, context) => {
    const object = row.object;
    const outcome =
      object && typeof object.accountKey === "string" && !options.mapping && ["firmographics", "technographics", "organisational", "antiIcp"].some((k) => Object.hasOwn(object, k))
        ? accountFromProfileObject(object as Record<string, unknown>, row.line, context)
        : accountFromView(view ?? objectView(row, "accounts", options.mapping), context);
    if (!outcome.ok) return outcome;
    const seen = firstLine.get(outcome.value.accountKey);
    if (seen !== undefined) {
      return { ok: false, reject: { source: context.source, line: row.line, column: undefined, value: outcome.value.accountKey, reason: "duplicate_account", message: `account ${outcome.value.accountKey} was already read on line ${seen}; skipped` }, warnings: outcome.warnings };
    }
    firstLine.set(outcome.value.accountKey, row.line);
    return outcome;
  });
}

/** Signal rows → signals (one file may mix types); a signal dated too far ahead is rejected (`futureDated`). */
export function parseSignals(input: string | Uint8Array, options: ImportOptions): Imported<Signal> {
  const future = options.futureDated;
  return run<Signal>(input, options, "signals", (row, view, context) => {
    const outcome = signalFromView(view ?? objectView(row, "signals", options.mapping), context);
    if (!outcome.ok || !future) return outcome;
    const ahead = Date.parse(outcome.value.occurredAt) - future.referenceMs;
    if (ahead <= future.toleranceMs) return outcome;
    const days = Math.round((ahead / 86_400_000) * 100) / 100;
    const hours = Math.round((future.toleranceMs / 3_600_000) * 100) / 100;
    return {
      ok: false,
      reject: {
        source: context.source,
        line: row.line,
        column: "occurred_at",
        value: outcome.value.occurredAt,
        reason: "future_dated",
        message: `the signal is dated ${outcome.value.occurredAt}, ${days} days after ${future.reference} (${new Date(future.referenceMs).toISOString()}); at most ${hours} hours ahead is accepted; skipped`,
      },
      warnings: outcome.warnings,
    };
  });
}

/**
 * Opportunity rows (a CRM opportunity export, through a mapping or in our columns) and, in
 * NDJSON, outcome events → opportunities in creation order. An opportunity id seen on an
 * earlier row is rejected as a duplicate; events are folded per opportunity (see
 * `foldOutcomeEvents`) and an opportunity given both ways is taken from its row. Amounts
 * with no currency are read in `defaultCurrency` (default USD), with one warning for the file.
 */
export function parseOutcomes(input: string | Uint8Array, options: ImportOptions & { defaultCurrency?: string }): Imported<Opportunity> {
  const defaultCurrency = options.defaultCurrency ?? "USD";
  const firstLine = new Map<string, number>();
  const events: { event: OutcomeEventV1; line: number }[] = [];
  let defaulted = 0;
  const rows = run<Opportunity | null>(input, options, "outcomes", (row, view, context) => {
    if (isOutcomeEvent(row.object)) {
      const read = outcomeEventOf(row.object as Record<string, unknown>, row.line, context.source);
      if (!read.ok) return { ok: false, reject: read.reject, warnings: [] };
      events.push({ event: read.event, line: row.line });
      return { ok: true, value: null, warnings: [] };
    }
    const outcome = opportunityFromView(view ?? objectView(row, "outcomes", options.mapping), { ...context, defaultCurrency });
    if (!outcome.ok) return outcome;
    const seen = firstLine.get(outcome.value.opportunityId);
    if (seen !== undefined) {
      return { ok: false, reject: { source: context.source, line: row.line, column: "opportunity_id", value: outcome.value.opportunityId, reason: "duplicate_opportunity", message: `opportunity ${outcome.value.opportunityId} was already read on line ${seen}; skipped` }, warnings: outcome.warnings };
    }
    firstLine.set(outcome.value.opportunityId, row.line);
    if (outcome.defaultedCurrency) defaulted++;
    return outcome;
  });
  const items: Opportunity[] = [];
  const lines: number[] = [];
  rows.items.forEach((item, i) => {
    if (item === null) return;
    items.push(item);
    lines.push(rows.lines[i] ?? 0);
  });
  const warnings = [...rows.warnings];
  const folded = foldOutcomeEvents(events.map((e) => e.event));
  for (const w of folded.warnings) warnings.push({ source: options.source, line: 0, column: undefined, value: undefined, reason: "outcome_events", message: w });
  const lastLine = new Map<string, number>();
  for (const { event, line } of events) lastLine.set(event.opportunityId, Math.max(lastLine.get(event.opportunityId) ?? 0, line));
  for (const o of folded.opportunities) {
    if (firstLine.has(o.opportunityId)) {
      warnings.push({ source: options.source, line: lastLine.get(o.opportunityId) ?? 0, column: undefined, value: o.opportunityId, reason: "outcome_events", message: `opportunity ${o.opportunityId} is both a row (line ${firstLine.get(o.opportunityId)}) and outcome events; the row is used` });
      continue;
    }
    items.push(o);
    lines.push(lastLine.get(o.opportunityId) ?? 0);
  }
  if (defaulted > 0) warnings.push({ source: options.source, line: 0, column: "currency", value: undefined, reason: "default_currency", message: `${defaulted} amounts have no currency and are read as ${defaultCurrency}` });
  // Creation order, then opportunity id: the order the backtest reads them in.
  const order = items.map((item, i) => ({ item, line: lines[i] ?? 0 })).sort((a, b) => Date.parse(a.item.createdAt) - Date.parse(b.item.createdAt) || (a.item.opportunityId < b.item.opportunityId ? -1 : a.item.opportunityId > b.item.opportunityId ? 1 : 0));
  // Every row read is an item or a reject; event lines count as read rows of the items they fold into.
  return { ...rows, items: order.map((o) => o.item), lines: order.map((o) => o.line), warnings, rows: rows.rows };
}

/**
 * Dated profile snapshots: account rows with `as_of` (or `snapshot_at`), the instant the
 * profile was known, or NDJSON `account_profile` events (their `occurredAt`). What the
 * backtest uses to score each deal with the profile known at its creation.
 */
export function parseProfileSnapshots(input: string | Uint8Array, options: ImportOptions): Imported<ProfileSnapshotRow> {
  return run<ProfileSnapshotRow>(input, options, "snapshots", (row, view, context) => {
    const object = row.object;
    if (object && object.type === "account_profile" && typeof object.occurredAt === "string") {
      const profile = accountFromProfileObject(object as Record<string, unknown>, row.line, context);
      return profile.ok ? { ok: true, value: { at: object.occurredAt, profile: profile.value }, warnings: profile.warnings } : profile;
    }
    return snapshotFromView(view ?? objectView(row, "snapshots", options.mapping), context);
  });
}

/**
 * Contact rows (a HubSpot, Apollo or Salesforce contact export through a mapping, or our
 * columns; NDJSON lines may be `contact` events) → contacts. A contact id seen on an earlier
 * row is rejected as a duplicate (the first row wins, as for accounts); see `contactFromView`
 * for what is rejected and what is left unknown.
 */
export function parseContacts(input: string | Uint8Array, options: ImportOptions): Imported<Contact> {
  const firstLine = new Map<string, number>();
  return run<Contact>(input, options, "contacts", (row, view, context) => {
    const object = row.object;
    const outcome = contactFromView(view ?? objectView(row, "contacts", options.mapping), context);
    if (object && !options.mapping && Array.isArray(object.engagements) && outcome.ok) {
      // A contact event or object with its engagement list: the list as written, checked by the contract.
      const parsed = ContactSchema.shape.engagements.safeParse(object.engagements);
      if (!parsed.success) return { ok: false, reject: { source: context.source, line: row.line, column: "engagements", value: undefined, reason: "invalid_contact", message: `engagements: ${parsed.error.issues[0]?.message ?? "not a list of engagements"}; skipped` }, warnings: outcome.warnings };
      outcome.value.engagements = parsed.data;
    }
    if (!outcome.ok) return outcome;
    const key = `${outcome.value.accountKey}\u0000${outcome.value.contactId}`;
    const seen = firstLine.get(key);
    if (seen !== undefined) {
      return { ok: false, reject: { source: context.source, line: row.line, column: "contact_id", value: outcome.value.contactId, reason: "duplicate_contact", message: `contact ${outcome.value.contactId} of ${outcome.value.accountKey} was already read on line ${seen}; skipped` }, warnings: outcome.warnings };
    }
    firstLine.set(key, row.line);
    return outcome;
  });
}
