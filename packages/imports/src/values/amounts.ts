import type { Cell } from "./cell.js";
import { BLANK, notUnderstood, textOf, unknown, value } from "./cell.js";

/**
 * Numbers, counts and money as exports write them.
 *
 * - Thousands separators `1,200` / `1 200` / `1'200`, decimals with a dot; suffixes k, M/MM/mn,
 *   B/bn, T and the words thousand/million/billion (`48M`, `1.2B`, `$5.5 million`).
 * - A decimal comma (`12,5`) is refused as ambiguous — `1,250` is one thousand two hundred and
 *   fifty in an English export and one and a quarter in a German one — unless the caller
 *   says the file uses decimal commas (`decimalComma`, from `--decimal-comma` or a mapping's
 *   locale); then `.` groups thousands (`1.234,5`).
 * - Ranges: `11-50`, `51-200 employees`, `1,001-5,000`, `$10M-$50M`, `10M-25M` (a suffix on the
 *   upper bound alone applies to both), `$10M to $50M`, `Medium ($10M - $50M)`; open ranges
 *   `10,001+`, `1000+`, `$1B+`, `more than 500`, `less than $1M` (from 0).
 * - Money: `$`, `US$` and `USD` are US dollars, and an amount with no currency is read as US
 *   dollars; any other currency (`€40M`, `EUR 40M`, `40M GBP`) leaves the amount unknown with
 *   the currency named: no exchange rate is applied.
 */
export interface NumberOptions {
  /** The file writes decimals with a comma (`12,5`) and groups thousands with dots. */
  decimalComma: boolean;
}

export type Amount = { kind: "exact"; value: number } | { kind: "range"; min: number; max: number | undefined };

const SUFFIXES: Record<string, number> = {
  k: 1e3,
  thousand: 1e3,
  m: 1e6,
  mm: 1e6,
  mn: 1e6,
  mio: 1e6,
  mil: 1e6,
  million: 1e6,
  millions: 1e6,
  b: 1e9,
  bn: 1e9,
  bil: 1e9,
  billion: 1e9,
  billions: 1e9,
  t: 1e12,
  tn: 1e12,
  trillion: 1e12,
};

const CURRENCY_SYMBOLS: Record<string, string> = {
  $: "USD",
  us$: "USD",
  usd: "USD",
  "€": "EUR",
  "£": "GBP",
  "¥": "JPY",
  "₹": "INR",
  "₩": "KRW",
  "c$": "CAD",
  ca$: "CAD",
  a$: "AUD",
  au$: "AUD",
  r$: "BRL",
  hk$: "HKD",
  nz$: "NZD",
  s$: "SGD",
};
const ISO_CURRENCIES = new Set(["USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "INR", "CNY", "RMB", "SEK", "NOK", "DKK", "BRL", "MXN", "SGD", "HKD", "NZD", "ZAR", "PLN", "KRW", "ILS", "AED", "SAR", "TRY", "CZK", "HUF", "RUB"]);

const PREFIX_CURRENCY = /^(us\$|ca\$|c\$|a\$|au\$|r\$|hk\$|nz\$|s\$|\$|€|£|¥|₹|₩|[a-z]{3}(?=\s*[\d.]))\s*/i;
const SUFFIX_CURRENCY = /\s*(\$|€|£|¥|₹|[a-z]{3})$/i;
const NUMBER_AND_SUFFIX = /^(\d[\d.,'\s\u00a0\u202f]*?)\s*(k|thousand|mm|mn|mio|mil|millions?|m|bn|bil|billions?|b|tn|trillion|t)?\.?$/i;

type Side = { n: number; scaled: boolean; currency: string | undefined } | { problem: Cell<never> };

function currencyOf(token: string): string | undefined {
  const lower = token.toLowerCase();
  if (CURRENCY_SYMBOLS[lower]) return CURRENCY_SYMBOLS[lower];
  const upper = token.toUpperCase();
  return ISO_CURRENCIES.has(upper) ? upper : undefined;
}

/** A plain number token (no sign, no suffix) under the decimal rule; "ambiguous" for a decimal comma without the option. */
export function numberToken(token: string, options: NumberOptions): number | "ambiguous" | undefined {
  const t = token.replace(/[\u00a0\u202f]/g, " ").trim();
  if (/^\d+$/.test(t)) return Number(t);
  if (options.decimalComma) {
    if (/^\d{1,3}(?:\.\d{3})+(?:,\d+)?$/.test(t) || /^\d{1,3}(?: \d{3})+(?:,\d+)?$/.test(t)) return Number(t.replace(/[. ]/g, "").replace(",", "."));
    if (/^\d+,\d+$/.test(t)) return Number(t.replace(",", "."));
    if (/^\d+\.\d+$/.test(t)) return "ambiguous";
    return undefined;
  }
  if (/^\d+\.\d+$/.test(t)) return Number(t);
  if (/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(t) || /^\d{1,3}(?: \d{3})+(?:\.\d+)?$/.test(t) || /^\d{1,3}(?:'\d{3})+(?:\.\d+)?$/.test(t)) return Number(t.replace(/[,' ]/g, ""));
  if (/^\d+,\d+$/.test(t) || /^\d{1,3}(?:\.\d{3})+,\d+$/.test(t)) return "ambiguous";
  return undefined;
}

const AMBIGUOUS = unknown("decimal_comma", "uses a decimal comma, which reads two ways (pass --decimal-comma, or set locale in the mapping, if the file writes 12,5 for twelve and a half)");

function side(text: string, options: NumberOptions): Side {
  let s = text.trim();
  let currency: string | undefined;
  const pre = PREFIX_CURRENCY.exec(s);
  if (pre?.[1] && currencyOf(pre[1]) !== undefined) {
    currency = currencyOf(pre[1]);
    s = s.slice(pre[0].length);
  }
  const post = SUFFIX_CURRENCY.exec(s);
  if (post?.[1] && currencyOf(post[1]) !== undefined && !SUFFIXES[post[1].toLowerCase()]) {
    currency = currencyOf(post[1]);
    s = s.slice(0, s.length - post[0].length);
  }
  const m = NUMBER_AND_SUFFIX.exec(s.trim());
  if (!m?.[1]) return { problem: notUnderstood("") };
  const n = numberToken(m[1], options);
  if (n === "ambiguous") return { problem: AMBIGUOUS };
  if (n === undefined) return { problem: notUnderstood("") };
  const scale = m[2] ? (SUFFIXES[m[2].toLowerCase()] ?? 1) : 1;
  return { n: scale === 1 ? n : Number((n * scale).toPrecision(15)), scaled: m[2] !== undefined, currency };
}

/** Labels around a number: "51-200 employees", "Medium ($10M - $50M)", "Large (1,000 - 4,999 Employees)". */
function stripLabels(text: string): string {
  const paren = /\(([^()]*\d[^()]*)\)/.exec(text);
  const inner = paren?.[1] ?? text;
  return inner
    .replace(/\b(employees?|emps?|people|persons|staff|headcount|fte|in revenue|revenue|annual|per year|a year|p\.?a\.?)\b/gi, " ")
    .replace(/\s+/g, " ")
    .trim();
}

const OPEN_ABOVE_PREFIX = /^(?:more than|over|greater than|above|at least|min\.?|>=?|≥)\s*(.+)$/i;
const OPEN_ABOVE_SUFFIX = /^(.+?)\s*(?:\+|or more|and (?:above|over|more)|plus)$/i;
const OPEN_BELOW = /^(?:less than|fewer than|under|below|up to|max\.?|<=?|≤)\s*(.+)$/i;
const BOUNDED = /^(.+?)\s*(?:–|—|-|\bto\b|\bbis\b|~)\s*(.+)$/i;

function amount(raw: unknown, options: NumberOptions, expected: string): Cell<{ amount: Amount; currency: string | undefined }> {
  if (typeof raw === "number") return Number.isFinite(raw) && raw >= 0 ? value({ amount: { kind: "exact", value: raw }, currency: undefined }) : notUnderstood(expected);
  const text = textOf(raw);
  if (text.kind !== "value") return text;
  const s = stripLabels(text.value);
  const failed = (c: Cell<never>): Cell<never> => (c.kind === "unknown" && c.reason === "not_understood" ? notUnderstood(expected) : c);
  const currencyOfSides = (sides: { currency: string | undefined }[]) => sides.map((x) => x.currency).find((c) => c !== undefined);
  let m = OPEN_ABOVE_PREFIX.exec(s) ?? OPEN_ABOVE_SUFFIX.exec(s);
  if (m?.[1]) {
    const low = side(m[1], options);
    if ("problem" in low) return failed(low.problem);
    return value({ amount: { kind: "range", min: low.n, max: undefined }, currency: low.currency });
  }
  m = OPEN_BELOW.exec(s);
  if (m?.[1]) {
    const high = side(m[1], options);
    if ("problem" in high) return failed(high.problem);
    return value({ amount: { kind: "range", min: 0, max: high.n }, currency: high.currency });
  }
  m = BOUNDED.exec(s);
  if (m?.[1] && m[2]) {
    const low = side(m[1], options);
    const high = side(m[2], options);
    if ("problem" in low) return failed(low.problem);
    if ("problem" in high) return failed(high.problem);
    let lo = low.n;
    // "10-25M": the upper bound's suffix applies to a bare lower bound.
    if (!low.scaled && high.scaled) {
      const scale = SUFFIXES[/([a-z]+)\.?$/i.exec(m[2].trim())?.[1]?.toLowerCase() ?? ""] ?? 1;
      if (lo * scale <= high.n) lo = Number((lo * scale).toPrecision(15));
    }
    if (lo > high.n) return notUnderstood(expected);
    if (low.currency !== undefined && high.currency !== undefined && low.currency !== high.currency) return notUnderstood(`${expected}, in one currency`);
    const currency = currencyOfSides([low, high]);
    return value({ amount: lo === high.n ? { kind: "exact", value: lo } : { kind: "range", min: lo, max: high.n }, currency });
  }
  const exact = side(s, options);
  if ("problem" in exact) return failed(exact.problem);
  return value({ amount: { kind: "exact", value: exact.n }, currency: exact.currency });
}

const COUNT_EXPECTED = "a whole number or a range such as 51-200";

/** An employee count: a whole number, or a range of whole numbers. */
export function parseCount(raw: unknown, options: NumberOptions): Cell<Amount> {
  const read = amount(raw, options, COUNT_EXPECTED);
  if (read.kind !== "value") return read;
  if (read.value.currency !== undefined) return notUnderstood(COUNT_EXPECTED);
  const a = read.value.amount;
  const whole = (n: number | undefined) => n === undefined || Number.isInteger(n);
  if (a.kind === "exact" ? !whole(a.value) : !whole(a.min) || !whole(a.max)) return notUnderstood(COUNT_EXPECTED);
  return value(a);
}

const MONEY_EXPECTED = "an amount in US dollars such as 48000000, $48M or a range such as $10M-$50M";

/** An amount of US dollars, exact or a range; another currency leaves it unknown. */
export function parseUsd(raw: unknown, options: NumberOptions): Cell<Amount> {
  const read = amount(raw, options, MONEY_EXPECTED);
  if (read.kind !== "value") return read;
  const currency = read.value.currency;
  if (currency !== undefined && currency !== "USD") return unknown("currency", `is in ${currency}; amounts are read in US dollars only (no exchange rate is applied)`);
  return value(read.value.amount);
}

/** A single number (a score, an amount, a count of roles): no ranges. `integer` asks for a whole number. */
export function parseNumber(raw: unknown, options: NumberOptions, integer = false): Cell<number> {
  const expected = integer ? "a whole number" : "a number";
  const read = amount(raw, options, expected);
  if (read.kind !== "value") return read;
  const a = read.value.amount;
  if (a.kind !== "exact" || (read.value.currency !== undefined && read.value.currency !== "USD")) return read.value.currency !== undefined && read.value.currency !== "USD" ? unknown("currency", `is in ${read.value.currency}; amounts are read in US dollars only (no exchange rate is applied)`) : notUnderstood(expected);
  if (integer && !Number.isInteger(a.value)) return notUnderstood(expected);
  return value(a.value);
}

/** A percentage or signed number (growth can be negative): `-12.5`, `40%`. */
export function parseSignedNumber(raw: unknown, options: NumberOptions): Cell<number> {
  if (typeof raw === "number") return Number.isFinite(raw) ? value(raw) : notUnderstood("a number");
  const text = textOf(raw);
  if (text.kind !== "value") return text;
  const m = /^([+-−]?)\s*(.+?)\s*%?$/.exec(text.value);
  if (!m?.[2]) return notUnderstood("a number");
  const n = numberToken(m[2], options);
  if (n === "ambiguous") return AMBIGUOUS;
  if (n === undefined) return notUnderstood("a number");
  return value(m[1] === "-" || m[1] === "−" ? -n : n);
}

export { BLANK };

/**
 * A deal amount with its currency, as CRM exports write it: `45000`, `USD 48,000.00`,
 * `€40k`, `$1.2M`. One amount (not a range); the currency when the cell names one (the
 * caller falls back to a currency column or a default).
 */
export function parseMoney(raw: unknown, options: NumberOptions): Cell<{ value: number; currency: string | undefined }> {
  const read = amount(raw, options, "an amount such as 45000, 45,000.00, $45k or EUR 40,000");
  if (read.kind !== "value") return read;
  if (read.value.amount.kind !== "exact") return notUnderstood("one amount, not a range");
  return value({ value: read.value.amount.value, currency: read.value.currency });
}

/** An ISO 4217 currency code or a currency symbol (`usd`, `$`, `€`), upper-case. */
export function parseCurrency(raw: unknown): Cell<string> {
  const text = textOf(raw);
  if (text.kind !== "value") return text;
  const code = currencyOf(text.value.trim());
  return code === undefined ? notUnderstood("an ISO 4217 currency code such as USD or EUR") : value(code);
}
