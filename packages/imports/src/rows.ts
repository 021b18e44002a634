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
  /** Our columns this file (or object) has a source for, including the mapping's constants. */
  columns(): readonly string[];
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

type Sources = ReadonlyMap<string, readonly { header: string; index: number }[]>;

/**
 * What a file's binding shares across its rows: the sources of each column, the mapping's
 * constants and the list of our columns. Rows are read through one `BoundRow` per row (a
 * class, so no closures are made per row: a file may hold millions).
 */
class Bound {
  readonly columnList: readonly string[];
  constructor(
    readonly sources: Sources,
    readonly constants: ReadonlyMap<string, string>,
    readonly mapping: Mapping | undefined,
  ) {
    this.columnList = [...new Set([...sources.keys(), ...constants.keys()])];
  }
}

class BoundRow implements RowView {
  constructor(
    readonly line: number,
    private readonly bound: Bound,
    private readonly cellsByIndex: readonly unknown[] | undefined,
    private readonly object: Readonly<Record<string, unknown>> | undefined,
    private readonly keys: readonly string[] | undefined,
  ) {}

  columns(): readonly string[] {
    return this.bound.columnList;
  }

  private at(index: number): unknown {
    if (this.cellsByIndex) return this.cellsByIndex[index];
    const key = this.keys?.[index];
    return key === undefined || !this.object || !Object.hasOwn(this.object, key) ? undefined : this.object[key];
  }

  cells(ours: string): readonly RowCell[] {
    const sources = this.bound.sources.get(ours);
    if (sources) {
      let out: RowCell[] | undefined;
      for (const s of sources) {
        const raw = this.at(s.index);
        if (!isBlank(raw)) (out ??= []).push({ header: s.header, raw: transform(this.bound.mapping, ours, raw) });
      }
      if (out) return out;
    }
    const constant = this.bound.constants.get(ours);
    return constant === undefined ? NONE : [{ header: "(constant)", raw: constant }];
  }
}

const NO_CONSTANTS: ReadonlyMap<string, string> = new Map();

/** Views over CSV rows: one binding for the file (throws MAPPING_INVALID when mapped headers are missing). */
export function csvViews(header: readonly string[], kind: MappingKind, mapping: Mapping | undefined, source: string): { view: (row: SourceRow) => RowView; missing: ReadonlyMap<string, readonly string[]> } {
  const binding = bindHeader(header, kind, mapping, source);
  // A contact export may name the account by the e-mail's domain alone.
  if (!binding.columns.has("domain") && !(kind === "contacts" && binding.columns.has("email"))) {
    throw new ScoringError("INPUT_INVALID", `${source}: no column names the account (expected one of ${KEY_COLUMNS.join(", ")}, or a mapping file); the header has ${header.map((h) => JSON.stringify(h)).join(", ")}`);
  }
  const bound = new Bound(binding.columns, mapping?.constants ?? NO_CONSTANTS, mapping);
  return { view: (row) => new BoundRow(row.line, bound, row.cells, undefined, undefined), missing: binding.missing };
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
  return new BoundRow(row.line, new Bound(binding.columns, mapping?.constants ?? NO_CONSTANTS, mapping), undefined, object, keys);
}
