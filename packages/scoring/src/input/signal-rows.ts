import { tryNormalizeAccountKey } from "../domain/account-key.js";
import { SIGNAL_TYPES, Signal } from "../domain/signal.js";
import type { SignalType } from "../domain/signal.js";
import { formatPath } from "../rubric/issue-format.js";
import { signalFieldKind } from "../rubric/rubric-schema.js";
import { derivedEventId, issuesToErrors } from "./account-rows.js";
import type { RowResult } from "./account-rows.js";
import { toBoolean, toInstant, toNumber, toText } from "./coerce.js";
import type { RawRecord, RowError } from "./records.js";

/**
 * Signal rows: `event_id` (optional: derived from the row's content when absent),
 * `domain`, `type`, `occurred_at`, `source`, and the type's own fields in snake_case
 * (`round`, `amount_usd`, `title`, `department`, `topic`, `score`, …). One file may mix
 * types; cells for fields the row's type does not have are ignored. NDJSON lines may
 * use the same snake_case keys or the Signal shape itself (camelCase, `accountKey`).
 */
const camelNames = new Map<string, string>();
/** Column names repeat on every row: convert each once. */
const snakeToCamel = (s: string) => {
  let camel = camelNames.get(s);
  if (camel === undefined) {
    camel = s.trim().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    camelNames.set(s, camel);
  }
  return camel;
};
const camelToSnake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function signalFromRecord(record: RawRecord, source: string): RowResult<Signal> {
  const errors: RowError[] = [];
  const err = (field: string | undefined, message: string) => errors.push({ source, line: record.line, field, message });
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record.fields)) if (v !== "") fields[snakeToCamel(k)] = v;

  const type = toText(fields.type);
  if (!type.ok || type.value === undefined) {
    err("type", "expected a signal type, but it is missing");
    return { ok: false, errors };
  }
  const typeName = type.value.toLowerCase() as SignalType;
  if (!SIGNAL_TYPES.includes(typeName)) {
    err("type", `expected one of ${SIGNAL_TYPES.join(", ")}, got ${JSON.stringify(type.value)}`);
    return { ok: false, errors };
  }

  const rawKey = [fields.accountKey, fields.domain].find((v) => typeof v === "string" && v.trim() !== "");
  if (typeof rawKey !== "string") {
    err("domain", "expected a domain, but it is missing");
    return { ok: false, errors };
  }
  const key = tryNormalizeAccountKey(rawKey);
  if (!key.ok) {
    err("domain", key.reason);
    return { ok: false, errors };
  }
  const occurredAt = toInstant(fields.occurredAt);
  if (!occurredAt.ok) err("occurred_at", occurredAt.message);
  else if (occurredAt.value === undefined) err("occurred_at", "expected a date or date-time, but it is missing");

  const candidate: Record<string, unknown> = { type: typeName, accountKey: key.key, occurredAt: occurredAt.ok ? occurredAt.value : undefined };
  for (const [name, value] of Object.entries(fields)) {
    if (["type", "accountKey", "domain", "occurredAt", "eventId"].includes(name)) continue;
    const kind = signalFieldKind(typeName, name);
    if (kind === undefined) continue;
    const coerced = kind === "number" ? toNumber(value) : kind === "boolean" ? toBoolean(value) : toText(value);
    if (!coerced.ok) err(camelToSnake(name), coerced.message);
    else if (coerced.value !== undefined) candidate[name] = kind === "text" && ["department", "round", "kind", "role", "activity", "assetType", "sentiment", "seniority", "change", "channel"].includes(name) ? String(coerced.value).toLowerCase().replace(/[\s-]+/g, "_") : coerced.value;
  }
  if (errors.length > 0) return { ok: false, errors };

  const eventId = toText(fields.eventId);
  candidate.eventId = eventId.ok && eventId.value !== undefined ? eventId.value : derivedEventId(candidate);
  const parsed = Signal.safeParse(candidate, { reportInput: true });
  if (!parsed.success) return { ok: false, errors: issuesToErrors(parsed.error.issues, source, record.line, (p) => camelToSnake(formatPath(p))) };
  return { ok: true, value: parsed.data };
}
