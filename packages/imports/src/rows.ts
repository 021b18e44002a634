import { ScoringError } from "@icpstream/scoring";
import { KEY_COLUMNS } from "./columns.js";
import type { Binding, Mapping, MappingKind } from "./mapping.js";
import { bindHeader } from "./mapping.js";
import { headerKey } from "./columns.js";
import type { SourceRow } from "./text/records.js";

/**
 * One row seen through a binding: for each of our columns, the non-blank cells that feed
 * it, in order of preference, with the mapping's value tables and list separators applied
 * and its constants filling columns the row leaves empty.
 */
export interface RowCell {
  /** Their header (or `(constant)`). */
  header: string;
  raw: unknown;
}

export interface RowView {
  line: number;
  /** Our columns this row has anything for. */
  columns(): Iterable<string>;
  cells(ours: string): readonly RowCell[];
}

const NONE: readonly RowCell[] = [];
const isBlank = (raw: unknown) => raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "");
const camelToSnake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function transform(mapping: Mapping | undefined, ours: string, raw: unknown): unknown {
  if (!mapping || typeof raw !== "string") return raw;
  const table = mapping.values.get(ours);
  const separator = mapping.split.get(ours);
  const translate = (v: string) => table?.get(headerKey(v)) ?? v;
  if (separator !== undefined) return raw.split(separator).map((v) => translate(v.trim())).filter((v) => v !== "");
  return table ? translate(raw.trim()) : raw;
}

/** Views over CSV rows: one binding for the file (throws MAPPING_INVALID when mapped headers are missing). */
export function csvViews(header: readonly string[], kind: MappingKind, mapping: Mapping | undefined, source: string): { view: (row: SourceRow) => RowView; missing: ReadonlyMap<string, readonly string[]> } {
  const binding = bindHeader(header, kind, mapping, source);
  if (!binding.columns.has("domain")) {
    throw new ScoringError("INPUT_INVALID", `${source}: no column names the account (expected one of ${KEY_COLUMNS.join(", ")}, or a mapping file); the header has ${header.map((h) => JSON.stringify(h)).join(", ")}`);
  }
  const constants = mapping?.constants ?? new Map<string, string>();
  return { view: (row) => view(row.line, binding.columns, constants, mapping, (index) => row.cells?.[index]), missing: binding.missing };
}

/** Views over NDJSON objects: each object's keys are its headers (camelCase keys read as snake_case). */
export function objectView(row: SourceRow, kind: MappingKind, mapping: Mapping | undefined): RowView {
  const object = row.object ?? {};
  const keys = Object.keys(object);
  const header = mapping ? keys : keys.map((k) => (/[A-Z]/.test(k) && !/[\s_]/.test(k) ? camelToSnake(k) : k));
  let binding: Binding;
  try {
    binding = bindHeader(header, kind, mapping ? { ...mapping, optional: new Set(mapping.columns.keys()) } : undefined, "");
  } catch {
    binding = { columns: new Map(), missing: new Map() };
  }
  const constants = mapping?.constants ?? new Map<string, string>();
  return view(row.line, binding.columns, constants, mapping, (index) => {
    const key = keys[index];
    return key === undefined || !Object.hasOwn(object, key) ? undefined : object[key];
  });
}

type Sources = ReadonlyMap<string, readonly { header: string; index: number }[]>;

function view(line: number, sourcesOf: Sources, constantOf: ReadonlyMap<string, string>, mapping: Mapping | undefined, at: (index: number) => unknown): RowView {
  const cells = (ours: string): readonly RowCell[] => {
    const sources = sourcesOf.get(ours);
    if (sources) {
      let out: RowCell[] | undefined;
      for (const s of sources) {
        const raw = at(s.index);
        if (!isBlank(raw)) (out ??= []).push({ header: s.header, raw: transform(mapping, ours, raw) });
      }
      if (out) return out;
    }
    const constant = constantOf.get(ours);
    return constant === undefined ? NONE : [{ header: "(constant)", raw: constant }];
  };
  return {
    line,
    columns: () => new Set([...sourcesOf.keys(), ...constantOf.keys()]),
    cells,
  };
}
