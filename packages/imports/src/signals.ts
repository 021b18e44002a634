import { Signal, derivedEventId, signalSchemaFor } from "@icpstream/scoring";
import type { SignalType } from "@icpstream/scoring";
import type { RowContext, RowOutcome } from "./accounts.js";
import { accountKeyOf } from "./accounts.js";
import type { ImportIssue } from "./issues.js";
import { shownValue } from "./issues.js";
import type { RowView } from "./rows.js";
import { parseNumber, parseSignedNumber, parseUsd } from "./values/amounts.js";
import type { Cell } from "./values/cell.js";
import { notUnderstood, textOf, unknown, value } from "./values/cell.js";
import { parseInstant } from "./values/instants.js";
import {
  parseAcquisitionRole,
  parseAnnouncementKind,
  parseAssetType,
  parseBoolean,
  parseChannel,
  parseDepartment,
  parseFundingStage,
  parseG2Activity,
  parseLeadershipChange,
  parseSentiment,
  parseSeniority,
  parseSignalType,
  vocabularyKey,
} from "./values/vocabulary.js";

/**
 * One signal row → a signal, or a reject. A signal needs its account (a usable domain), a
 * known type (vendor wording normalized: "Pricing Page Visit" → pricing_page_visit), when
 * it happened, and the fields its type cannot do without (a job posting's title, a surge's
 * topic and score); without one of those it is rejected with the reason. Every other
 * field that is a placeholder or not understood is dropped with a warning, and the signal
 * kept; an enum field its type requires falls back to `other` where the vocabulary has it.
 * `event_id` is optional: derived from the row's content, so identical rows count once.
 */
interface FieldSpec {
  required: boolean;
  kind: "text" | "number" | "int" | "boolean" | "enum";
  options: readonly string[];
  max: number | undefined;
}

const camelNames = new Map<string, string>();
/** Column names repeat on every row: convert each once. */
function camelOf(snake: string): string {
  let camel = camelNames.get(snake);
  if (camel === undefined) {
    camel = snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    camelNames.set(snake, camel);
  }
  return camel;
}
const camelToSnake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const specs = new Map<SignalType, Map<string, FieldSpec>>();

/** The fields of a signal type (camelCase), read from the domain's zod schema once. */
function fieldsOf(type: SignalType): Map<string, FieldSpec> {
  let fields = specs.get(type);
  if (fields) return fields;
  fields = new Map();
  for (const [name, schema] of Object.entries(signalSchemaFor(type).shape)) {
    if (["type", "eventId", "accountKey", "occurredAt"].includes(name)) continue;
    let s = schema as unknown as { def: { type: string; innerType?: unknown }; isInt?: boolean; options?: string[]; maxLength?: number | null };
    let required = true;
    while (s.def.type === "optional" || s.def.type === "default") {
      required = false;
      s = s.def.innerType as typeof s;
    }
    const kind = s.def.type === "enum" ? "enum" : s.def.type === "number" ? (s.isInt ? "int" : "number") : s.def.type === "boolean" ? "boolean" : "text";
    fields.set(name, { required, kind, options: s.options ?? [], max: s.maxLength ?? undefined });
  }
  specs.set(type, fields);
  return fields;
}

const ENUM_VOCABULARIES: Record<string, (raw: unknown) => Cell<string>> = {
  department: parseDepartment,
  seniority: parseSeniority,
  round: parseFundingStage,
  activity: parseG2Activity,
  sentiment: parseSentiment,
  assetType: parseAssetType,
  kind: parseAnnouncementKind,
  role: parseAcquisitionRole,
  change: parseLeadershipChange,
  channel: parseChannel,
};

function readField(name: string, spec: FieldSpec, raw: unknown, context: RowContext): Cell<unknown> {
  switch (spec.kind) {
    case "text": {
      const c = textOf(raw);
      if (c.kind === "value" && spec.max !== undefined && c.value.length > spec.max) return notUnderstood(`at most ${spec.max} characters`);
      return c;
    }
    case "boolean":
      return parseBoolean(raw);
    case "int":
      return parseNumber(raw, context.numbers, true);
    case "number":
      if (name === "amountUsd") {
        const c = parseUsd(raw, context.numbers);
        return c.kind !== "value" ? c : c.value.kind === "exact" ? value(c.value.value) : notUnderstood("one amount in US dollars");
      }
      if (name === "growthPct" || name === "percentOfWorkforce") return parseSignedNumber(raw, context.numbers);
      return parseNumber(raw, context.numbers);
    case "enum": {
      const vocabulary = ENUM_VOCABULARIES[name];
      if (vocabulary) return vocabulary(raw);
      const c = textOf(raw);
      if (c.kind !== "value") return c;
      const snake = vocabularyKey(c.value).replace(/ /g, "_");
      return spec.options.includes(snake) ? value(snake) : unknown("unknown_value", `is not one of ${spec.options.join(", ")}`);
    }
  }
}

function rejected(context: RowContext, row: RowView, warnings: ImportIssue[], reason: ImportIssue["reason"], column: string | undefined, raw: unknown, message: string): RowOutcome<Signal> {
  return { ok: false, reject: { source: context.source, line: row.line, column, value: shownValue(raw), reason, message: `${message}; skipped` }, warnings };
}

const ENVELOPE = new Set(["type", "domain", "occurred_at", "event_id"]);
const WIRE_ENVELOPE = new Set(["type", "accountKey", "occurredAt", "eventId"]);

export function signalFromView(row: RowView, context: RowContext): RowOutcome<Signal> {
  const warnings: ImportIssue[] = [];

  const typeCell = row.cells("type")[0];
  if (!typeCell) return rejected(context, row, warnings, "missing_field", "type", undefined, "no signal type");
  const type = parseSignalType(typeCell.raw);
  if (type.kind !== "value") return rejected(context, row, warnings, "unknown_signal_type", typeCell.header, typeCell.raw, `signal type ${JSON.stringify(shownValue(typeCell.raw))} ${type.kind === "unknown" ? type.why : "is empty"}`);

  const key = accountKeyOf(row.cells("domain"), row.line, context, warnings);
  if (!key.ok) return { ok: false, reject: key.reject, warnings };

  const whenCell = row.cells("occurred_at")[0];
  if (!whenCell) return rejected(context, row, warnings, "missing_field", "occurred_at", undefined, "no date (occurred_at) for the signal");
  const when = parseInstant(whenCell.raw, context.dateOrder);
  if (when.kind !== "value") return rejected(context, row, warnings, "invalid_field", whenCell.header, whenCell.raw, `occurred_at ${JSON.stringify(shownValue(whenCell.raw))} ${when.kind === "unknown" ? when.why : "is empty"}`);

  const candidate: Record<string, unknown> = { type: type.value, accountKey: key.key, occurredAt: when.value };
  const fields = fieldsOf(type.value);
  for (const ours of row.columns()) {
    if (ENVELOPE.has(ours)) continue;
    const name = camelOf(ours);
    const spec = fields.get(name);
    if (!spec) continue;
    const cell = row.cells(ours)[0];
    if (!cell) continue;
    const c = readField(name, spec, cell.raw, context);
    if (c.kind === "value") {
      candidate[name] = c.value;
      continue;
    }
    if (c.kind === "blank") continue;
    if (spec.kind === "enum" && spec.required && spec.options.includes("other")) {
      candidate[name] = "other";
      warnings.push({ source: context.source, line: row.line, column: cell.header, value: shownValue(cell.raw), reason: c.reason, message: `value ${JSON.stringify(shownValue(cell.raw))} ${c.why}; ${ours} recorded as other` });
      continue;
    }
    if (spec.required) return rejected(context, row, warnings, "invalid_field", cell.header, cell.raw, `${ours} ${JSON.stringify(shownValue(cell.raw))} ${c.why}, which a ${type.value} signal needs`);
    warnings.push({ source: context.source, line: row.line, column: cell.header, value: shownValue(cell.raw), reason: c.reason, message: `value ${JSON.stringify(shownValue(cell.raw))} ${c.why}; ${ours} left unknown` });
  }
  for (const [name, spec] of fields) {
    if (spec.required && candidate[name] === undefined) return rejected(context, row, warnings, "missing_field", camelToSnake(name), undefined, `no ${camelToSnake(name)}, which a ${type.value} signal needs`);
  }

  const idCell = row.cells("event_id")[0];
  if (idCell !== undefined) {
    const id = textOf(idCell.raw);
    // eslint-disable-next-line no-control-regex
    if (id.kind === "value" && (/[\u0000-\u001f\u007f]/.test(id.value) || id.value.length > 200)) return rejected(context, row, warnings, "invalid_field", idCell.header, idCell.raw, "event_id holds a control character or is longer than 200 characters");
    if (id.kind === "value") candidate.eventId = id.value;
  }
  candidate.eventId ??= derivedEventId(candidate);

  for (let attempt = 0; attempt < 5; attempt++) {
    const parsed = Signal.safeParse(candidate);
    if (parsed.success) return { ok: true, value: parsed.data, warnings };
    let removed = false;
    for (const issue of parsed.error.issues) {
      const name = issue.path[0];
      const headerOf = (field: string) => row.cells(camelToSnake(field))[0]?.header ?? camelToSnake(field);
      if (typeof name !== "string" || WIRE_ENVELOPE.has(name) || fields.get(name)?.required !== false) {
        const column = typeof name === "string" ? headerOf(name) : undefined;
        return rejected(context, row, warnings, "invalid_field", column, typeof name === "string" ? candidate[name] : undefined, `${typeof name === "string" ? camelToSnake(name) : "the signal"}: ${issue.message}`);
      }
      if (candidate[name] === undefined) continue;
      warnings.push({ source: context.source, line: row.line, column: headerOf(name), value: shownValue(candidate[name]), reason: "not_understood", message: `value ${JSON.stringify(shownValue(candidate[name]))} not understood (${issue.message}); ${camelToSnake(name)} left unknown` });
      delete candidate[name];
      removed = true;
    }
    if (!removed) break;
  }
  return rejected(context, row, warnings, "invalid_field", undefined, undefined, "the signal could not be built");
}
