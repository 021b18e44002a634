import type { WarningReason } from "../issues.js";

/**
 * The outcome of reading one cell as one kind of value: a value; blank (nothing written:
 * unknown, silently); or unknown with a reason and a phrase that completes
 * `value "…" <why>` — `not understood (expected a whole number or a range such as 51-200)`,
 * `is a placeholder`.
 */
export type Cell<T> = { kind: "value"; value: T } | { kind: "blank" } | { kind: "unknown"; reason: WarningReason; why: string };

export const BLANK: Cell<never> = { kind: "blank" };
export const value = <T>(v: T): Cell<T> => ({ kind: "value", value: v });
export const unknown = (reason: WarningReason, why: string): Cell<never> => ({ kind: "unknown", reason, why });
export const notUnderstood = (expected: string): Cell<never> => unknown("not_understood", `not understood (expected ${expected})`);

/**
 * Placeholders exports write for "no value": N/A, n.a., -, —, ?, null, none, unknown,
 * not available, TBD, Salesforce's "--None--", Excel's #N/A and #VALUE!… Compared after
 * lower-casing and collapsing spaces. A bare "NA" is not one: it is also North America.
 */
const PLACEHOLDERS = new Set([
  "n/a",
  "n / a",
  "n.a.",
  "n.a",
  "n\\a",
  "na.",
  "nan",
  "null",
  "nil",
  "none",
  "unknown",
  "undefined",
  "not available",
  "not applicable",
  "not specified",
  "unspecified",
  "not disclosed",
  "tbd",
  "tba",
  "blank",
  "(blank)",
  "(none)",
  "(empty)",
  "empty",
  "no value",
  "--none--",
  "-none-",
  "#n/a",
  "#value!",
  "#ref!",
  "#div/0!",
  "#name?",
  "#null!",
  "#num!",
]);

const LONGEST_PLACEHOLDER = Math.max(...[...PLACEHOLDERS].map((p) => p.length));
/** First characters of the placeholders (and of dash runs): most cells are ruled out by this alone. */
const PLACEHOLDER_STARTS = new Set([...PLACEHOLDERS].map((p) => p[0] as string).concat(["-", "–", "—", "_", ".", "?", "*"]));

export function isPlaceholder(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === "" || trimmed.length > LONGEST_PLACEHOLDER + 4 || !PLACEHOLDER_STARTS.has((trimmed[0] as string).toLowerCase())) return false;
  if (/^[-–—_.?*]+$/.test(trimmed)) return true;
  return PLACEHOLDERS.has(trimmed.toLowerCase().replace(/\s+/g, " "));
}

/** Blank, placeholder, or the trimmed text to read. */
export function textOf(raw: unknown): Cell<string> {
  if (raw === undefined || raw === null) return BLANK;
  const text = typeof raw === "string" ? raw.trim() : typeof raw === "number" || typeof raw === "boolean" ? String(raw) : undefined;
  if (text === undefined) return notUnderstood("text");
  if (text === "") return BLANK;
  if (isPlaceholder(text)) return unknown("placeholder", "is a placeholder");
  return value(text);
}
