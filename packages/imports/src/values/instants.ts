import type { Cell } from "./cell.js";
import { notUnderstood, textOf, unknown, value } from "./cell.js";

/**
 * Instants and dates as exports write them → ISO-8601 with an offset.
 *
 * - ISO date-times with `Z`, `+01:00`, `+0100` or `+01` (Salesforce writes
 *   `2026-10-27T09:30:00.000+0000`); a space may stand for the `T`.
 * - A date alone is midnight UTC; a date-time without offset is read as UTC (spreadsheets
 *   rarely carry zones).
 * - Epoch milliseconds (13 digits) and epoch seconds (10 digits).
 * - `2026/10/27`; day-first or month-first dates (`27/10/2026`, `10/27/2026`) when only one
 *   reading is a valid date, or when the mapping names the order (`dateOrder: mdy|dmy`);
 *   `03/04/2026` without it is refused as ambiguous rather than guessed.
 *
 * Output: the input's own ISO text when it already has a valid offset (so derived event ids
 * stay stable), `…Z` otherwise.
 */
export type DateOrder = "mdy" | "dmy";

const ISO = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const EXPECTED = "a date or date-time such as 2026-03-01 or 2026-03-01T09:30:00Z";

function valid(iso: string): boolean {
  return !Number.isNaN(Date.parse(iso));
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Calendar check: Date.parse accepts 2026-02-31 and rolls it over; this does not. */
function realDate(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || m < 1 || m > 12 || d < 1) return false;
  const leap = m === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0);
  return d <= (DAYS_IN_MONTH[m - 1] as number) + (leap ? 1 : 0);
}

/** The form most files and every event use: taken as is once the calendar and clock check out. */
const CANONICAL = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;

const pad = (n: number) => String(n).padStart(2, "0");

export function parseInstant(raw: unknown, order?: DateOrder): Cell<string> {
  if (typeof raw === "number") return epoch(String(Math.trunc(raw)));
  const text = textOf(raw);
  if (text.kind !== "value") return text;
  const s = text.value;
  const canonical = CANONICAL.exec(s);
  if (canonical) return realDate(Number(canonical[1]), Number(canonical[2]), Number(canonical[3])) ? value(s) : notUnderstood(EXPECTED);
  if (/^\d{10}$|^\d{13}$/.test(s)) return epoch(s);
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    const [y, m, d] = s.split("-").map(Number) as [number, number, number];
    return realDate(y, m, d) ? value(`${s}T00:00:00Z`) : notUnderstood(EXPECTED);
  }
  const iso = ISO.exec(s);
  if (iso?.[1] && iso[2]) {
    const [y, m, d] = iso[1].split("-").map(Number) as [number, number, number];
    if (!realDate(y, m, d)) return notUnderstood(EXPECTED);
    const time = iso[2].replace(",", ".");
    const timeFull = time.length === 5 ? `${time}:00` : time;
    const zone = iso[3] === undefined ? "Z" : iso[3].toUpperCase() === "Z" ? "Z" : normalizeOffset(iso[3]);
    const candidate = s === `${iso[1]}T${iso[2]}${iso[3] ?? ""}` && iso[3] !== undefined && /^(Z|[+-]\d{2}:\d{2})$/i.test(iso[3]) && time.length > 5 ? s : `${iso[1]}T${timeFull}${zone}`;
    return valid(candidate) ? value(candidate) : notUnderstood(EXPECTED);
  }
  const slash = /^(\d{1,4})[/.](\d{1,2})[/.](\d{1,4})(?:[ T](\d{1,2}:\d{2}(?::\d{2})?))?$/.exec(s);
  if (slash?.[1] && slash[2] && slash[3]) {
    const [a, b, c] = [Number(slash[1]), Number(slash[2]), Number(slash[3])];
    const time = slash[4] ? `${slash[4].length === 4 ? "0" : ""}${slash[4]}${slash[4].split(":").length === 2 ? ":00" : ""}` : "00:00:00";
    if (slash[1].length === 4) return realDate(a, b, c) ? value(`${a}-${pad(b)}-${pad(c)}T${time}Z`) : notUnderstood(EXPECTED);
    if (slash[3].length !== 4) return notUnderstood(EXPECTED);
    const mdy = realDate(c, a, b);
    const dmy = realDate(c, b, a);
    const pick = order ?? (mdy && !dmy ? "mdy" : dmy && !mdy ? "dmy" : a === b && mdy ? "mdy" : undefined);
    if (pick === undefined) return mdy && dmy ? unknown("ambiguous_date", `reads as ${c}-${pad(a)}-${pad(b)} or ${c}-${pad(b)}-${pad(a)} (write ISO dates, or set dateOrder in the mapping)`) : notUnderstood(EXPECTED);
    const [month, day] = pick === "mdy" ? [a, b] : [b, a];
    return realDate(c, month, day) ? value(`${c}-${pad(month)}-${pad(day)}T${time}Z`) : notUnderstood(EXPECTED);
  }
  return notUnderstood(EXPECTED);
}

function normalizeOffset(offset: string): string {
  const digits = offset.slice(1).replace(":", "");
  const hh = digits.slice(0, 2);
  const mm = digits.length > 2 ? digits.slice(2, 4) : "00";
  return hh === "00" && mm === "00" ? "Z" : `${offset[0]}${hh}:${mm}`;
}

function epoch(digits: string): Cell<string> {
  const ms = digits.length === 13 ? Number(digits) : Number(digits) * 1000;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? notUnderstood(EXPECTED) : value(date.toISOString());
}

/** A calendar date (`2027-06-30`), for facts with no time of day: the date part of any instant form above. */
export function parseDate(raw: unknown, order?: DateOrder): Cell<string> {
  const instant = parseInstant(raw, order);
  return instant.kind === "value" ? value(instant.value.slice(0, 10)) : instant;
}
