import { closest, distance } from "fastest-levenshtein";
import { ScoringError, parseConfigYaml } from "@icpstream/scoring";
import { ACCOUNT_COLUMNS, CONTACT_COLUMNS, KEY_COLUMNS, LIST_COLUMNS, OUTCOME_COLUMNS, SIGNAL_COLUMNS, headerKey, ourColumnName } from "./columns.js";
import type { DateOrder } from "./values/instants.js";

/**
 * A mapping file turns a vendor's export into our columns:
 *
 * ```yaml
 * name: HubSpot company export
 * kind: accounts                                   # or signals, outcomes, contacts, snapshots (accounts + as_of)
 * columns:                                         # ours: their header, or a list tried in order
 *   domain: [Company Domain Name, Website URL]
 *   employee_count: Number of Employees
 * optional: [region]                               # ours whose headers a file may lack
 * split: { technologies: "," }                     # their separator in a list column
 * values: { country: { Untied States: US } }       # their value → ours, before our vocabularies
 * constants: { source: hubspot }                   # added to every row that has none
 * locale: de-DE                                    # decimal comma and dot thousands, as that locale writes numbers
 * dateOrder: mdy                                   # how to read 03/04/2026
 * attributes:                                      # accounts only: custom attributes the CRM carries
 *   lead_source: { column: Lead Source, type: categorical }
 *   seats: { column: [Seats, Licensed Seats], type: numeric }
 * ```
 *
 * Custom attributes (lead source, landing page or form, segment, plan, partner…) travel on
 * the profile (`custom`) and rubrics score them in the fit's `attributes` layer. Their
 * columns are optional: a file without one warns once and the attribute is unknown.
 *
 * Their headers are matched ignoring case and surrounding or repeated spaces. A mapped
 * header that the file lacks is an error naming it and the closest headers present (never
 * a column of silent unknowns), unless the column is `optional` or a later header of its
 * list is present. Column names may be any text, `constructor` and `__proto__` included:
 * the mapping is held in Maps, never as object keys.
 */
export type MappingKind = "accounts" | "signals" | "outcomes" | "snapshots" | "contacts";
export type CustomAttributeKind = "categorical" | "numeric";
/** The column a custom attribute is bound under (never one of our own column names). */
export const attributeColumn = (name: string) => `attr:${name}`;

export interface Mapping {
  name: string;
  kind: MappingKind;
  /** The file it was read from, for messages. */
  source: string;
  /** ours → their headers, in order of preference. */
  columns: ReadonlyMap<string, readonly string[]>;
  optional: ReadonlySet<string>;
  constants: ReadonlyMap<string, string>;
  /** ours → (header key of their value → ours). */
  values: ReadonlyMap<string, ReadonlyMap<string, string>>;
  split: ReadonlyMap<string, string>;
  /** Custom attributes (accounts): name → its kind. Their columns are bound as `attr:<name>`. */
  attributes: ReadonlyMap<string, CustomAttributeKind>;
  decimalComma: boolean | undefined;
  dateOrder: DateOrder | undefined;
  delimiter: string | undefined;
}

/** The largest mapping text accepted (the shipped ones are about 2 KiB). */
export const MAX_MAPPING_CHARS = 256 * 1024;
const KEYS = new Set(["name", "kind", "columns", "optional", "constants", "values", "split", "locale", "dateOrder", "delimiter", "attributes"]);

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

export function ourColumns(kind: MappingKind): ReadonlySet<string> {
  if (kind === "outcomes") return new Set([...KEY_COLUMNS, ...OUTCOME_COLUMNS]);
  if (kind === "contacts") return new Set([...KEY_COLUMNS, ...CONTACT_COLUMNS]);
  // Dated profile snapshots: the accounts columns and the instant the profile was known.
  if (kind === "snapshots") return new Set([...KEY_COLUMNS, ...ACCOUNT_COLUMNS.keys(), "as_of", "snapshot_at"]);
  return kind === "accounts" ? new Set([...KEY_COLUMNS, ...ACCOUNT_COLUMNS.keys()]) : new Set([...KEY_COLUMNS, ...SIGNAL_COLUMNS]);
}

/** Whether a locale writes decimals with a comma (de-DE, fr-FR, …), per the runtime's Intl data. */
export function localeUsesDecimalComma(locale: string): boolean {
  const parts = new Intl.NumberFormat(locale).formatToParts(1.5);
  return parts.find((p) => p.type === "decimal")?.value === ",";
}

export function parseMapping(text: string, source: string): Mapping {
  const doc = parseConfigYaml(text, source, { code: "MAPPING_INVALID", what: "mapping file", maxChars: MAX_MAPPING_CHARS });
  const problems: string[] = [];
  const problem = (path: string, message: string) => problems.push(`${source}: ${path}: ${message}`);
  if (!isObject(doc)) throw new ScoringError("MAPPING_INVALID", `${source}: expected a mapping with name, kind and columns`);
  for (const key of Object.keys(doc)) if (!KEYS.has(key)) problem(key, `unknown key (expected ${[...KEYS].join(", ")})`);
  const name = typeof doc.name === "string" && doc.name.trim() !== "" ? doc.name.trim() : (problem("name", "expected a non-empty text"), "");
  const kind = doc.kind === "accounts" || doc.kind === "signals" || doc.kind === "outcomes" || doc.kind === "snapshots" || doc.kind === "contacts" ? doc.kind : (problem("kind", `expected one of accounts, signals, outcomes, contacts, snapshots, got ${JSON.stringify(doc.kind)}`), "accounts");
  const ours = ourColumns(kind);
  const checkOurs = (path: string, column: string) => {
    if (ours.has(column)) return true;
    const near = closest(column, [...ours]);
    problem(path, `"${column}" is not a column icpstream reads for ${kind}${near && distance(near, column) <= 3 ? ` (did you mean ${near}?)` : ""}`);
    return false;
  };

  const columns = new Map<string, string[]>();
  if (!isObject(doc.columns)) problem("columns", "expected a mapping of our column → their header (or a list of headers)");
  else {
    for (const [column, theirs] of Object.entries(doc.columns)) {
      if (!checkOurs(`columns.${column}`, column)) continue;
      const list = typeof theirs === "string" ? [theirs] : Array.isArray(theirs) && theirs.length > 0 && theirs.every((t) => typeof t === "string") ? (theirs as string[]) : undefined;
      if (!list || list.some((t) => t.trim() === "")) problem(`columns.${column}`, "expected their header, or a list of headers tried in order");
      else columns.set(column, list);
    }
    if (![...columns.keys()].some((c) => (KEY_COLUMNS as readonly string[]).includes(c))) problem("columns", `expected a column for the account's domain (one of ${KEY_COLUMNS.join(", ")})`);
  }
  const optional = new Set<string>();
  if (doc.optional !== undefined) {
    if (!Array.isArray(doc.optional) || !doc.optional.every((c) => typeof c === "string")) problem("optional", "expected a list of our columns");
    else
      for (const c of doc.optional as string[]) {
        if (columns.has(c)) optional.add(c);
        else problem("optional", `"${c}" is not in columns`);
      }
  }
  const constants = new Map<string, string>();
  if (doc.constants !== undefined) {
    if (!isObject(doc.constants)) problem("constants", "expected a mapping of our column → value");
    else for (const [c, v] of Object.entries(doc.constants)) if (checkOurs(`constants.${c}`, c)) constants.set(c, String(v));
  }
  const values = new Map<string, Map<string, string>>();
  if (doc.values !== undefined) {
    if (!isObject(doc.values)) problem("values", "expected a mapping of our column → { their value: ours }");
    else
      for (const [c, table] of Object.entries(doc.values)) {
        if (!checkOurs(`values.${c}`, c)) continue;
        if (!isObject(table)) problem(`values.${c}`, "expected a mapping of their value → ours");
        else values.set(c, new Map(Object.entries(table).map(([k, v]) => [headerKey(k), String(v)])));
      }
  }
  const split = new Map<string, string>();
  if (doc.split !== undefined) {
    if (!isObject(doc.split)) problem("split", "expected a mapping of our list column → their separator");
    else
      for (const [c, sep] of Object.entries(doc.split)) {
        if (!LIST_COLUMNS.has(c)) problem(`split.${c}`, `${c} is not a list column (lists: ${[...LIST_COLUMNS].join(", ")})`);
        else if (typeof sep !== "string" || sep === "") problem(`split.${c}`, "expected a separator such as \",\"");
        else split.set(c, sep);
      }
  }
  let decimalComma: boolean | undefined;
  if (doc.locale !== undefined) {
    try {
      if (typeof doc.locale !== "string") throw new RangeError("not a string");
      decimalComma = localeUsesDecimalComma(doc.locale);
    } catch {
      problem("locale", `expected a locale such as en-US or de-DE, got ${JSON.stringify(doc.locale)}`);
    }
  }
  const dateOrder = doc.dateOrder === undefined ? undefined : doc.dateOrder === "mdy" || doc.dateOrder === "dmy" ? doc.dateOrder : (problem("dateOrder", `expected mdy or dmy, got ${JSON.stringify(doc.dateOrder)}`), undefined);
  const delimiter = doc.delimiter === undefined ? undefined : typeof doc.delimiter === "string" && doc.delimiter.length === 1 ? doc.delimiter : (problem("delimiter", "expected one character such as ; or a tab"), undefined);
  const attributes = new Map<string, CustomAttributeKind>();
  if (doc.attributes !== undefined) {
    if (kind !== "accounts" && kind !== "snapshots") problem("attributes", `custom attributes are account columns; this mapping is for ${kind}`);
    else if (!isObject(doc.attributes)) problem("attributes", "expected a mapping of attribute name → { column, type: categorical | numeric }");
    else
      for (const [attribute, spec] of Object.entries(doc.attributes)) {
        const path = `attributes.${attribute}`;
        if (!/^[a-z][a-z0-9_]{0,63}$/.test(attribute)) {
          problem(path, "expected an attribute name in snake_case (lead_source)");
          continue;
        }
        if (ours.has(attribute)) problem(path, `"${attribute}" is a built-in column; map it under columns`);
        if (!isObject(spec)) {
          problem(path, "expected { column, type: categorical | numeric }");
          continue;
        }
        const column = typeof spec.column === "string" ? [spec.column] : Array.isArray(spec.column) && spec.column.length > 0 && spec.column.every((c) => typeof c === "string") ? (spec.column as string[]) : undefined;
        if (!column || column.some((c) => c.trim() === "")) problem(`${path}.column`, "expected their header, or a list of headers tried in order");
        if (spec.type !== "categorical" && spec.type !== "numeric") problem(`${path}.type`, `expected categorical or numeric, got ${JSON.stringify(spec.type)}`);
        for (const key of Object.keys(spec)) if (key !== "column" && key !== "type") problem(`${path}.${key}`, "unknown key (expected column, type)");
        if (!column || (spec.type !== "categorical" && spec.type !== "numeric")) continue;
        attributes.set(attribute, spec.type);
        columns.set(attributeColumn(attribute), column);
        optional.add(attributeColumn(attribute));
      }
  }
  if (problems.length > 0) throw new ScoringError("MAPPING_INVALID", problems.join("\n"), problems);
  return { name, kind, source, columns, optional, constants, values, split, attributes, decimalComma, dateOrder, delimiter };
}

/**
 * Which cells feed each of our columns, for one file: header position(s) per column in
 * order of preference. With a mapping, every mapped header must be present (or its column
 * optional, or another header of its list present); without one, headers that are our
 * column names (ignoring case, spaces and hyphens) are ours and the rest are ignored.
 */
export interface Binding {
  /** ours → [{ header as written, position }], in order of preference. */
  columns: ReadonlyMap<string, readonly { header: string; index: number }[]>;
  /** Optional columns of the mapping the file does not have: ours → their headers. */
  missing: ReadonlyMap<string, readonly string[]>;
}

export function bindHeader(header: readonly string[], kind: MappingKind, mapping: Mapping | undefined, source: string): Binding {
  const columns = new Map<string, { header: string; index: number }[]>();
  if (!mapping) {
    const ours = ourColumns(kind);
    header.forEach((h, index) => {
      const name = ourColumnName(h);
      if (!ours.has(name)) return;
      const list = columns.get(name) ?? [];
      list.push({ header: h, index });
      columns.set(name, list);
    });
    // Several key columns: tried in KEY_COLUMNS order under "domain".
    const keys = KEY_COLUMNS.flatMap((k) => columns.get(k) ?? []);
    for (const k of KEY_COLUMNS) columns.delete(k);
    if (keys.length > 0) columns.set("domain", keys);
    return { columns, missing: new Map() };
  }
  const positions = new Map<string, number>();
  header.forEach((h, i) => {
    const key = headerKey(h);
    if (!positions.has(key)) positions.set(key, i);
  });
  const problems: string[] = [];
  const keyColumns: { header: string; index: number }[] = [];
  const missing = new Map<string, readonly string[]>();
  const missingText = (ours: string, theirs: readonly string[]) => {
    const near = nearestHeaders(theirs, header);
    return `the mapping ${mapping.source} reads ${theirs.map((t) => JSON.stringify(t)).join(" or ")} (for ${ours}) but the file has no such header${near.length > 0 ? `; closest: ${near.map((n) => JSON.stringify(n)).join(", ")}` : ""}`;
  };
  for (const [ours, theirs] of mapping.columns) {
    const found = theirs.flatMap((t) => {
      const index = positions.get(headerKey(t));
      return index === undefined ? [] : [{ header: header[index] ?? t, index }];
    });
    if (found.length === 0) {
      if (mapping.optional.has(ours)) missing.set(ours, theirs);
      else problems.push(`${source}: ${missingText(ours, theirs)}`);
      continue;
    }
    if ((KEY_COLUMNS as readonly string[]).includes(ours)) keyColumns.push(...found);
    else columns.set(ours, found);
  }
  // Optional columns may be missing, but not all of them: a file that matches nothing but
  // its domain through this mapping is the wrong file or the wrong mapping (every account
  // would score on nothing).
  const attributes = [...mapping.columns.keys()].filter((c) => !(KEY_COLUMNS as readonly string[]).includes(c));
  if (problems.length === 0 && attributes.length > 0 && attributes.every((c) => missing.has(c)) && header.length > 0) {
    problems.push(`${source}: none of the columns the mapping ${mapping.source} reads are in the file (${[...missing.values()].map((t) => JSON.stringify(t[0])).join(", ")}); the header has ${header.map((h) => JSON.stringify(h)).join(", ")}`);
  }
  if (problems.length > 0) throw new ScoringError("MAPPING_INVALID", problems.join("\n"), problems);
  if (keyColumns.length > 0) columns.set("domain", keyColumns);
  return { columns, missing };
}

function nearestHeaders(wanted: readonly string[], header: readonly string[]): string[] {
  const scored = header
    .filter((h) => h.trim() !== "")
    .map((h) => ({ h, d: Math.min(...wanted.map((w) => distance(headerKey(w), headerKey(h)) / Math.max(headerKey(w).length, 1))) }))
    .sort((a, b) => a.d - b.d);
  return scored.slice(0, 3).map((s) => s.h);
}
