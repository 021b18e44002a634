/**
 * Cell coercion for spreadsheet-shaped input. Every function returns either a value or
 * an "expected …" message; empty cells are `undefined` (unknown), never `false` or 0.
 */
export type Coerced<T> = { ok: true; value: T | undefined } | { ok: false; message: string };

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");
const shown = (v: unknown) => JSON.stringify(v);

const SUFFIX: Record<string, number> = { k: 1e3, m: 1e6, mm: 1e6, b: 1e9, bn: 1e9 };

/** `1200`, `1,200`, `$5.5M`, `12k`. */
export function toNumber(v: unknown, integer = false): Coerced<number> {
  if (isBlank(v)) return { ok: true, value: undefined };
  if (typeof v === "number") return Number.isFinite(v) && (!integer || Number.isInteger(v)) ? { ok: true, value: v } : { ok: false, message: `expected ${integer ? "a whole number" : "a number"}, got ${shown(v)}` };
  if (typeof v !== "string") return { ok: false, message: `expected a number, got ${shown(v)}` };
  const m = /^\$?\s*(-?[\d,_ ]*\.?\d+)\s*(k|mm|m|bn|b)?$/i.exec(v.trim());
  const digits = m?.[1]?.replace(/[,_ ]/g, "");
  const n = digits === undefined ? NaN : Number(digits) * (m?.[2] ? (SUFFIX[m[2].toLowerCase()] ?? 1) : 1);
  if (!Number.isFinite(n)) return { ok: false, message: `expected ${integer ? "a whole number" : "a number"}, got ${shown(v)}` };
  if (integer && !Number.isInteger(n)) return { ok: false, message: `expected a whole number, got ${shown(v)}` };
  return { ok: true, value: n };
}

const TRUE = new Set(["true", "yes", "y", "1"]);
const FALSE = new Set(["false", "no", "n", "0"]);
export function toBoolean(v: unknown): Coerced<boolean> {
  if (isBlank(v)) return { ok: true, value: undefined };
  if (typeof v === "boolean") return { ok: true, value: v };
  const s = String(v).trim().toLowerCase();
  if (TRUE.has(s)) return { ok: true, value: true };
  if (FALSE.has(s)) return { ok: true, value: false };
  return { ok: false, message: `expected true/false (yes/no, 1/0), got ${shown(v)}` };
}

export function toText(v: unknown): Coerced<string> {
  if (isBlank(v)) return { ok: true, value: undefined };
  if (typeof v === "string") return { ok: true, value: v.trim() };
  if (typeof v === "number" || typeof v === "boolean") return { ok: true, value: String(v) };
  return { ok: false, message: `expected text, got ${shown(v)}` };
}

/** `a;b;c` (or a JSON array in NDJSON) → trimmed, non-empty entries. */
export function toList(v: unknown): Coerced<string[]> {
  if (isBlank(v)) return { ok: true, value: undefined };
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return { ok: true, value: v.map((x) => x.trim()).filter((x) => x !== "") };
  if (typeof v !== "string") return { ok: false, message: `expected a ;-separated list, got ${shown(v)}` };
  return { ok: true, value: v.split(";").map((x) => x.trim()).filter((x) => x !== "") };
}

/**
 * Instants: ISO-8601 with offset as is; a date alone is midnight UTC; a date-time
 * without offset is read as UTC (spreadsheets rarely carry zones). Output: ISO with `Z`
 * unless the input had its own offset.
 */
export function toInstant(v: unknown): Coerced<string> {
  const text = toText(v);
  if (!text.ok || text.value === undefined) return text;
  const s = text.value.replace(" ", "T");
  const candidate = /^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s) ? `${s}${s.length === 16 ? ":00" : ""}Z` : s;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(candidate) || Number.isNaN(Date.parse(candidate))) {
    return { ok: false, message: `expected a date or date-time such as 2026-03-01 or 2026-03-01T09:30:00Z, got ${shown(v)}` };
  }
  return { ok: true, value: candidate };
}
