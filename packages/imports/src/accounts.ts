import { AccountProfile, tryNormalizeAccountKey } from "@icpstream/scoring";
import type { AccountKeyResult, UnknownAttribute } from "@icpstream/scoring";
import { ACCOUNT_COLUMNS, EXTERNAL_ID_SYSTEMS } from "./columns.js";
import type { AccountColumn } from "./columns.js";
import type { ImportIssue, RejectReason } from "./issues.js";
import { shownValue } from "./issues.js";
import type { RowCell, RowView } from "./rows.js";
import { parseCount, parseNumber, parseUsd } from "./values/amounts.js";
import { attributeColumn } from "./mapping.js";
import type { CustomAttributeKind } from "./mapping.js";
import type { NumberOptions } from "./values/amounts.js";
import type { Cell } from "./values/cell.js";
import { BLANK, notUnderstood, textOf, value } from "./values/cell.js";
import { parseCountry } from "./values/country.js";
import { parseDate, parseInstant } from "./values/instants.js";
import type { DateOrder } from "./values/instants.js";
import { parseBoolean, parseBusinessModel, parseDeliveryModel, parseFundingStage } from "./values/vocabulary.js";

/**
 * One account row → a profile, or a reject. Identity before attributes: the row is
 * rejected only when no key column holds a usable company domain (a LinkedIn page, two
 * domains in one cell, no domain at all); an attribute that is a placeholder or not
 * understood is left unknown, with a warning (file:line, column, value, why) and a note on
 * the profile that explanations show.
 */
export interface RowContext {
  source: string;
  numbers: NumberOptions;
  dateOrder: DateOrder | undefined;
  /** The mapping's custom attributes (name → kind), read from their `attr:<name>` columns. */
  attributes?: ReadonlyMap<string, CustomAttributeKind> | undefined;
}

export type RowOutcome<T> = { ok: true; value: T; warnings: ImportIssue[] } | { ok: false; reject: ImportIssue; warnings: ImportIssue[] };

const KEY_REASONS: Record<Exclude<AccountKeyResult, { ok: true }>["code"], RejectReason> = {
  empty: "no_domain",
  invalid: "invalid_domain",
  ip_address: "invalid_domain",
  public_suffix: "invalid_domain",
  profile_url: "profile_url",
  several_domains: "several_domains",
};

/** The account key from the row's key cells, in order; a later cell is used when an earlier one is not a usable domain. */
export function accountKeyOf(cells: readonly RowCell[], line: number, context: RowContext, warnings: ImportIssue[]): { ok: true; key: string } | { ok: false; reject: ImportIssue } {
  if (cells.length === 0) {
    return { ok: false, reject: { source: context.source, line, column: undefined, value: undefined, reason: "no_domain", message: "no domain or website to identify the account; skipped" } };
  }
  let firstFailure: { cell: RowCell; result: Exclude<AccountKeyResult, { ok: true }> } | undefined;
  for (const cell of cells) {
    const result = typeof cell.raw === "string" ? tryNormalizeAccountKey(cell.raw) : ({ ok: false, code: "invalid", reason: `${shownValue(cell.raw)} is not a domain` } as const);
    if (result.ok) {
      if (firstFailure) {
        warnings.push({ source: context.source, line, column: firstFailure.cell.header, value: shownValue(firstFailure.cell.raw), reason: "domain_fallback", message: `${firstFailure.result.reason}; the account is keyed by ${cell.header} (${result.key}) instead` });
      }
      return { ok: true, key: result.key };
    }
    firstFailure ??= { cell, result };
  }
  const failure = firstFailure as NonNullable<typeof firstFailure>;
  const others = cells.length > 1 ? ` (nor is any other website column: ${cells.slice(1).map((c) => c.header).join(", ")})` : "";
  return {
    ok: false,
    reject: { source: context.source, line, column: failure.cell.header, value: shownValue(failure.cell.raw), reason: KEY_REASONS[failure.result.code], message: `${failure.result.reason}${others}; skipped` },
  };
}

type Attr = { path: readonly string[]; value: unknown };

function listOf(raw: unknown): Cell<string[]> {
  if (Array.isArray(raw)) {
    const items = raw.filter((x): x is string | number => typeof x === "string" || typeof x === "number").map((x) => String(x).trim()).filter((x) => x !== "" && textOf(x).kind === "value");
    return items.length > 0 ? value(items) : BLANK;
  }
  const text = textOf(raw);
  if (text.kind !== "value") return text;
  const items = text.value.split(";").map((x) => x.trim()).filter((x) => x !== "" && textOf(x).kind === "value");
  return items.length > 0 ? value(items) : BLANK;
}

/** `Salesforce` or `Salesforce:crm` (name, optional category). */
const technology = (entry: string) => {
  const i = entry.indexOf(":");
  return i < 0 ? { name: entry } : { name: entry.slice(0, i).trim(), ...(entry.slice(i + 1).trim() ? { category: entry.slice(i + 1).trim() } : {}) };
};

type UnknownCell = Cell<never> & { kind: "unknown" };
/** What one cell gives: attribute values to set, and the values left unknown (with why). */
interface Read {
  attrs: Attr[];
  unknown: { why: UnknownCell; raw: unknown }[];
}
const NOTHING: Read = { attrs: [], unknown: [] };
const got = (path: readonly string[], v: unknown): Read => ({ attrs: [{ path, value: v }], unknown: [] });
const missed = (c: Cell<unknown>, raw: unknown): Read => (c.kind === "unknown" ? { attrs: [], unknown: [{ why: c, raw }] } : NOTHING);
const ORGANISATIONAL = new Set(["championIdentified", "budgetHolderIdentified", "hasTechnicalTeam"]);
const VOCABULARY: Record<string, (raw: unknown) => Cell<string>> = { country: parseCountry, business_model: parseBusinessModel, delivery_model: parseDeliveryModel, funding_stage: parseFundingStage };

function read(column: AccountColumn, ours: string, raw: unknown, context: RowContext): Read {
  switch (column.kind) {
    case "text": {
      const c = textOf(raw);
      return c.kind === "value" ? got(ours === "name" ? ["name"] : ["firmographics", column.attribute], c.value) : missed(c, raw);
    }
    case "count": {
      const c = parseCount(raw, context.numbers);
      if (c.kind !== "value") return missed(c, raw);
      return c.value.kind === "exact" ? got(["firmographics", "employeeCount"], c.value.value) : got(["firmographics", "employeeRange"], c.value.max === undefined ? { min: c.value.min } : { min: c.value.min, max: c.value.max });
    }
    case "usd": {
      const c = parseUsd(raw, context.numbers);
      if (c.kind !== "value") return missed(c, raw);
      return c.value.kind === "exact" ? got(["firmographics", "revenueUsd"], c.value.value) : got(["firmographics", "revenueRange"], c.value.max === undefined ? { minUsd: c.value.min } : { minUsd: c.value.min, maxUsd: c.value.max });
    }
    case "usd_exact": {
      const c = parseUsd(raw, context.numbers);
      if (c.kind !== "value") return missed(c, raw);
      if (c.value.kind !== "exact") return missed(notUnderstood("one amount"), raw);
      return got(["firmographics", "revenueRange", ours === "revenue_min_usd" ? "minUsd" : "maxUsd"], c.value.value);
    }
    case "country":
    case "business_model":
    case "delivery_model":
    case "funding_stage": {
      const c = (VOCABULARY[column.kind] as (raw: unknown) => Cell<string>)(raw);
      return c.kind === "value" ? got(["firmographics", column.attribute], c.value) : missed(c, raw);
    }
    case "external_id": {
      const c = textOf(typeof raw === "number" ? String(raw) : raw);
      const system = EXTERNAL_ID_SYSTEMS.get(ours);
      if (c.kind !== "value" || system === undefined) return missed(c.kind === "value" ? notUnderstood("an id") : c, raw);
      return c.value.length <= 200 ? got(["externalIds"], [{ system, id: c.value.trim() }]) : missed(notUnderstood("an id of at most 200 characters"), raw);
    }
    case "external_ids": {
      const c = listOf(raw);
      if (c.kind !== "value") return missed(c, raw);
      const ids = c.value.map((entry) => /^([a-z0-9][a-z0-9_.-]{0,62}):(.{1,200})$/.exec(entry.trim())).filter((m): m is RegExpExecArray => m !== null);
      if (ids.length !== c.value.length) return missed(notUnderstood("system:id entries separated by ; such as hubspot-company:214;salesforce-account:0015g00000AbCdE"), raw);
      return got(["externalIds"], ids.map((m) => ({ system: m[1] as string, id: m[2] as string })));
    }
    case "technologies":
    case "list": {
      const c = listOf(raw);
      if (c.kind !== "value") return missed(c, raw);
      return column.kind === "technologies" ? got(["technographics", "technologies"], c.value.map(technology)) : got(["organisational", "buyingRolesPresent"], c.value);
    }
    case "competitors": {
      const c = listOf(raw);
      if (c.kind !== "value") return missed(c, raw);
      const contracts = [];
      const unknown: Read["unknown"] = [];
      for (const entry of c.value) {
        const [vendor, strength, endsAt] = entry.split(":").map((x) => x.trim());
        const kind = strength?.toLowerCase();
        const ends = endsAt ? parseDate(endsAt, context.dateOrder) : BLANK;
        if (!vendor || (kind !== "weak" && kind !== "entrenched") || ends.kind === "unknown") {
          unknown.push({ why: { kind: "unknown", reason: "not_understood", why: "not understood (expected vendor:weak or vendor:entrenched, optionally :YYYY-MM-DD)" }, raw: entry });
          continue;
        }
        contracts.push(ends.kind === "value" ? { vendor, strength: kind, contractEndsAt: ends.value } : { vendor, strength: kind });
      }
      return { attrs: contracts.length > 0 ? [{ path: ["technographics", "competitorContracts"], value: contracts }] : [], unknown };
    }
    case "boolean": {
      const c = parseBoolean(raw);
      return c.kind === "value" ? got([ORGANISATIONAL.has(column.attribute) ? "organisational" : "antiIcp", column.attribute], c.value) : missed(c, raw);
    }
    case "instant": {
      const c = parseInstant(raw, context.dateOrder);
      return c.kind === "value" ? got(["antiIcp", column.attribute], c.value) : missed(c, raw);
    }
  }
}

function setPath(target: Record<string, unknown>, path: readonly string[], v: unknown) {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i] as string;
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (next === undefined || next === null || typeof next !== "object") node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = v;
}

function deletePath(target: Record<string, unknown>, path: readonly PropertyKey[]): boolean {
  let node: unknown = target;
  for (let i = 0; i < path.length - 1; i++) {
    if (node === null || typeof node !== "object") return false;
    node = (node as Record<PropertyKey, unknown>)[path[i] as PropertyKey];
  }
  const last = path[path.length - 1];
  if (node === null || typeof node !== "object" || last === undefined) return false;
  if (Array.isArray(node) && typeof last === "number") node.splice(last, 1);
  else delete (node as Record<PropertyKey, unknown>)[last];
  return true;
}

/**
 * Validates a candidate profile; an issue on any path but the account key removes that
 * value (with a warning) rather than the account. Returns the parsed profile.
 */
export function settleProfile(candidate: Record<string, unknown>, line: number, context: RowContext, warnings: ImportIssue[], columnOf: (path: readonly PropertyKey[]) => string | undefined): AccountProfile | undefined {
  for (let attempt = 0; attempt < 5; attempt++) {
    const parsed = AccountProfile.safeParse(candidate);
    if (parsed.success) return parsed.data;
    let removed = false;
    for (const issue of parsed.error.issues) {
      if (issue.path[0] === "accountKey" || issue.path.length === 0) return undefined;
      let path = issue.path.length > 1 && issue.code === "custom" ? issue.path.slice(0, -1) : issue.path;
      const at = (p: readonly PropertyKey[]) => p.reduce<unknown>((node, key) => (node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined), candidate);
      // A missing part (a range with only its upper bound) removes the whole value it belongs to.
      if (at(path) === undefined && path.length > 1) path = path.slice(0, -1);
      const bad = path.reduce<unknown>((node, key) => (node !== null && typeof node === "object" ? (node as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined), candidate);
      if (deletePath(candidate, path)) {
        removed = true;
        warnings.push({ source: context.source, line, column: columnOf(path), value: shownValue(bad), reason: "not_understood", message: `value ${shownValue(bad) ?? ""} not understood at ${path.join(".")} (${issue.message}); left unknown` });
      }
    }
    if (!removed) return undefined;
  }
  return undefined;
}

export function accountFromView(row: RowView, context: RowContext): RowOutcome<AccountProfile> {
  const warnings: ImportIssue[] = [];
  const key = accountKeyOf(row.cells("domain"), row.line, context, warnings);
  if (!key.ok) return { ok: false, reject: key.reject, warnings };
  const candidate: Record<string, unknown> = { accountKey: key.key };
  const notes: UnknownAttribute[] = [];
  for (const ours of row.columns()) {
    const column = ACCOUNT_COLUMNS.get(ours);
    if (!column) continue;
    const cell = row.cells(ours)[0];
    if (!cell) continue;
    const result = read(column, ours, cell.raw, context);
    for (const attr of result.attrs) {
      // Ids from several columns add up; everything else has one place.
      if (attr.path[0] === "externalIds" && Array.isArray(candidate.externalIds)) candidate.externalIds = [...(candidate.externalIds as unknown[]), ...(attr.value as unknown[])];
      else setPath(candidate, attr.path, attr.value);
    }
    for (const { why, raw } of result.unknown) {
      const shown = shownValue(raw) ?? "";
      warnings.push({ source: context.source, line: row.line, column: cell.header, value: shown, reason: why.reason, message: `value ${JSON.stringify(shown)} ${why.why}; ${column.attribute} left unknown` });
      if (notes.length < 100) notes.push({ attribute: column.attribute, value: shown.slice(0, 500), reason: why.why.slice(0, 500), column: cell.header.slice(0, 200) || ours, at: `${context.source}:${row.line}`.slice(0, 500) });
    }
  }
  const custom = customAttributes(row, context, warnings, notes);
  if (custom) candidate.custom = custom;
  if (notes.length > 0) candidate.unknownAttributes = notes;
  const profile = settleProfile(candidate, row.line, context, warnings, () => undefined);
  if (!profile) return { ok: false, reject: { source: context.source, line: row.line, column: undefined, value: undefined, reason: "invalid_domain", message: "the account could not be built; skipped" }, warnings };
  return { ok: true, value: profile, warnings };
}

/**
 * An NDJSON object already in the AccountProfile shape (it has `accountKey` and nested
 * groups): any spelling of the key is normalized; a value the schema refuses is dropped
 * with a warning, never the account.
 */
export function accountFromProfileObject(object: Record<string, unknown>, line: number, context: RowContext): RowOutcome<AccountProfile> {
  const warnings: ImportIssue[] = [];
  const key = accountKeyOf([{ header: "accountKey", raw: object.accountKey }], line, context, warnings);
  if (!key.ok) return { ok: false, reject: key.reject, warnings };
  const candidate = structuredClone({ ...object, accountKey: key.key }) as Record<string, unknown>;
  const profile = settleProfile(candidate, line, context, warnings, (path) => path.join("."));
  if (!profile) return { ok: false, reject: { source: context.source, line, column: "accountKey", value: shownValue(object.accountKey), reason: "invalid_domain", message: "the account could not be built; skipped" }, warnings };
  return { ok: true, value: profile, warnings };
}

/**
 * The custom attributes a mapping declares, from their columns: a categorical value is the
 * cell's text (trimmed; at most 500 characters), a numeric one a number as the file writes it
 * (`1,200`, `12k`). A placeholder or a value not understood is left unknown with a warning and
 * a note, as for built-in attributes; an empty cell is simply unknown.
 */
function customAttributes(row: RowView, context: RowContext, warnings: ImportIssue[], notes: UnknownAttribute[]): Record<string, string | number> | undefined {
  if (!context.attributes || context.attributes.size === 0) return undefined;
  let custom: Record<string, string | number> | undefined;
  for (const [name, kind] of context.attributes) {
    const cell = row.cells(attributeColumn(name))[0];
    if (!cell) continue;
    const read: Cell<string | number> = kind === "numeric" ? parseNumber(cell.raw, context.numbers) : textOf(cell.raw);
    if (read.kind === "value") {
      const v = typeof read.value === "string" ? read.value.trim().slice(0, 500) : read.value;
      if (v !== "") (custom ??= {})[name] = v;
    } else if (read.kind === "unknown") {
      const shown = shownValue(cell.raw) ?? "";
      warnings.push({ source: context.source, line: row.line, column: cell.header, value: shown, reason: read.reason, message: `value ${JSON.stringify(shown)} ${read.why}; ${name} left unknown` });
      if (notes.length < 100) notes.push({ attribute: name, value: shown.slice(0, 500), reason: read.why.slice(0, 500), column: cell.header.slice(0, 200), at: `${context.source}:${row.line}`.slice(0, 500) });
    }
  }
  return custom;
}
