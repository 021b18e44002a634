import type { CombinerCardState, CombinerState } from "./combiner-handler.js";
import type { FitState } from "./fit-handler.js";
import type { TimingState } from "./timing-handler.js";

/**
 * The compact layout of the v1 states: a JSON array whose first element is the layout tag
 * (`2`; layout 1 is the plain JSON object). It keeps every value and drops what a reader can
 * rebuild exactly:
 *
 * - **field names**: positions instead (below);
 * - **instants**: epoch ms (a number) when the ISO text is what `toISOString` writes for it,
 *   else the text as it came (a string: `+02:00` offsets, no milliseconds);
 * - **hex digests and the rubric hash**: the same bytes in base64url (32 hex → 22 chars);
 * - **the account key** inside signals and in the score event ids the combiner keeps
 *   (`fit:<account>:<scorecard>:<profile id>`, `timing:<account>:<scorecard>[:<cause>]@<instant>`):
 *   the state's own key, and only the varying part of the id (an id of another shape is kept
 *   whole, as a one-element array);
 * - **reason text** of contribution reasons (`<label> +<points>`): the label only.
 *
 * ```
 * fit       [2, accountKey, profile.eventId, profile.occurredAt*, published#, profileBody|0?, [[contactId, eventId, occurredAt*, contact]…]|0?]
 * timing    [2, accountKey, asOf*|null, nextChangeAt*|null, [signal…], published#]
 *   signal  [type, eventId, occurredAt*, source|null, {other fields}?]    (accountKey: the state's,
 *           unless the signal has another, kept with its other fields)
 * combiner  [2, accountKey, rubricHash#|null, version, {scorecard: [fit|0, timing|0, tier|0]}]
 *   fit     [eventId~, occurredAt*, profileEventId=, score, excluded 0|1, [[rule, reason]…], [reason~…], digest#, [[tierId, rule, reason]…]|0?, bestContact?]
 *   tier    [id, name, rank, quadrant, bestContactId?]
 *   timing  [eventId~, occurredAt*, score, strongIntent 0|1, hasTimingSignal 0|1, triggerActive 0|1|null, {layer: score}, [reason~…], digest#,
 *            [[rule, label, eventId, occurredAt*, description, strongUntil*]…]?]
 *   tier    [id, name, rank, quadrant]
 *   reason~ [label, rule, points] for `<label> ±<points>`, else the reason object as it is
 * ```
 * `*` instant, `#` base64url of hex (published: `{scorecard: digest#}`), `~` see above, `?` left
 * out when empty or absent (tier caps, strong signals: states written before they existed end there);
 * `profileEventId=`: 0 when it is the profile id the fit id ends with, null when absent, else the id.
 *
 * `packState` returns undefined for a state it does not know the exact shape of (another
 * `v`, a field it has no position for, a digest that is not hex): such a state is stored as
 * plain JSON, so a field added to a state is never lost, only not compacted until this file
 * knows it. `unpackState` returns the v1 object, which the caller validates with the state's
 * schema; on a malformed array it throws.
 */
export const COMPACT_LAYOUT = 2;

type State = FitState | TimingState | CombinerState;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Thrown inside `packState` when the state has a shape this layout does not cover. */
class NotCompactable extends Error {}
const refuse = (): never => {
  throw new NotCompactable();
};

/** The object has no own keys but these (the ones it has may be fewer: optional fields). */
function only(value: object, keys: readonly string[]): void {
  for (const key in value) if (!keys.includes(key)) refuse();
}

// ── instants ───────────────────────────────────────────────────────────────────────────
// `Date.parse` and `toISOString` cost about 0.5 and 1.6 µs each on Node 20, several times
// the rest of a state's encoding, so the UTC calendar is done here in plain arithmetic (days ⇄
// civil dates after Howard Hinnant's `days_from_civil`). A text is compacted only when it has
// exactly `toISOString`'s shape with every field in range, so formatting the number gives it
// back character for character.
const DAY = 86_400_000;
/** 0000-01-01 … 9999-12-31: the range where `toISOString` writes four-digit years. */
const LAST_MS = 253_402_300_799_999;
const FIRST_MS = -62_167_219_200_000;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (y: number, m: number) => (m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : (MONTH_DAYS[m - 1] ?? 0));

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

/** `YYYY-MM-DDTHH:mm:ss.sssZ` as character codes, separators in place; `isoOf` writes the digits (never re-entered). */
const ISO_CODES = [...`0000-00-00T00:00:00.000Z`].map((c) => c.charCodeAt(0));
function putDigits(at: number, value: number, width: number): void {
  for (let i = at + width - 1, n = value; i >= at; i--, n = Math.floor(n / 10)) ISO_CODES[i] = 48 + (n % 10);
}

/**
 * What `new Date(ms).toISOString()` writes, for whole ms in years 0000–9999. Built from
 * character codes: a template literal of this length is a rope in V8, which the schema's
 * date-time regex must flatten first (about 1 µs more per instant on decode).
 */
function isoOf(ms: number): string {
  const days = Math.floor(ms / DAY);
  let rest = ms - days * DAY;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const m = mp < 10 ? mp + 3 : mp - 9;
  putDigits(0, yoe + era * 400 + (m <= 2 ? 1 : 0), 4);
  putDigits(5, m, 2);
  putDigits(8, doy - Math.floor((153 * mp + 2) / 5) + 1, 2);
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000);
  rest -= mi * 60_000;
  const sec = Math.floor(rest / 1000);
  putDigits(11, h, 2);
  putDigits(14, mi, 2);
  putDigits(17, sec, 2);
  putDigits(20, rest - sec * 1000, 3);
  return String.fromCharCode(...ISO_CODES);
}

/** The decimal number in text[from, to), or NaN when a character there is not a digit. */
function digits(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    n = n * 10 + c;
  }
  return n;
}

/** The separators of `YYYY-MM-DDTHH:mm:ss.sssZ`, by position. */
const ISO_SEPARATORS: readonly [number, number][] = [[4, 45], [7, 45], [10, 84], [13, 58], [16, 58], [19, 46], [23, 90]];

/** `YYYY-MM-DDTHH:mm:ss.sssZ` → epoch ms; any other text (offsets, no milliseconds, a day that does not exist) stays text. */
function packInstant(text: string): number | string {
  if (text.length !== 24) return text;
  for (const [at, code] of ISO_SEPARATORS) if (text.charCodeAt(at) !== code) return text;
  const y = digits(text, 0, 4);
  const m = digits(text, 5, 7);
  const d = digits(text, 8, 10);
  const h = digits(text, 11, 13);
  const mi = digits(text, 14, 16);
  const sec = digits(text, 17, 19);
  const ms = digits(text, 20, 23);
  // NaN fails every comparison: a non-digit anywhere keeps the text.
  if (!(m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m) && h < 24 && mi < 60 && sec < 60 && ms >= 0)) return text;
  return daysFromCivil(y, m, d) * DAY + h * 3_600_000 + mi * 60_000 + sec * 1000 + ms;
}
function unpackInstant(value: unknown): string {
  if (typeof value === "number") {
    if (!Number.isInteger(value) || value < FIRST_MS || value > LAST_MS) throw new TypeError(`an instant: ${value} is not epoch ms of years 0000–9999`);
    return isoOf(value);
  }
  if (typeof value === "string") return value;
  throw new TypeError("an instant: expected epoch ms or an ISO text");
}
const packNullableInstant = (text: string | null) => (text === null ? null : packInstant(text));
const unpackNullableInstant = (value: unknown) => (value === null ? null : unpackInstant(value));

// ── hex ⇄ base64url ────────────────────────────────────────────────────────────────────
// Character codes in, `String.fromCharCode` out: flat strings (no ropes for JSON.stringify
// and the schema to flatten later), and no regex, slice or parseInt per digest.
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const B64_CODES = [...B64].map((c) => c.charCodeAt(0));
const B64_VALUE = new Int8Array(128).fill(-1);
B64_CODES.forEach((code, i) => (B64_VALUE[code] = i));
const HEX_CODES = [..."0123456789abcdef"].map((c) => c.charCodeAt(0));
const HEX_VALUE = new Int8Array(128).fill(-1);
HEX_CODES.forEach((code, i) => (HEX_VALUE[code] = i));

/** Lower-case hex of whole bytes → unpadded base64url of those bytes (3 bytes → 4 characters); anything else is refused. */
function packHex(hex: string): string {
  if (hex.length === 0 || hex.length % 2 !== 0) refuse();
  const out: number[] = [];
  let bits = 0;
  let count = 0;
  for (let i = 0; i < hex.length; i++) {
    const v = HEX_VALUE[hex.charCodeAt(i)] ?? -1;
    if (v < 0) refuse();
    bits = (bits << 4) | v;
    count += 4;
    if (count >= 6) {
      count -= 6;
      out.push(B64_CODES[(bits >> count) & 63] as number);
      bits &= (1 << count) - 1;
    }
  }
  if (count > 0) out.push(B64_CODES[(bits << (6 - count)) & 63] as number);
  return String.fromCharCode(...out);
}

/** The inverse of `packHex`: 4 characters → 3 bytes, a tail of 2 → 1 byte, of 3 → 2 bytes (the last character's spare bits are padding). */
function unpackHex(value: unknown): string {
  if (typeof value !== "string" || value.length % 4 === 1) throw new TypeError("a digest: expected base64url text");
  const out: number[] = [];
  let bits = 0;
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    const v = B64_VALUE[value.charCodeAt(i)] ?? -1;
    if (v < 0) throw new TypeError(`a digest: ${JSON.stringify(value.charAt(i))} is not base64url`);
    bits = (bits << 6) | v;
    count += 6;
    while (count >= 8) {
      count -= 8;
      const byte = (bits >> count) & 255;
      out.push(HEX_CODES[byte >> 4] as number, HEX_CODES[byte & 15] as number);
      bits &= (1 << count) - 1;
    }
  }
  return String.fromCharCode(...out);
}

function packDigests(published: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(published).map(([card, digest]) => [card, packHex(digest)]));
}
function unpackDigests(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(object(value, "published")).map(([card, digest]) => [card, unpackHex(digest)]));
}

// ── readers of the parsed array (a wrong type throws; the schema checks the rest) ──────
function array(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${what}: expected an array`);
  return value;
}
function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new TypeError(`${what}: expected an object`);
  return value as Record<string, unknown>;
}
const flag = (value: boolean) => (value ? 1 : 0);
const unflag = (value: unknown) => value === 1;

// ── fit ────────────────────────────────────────────────────────────────────────────────
function packFit(state: FitState): Json {
  only(state, ["v", "accountKey", "profile", "published", "profileBody", "contacts"]);
  const profile = state.profile ?? refuse();
  only(profile, ["eventId", "occurredAt"]);
  const head: Json[] = [COMPACT_LAYOUT, state.accountKey, profile.eventId, packInstant(profile.occurredAt), packDigests(state.published)];
  if (state.profileBody === undefined && state.contacts === undefined) return head;
  // The profile's content and the contacts as they are (their own field names): kept for rescoring, not compacted further.
  const body = state.profileBody === undefined ? 0 : (state.profileBody as unknown as Json);
  const contacts = state.contacts === undefined ? 0 : Object.entries(state.contacts).map(([id, c]): Json => [id, c.eventId, packInstant(c.occurredAt), c.contact as unknown as Json]);
  return [...head, body, contacts];
}
function unpackFit(a: unknown[]): unknown {
  const state: Record<string, unknown> = { v: 1, accountKey: a[1], profile: { eventId: a[2], occurredAt: unpackInstant(a[3]) }, published: unpackDigests(a[4]) };
  if (a[5] !== undefined && a[5] !== 0) state.profileBody = a[5];
  if (a[6] !== undefined && a[6] !== 0) {
    state.contacts = Object.fromEntries(array(a[6], "contacts").map((entry) => {
      const [id, eventId, occurredAt, contact] = array(entry, "a contact");
      return [id, { eventId, occurredAt: unpackInstant(occurredAt), contact }];
    }));
  }
  return state;
}

// ── timing ─────────────────────────────────────────────────────────────────────────────
function packTiming(state: TimingState): Json {
  only(state, ["v", "accountKey", "asOf", "nextChangeAt", "signals", "published"]);
  const signals = state.signals.map((signal): Json => {
    const packed: Json[] = [signal.type, signal.eventId, packInstant(signal.occurredAt), signal.source ?? null];
    let other: Record<string, Json> | undefined;
    for (const key in signal) {
      if (key === "type" || key === "eventId" || key === "occurredAt" || key === "source" || key === "accountKey") continue;
      const value = (signal as Record<string, unknown>)[key];
      if (value !== undefined) (other ??= {})[key] = value as Json;
    }
    // A signal filed under another account than the state's (never written by the handlers) keeps its key.
    if (signal.accountKey !== state.accountKey) (other ??= {}).accountKey = signal.accountKey;
    if (other) packed.push(other);
    return packed;
  });
  return [COMPACT_LAYOUT, state.accountKey, packNullableInstant(state.asOf), packNullableInstant(state.nextChangeAt), signals, packDigests(state.published)];
}
function unpackTiming(a: unknown[]): unknown {
  const accountKey = a[1];
  const signals = array(a[4], "signals").map((value) => {
    const s = array(value, "a signal");
    const signal: Record<string, unknown> = { type: s[0], eventId: s[1], accountKey, occurredAt: unpackInstant(s[2]) };
    if (s[3] !== null) signal.source = s[3];
    // Assigned one by one: the schema parses objects built by spreading twice as slowly (V8
    // gives them a slower shape); `__proto__` is no signal field, and assigning it would set the prototype.
    if (s[4] !== undefined) for (const [key, field] of Object.entries(object(s[4], "a signal's fields"))) if (key !== "__proto__") signal[key] = field;
    return signal;
  });
  return { v: 1, accountKey, asOf: unpackNullableInstant(a[2]), nextChangeAt: unpackNullableInstant(a[3]), signals, published: unpackDigests(a[5]) };
}

// ── combiner ───────────────────────────────────────────────────────────────────────────
type Reason = { text: string; rule?: string; points?: number };
type FitSide = NonNullable<CombinerCardState["fit"]>;
type TimingSide = NonNullable<CombinerCardState["timing"]>;

const pointsSuffix = (points: number) => ` ${points > 0 ? "+" : ""}${points}`;

function packReason(reason: Reason): Json {
  only(reason, ["text", "rule", "points"]);
  if (reason.rule !== undefined && reason.points !== undefined) {
    const suffix = pointsSuffix(reason.points);
    if (reason.text.endsWith(suffix)) return [reason.text.slice(0, -suffix.length), reason.rule, reason.points];
  }
  return { ...reason };
}
function unpackReason(value: unknown): unknown {
  if (!Array.isArray(value)) return object(value, "a reason");
  const [label, rule, points] = value as [unknown, unknown, unknown];
  if (typeof label !== "string" || typeof points !== "number") throw new TypeError("a reason: expected [label, rule, points]");
  return { text: `${label}${pointsSuffix(points)}`, rule, points };
}

/** `<prefix><varying>` → the varying part; an id of another shape → `[id]`. */
function packId(id: string, prefix: string, suffix = ""): Json {
  if (!id.startsWith(prefix) || !id.endsWith(suffix) || id.length < prefix.length + suffix.length) return [id];
  return id.slice(prefix.length, id.length - suffix.length);
}
function unpackId(value: unknown, prefix: string, suffix = ""): unknown {
  return Array.isArray(value) ? value[0] : `${prefix}${String(value)}${suffix}`;
}

function packFitSide(side: FitSide, accountKey: string, card: string): Json {
  only(side, ["eventId", "occurredAt", "profileEventId", "score", "excluded", "exclusions", "tierCaps", "reasons", "digest", "bestContact"]);
  const eventId = packId(side.eventId, `fit:${accountKey}:${card}:`);
  const exclusions = side.exclusions.map((e): Json => {
    only(e, ["rule", "reason"]);
    return [e.rule, e.reason];
  });
  const profileEventId = side.profileEventId === undefined ? null : side.profileEventId === eventId ? 0 : side.profileEventId;
  const packed: Json[] = [eventId, packInstant(side.occurredAt), profileEventId, side.score, flag(side.excluded), exclusions, side.reasons.map(packReason), packHex(side.digest)];
  if (side.tierCaps !== undefined && side.tierCaps.length > 0) {
    packed.push(
      side.tierCaps.map((c): Json => {
        only(c, ["tierId", "rule", "reason"]);
        return [c.tierId, c.rule, c.reason];
      }),
    );
  } else if (side.tierCaps !== undefined) refuse();
  if (side.bestContact !== undefined) {
    if (packed.length === 8) packed.push(0);
    packed.push({ ...side.bestContact } as unknown as Json);
  }
  return packed;
}
function unpackFitSide(a: unknown[], accountKey: string, card: string): unknown {
  return {
    eventId: unpackId(a[0], `fit:${accountKey}:${card}:`),
    occurredAt: unpackInstant(a[1]),
    ...(a[2] === null ? {} : { profileEventId: a[2] === 0 ? a[0] : a[2] }),
    score: a[3],
    excluded: unflag(a[4]),
    exclusions: array(a[5], "exclusions").map((e) => {
      const [rule, reason] = array(e, "an exclusion");
      return { rule, reason };
    }),
    reasons: array(a[6], "reasons").map(unpackReason),
    digest: unpackHex(a[7]),
    ...(a[9] === undefined ? {} : { bestContact: object(a[9], "a best contact") }),
    ...(a[8] === undefined || a[8] === 0
      ? {}
      : {
          tierCaps: array(a[8], "tier caps").map((c) => {
            const [tierId, rule, reason] = array(c, "a tier cap");
            return { tierId, rule, reason };
          }),
        }),
  };
}

/** The timing service's ids: `timing:<account>:<scorecard>:<cause>@<instant>` (a signal) or `…<scorecard>@<instant>` (the clock), the instant being the score's `occurredAt`. */
function packTimingId(id: string, accountKey: string, card: string, occurredAt: string): Json {
  const varying = packId(id, `timing:${accountKey}:${card}`, `@${occurredAt}`);
  if (typeof varying !== "string") return varying;
  if (varying === "") return "";
  return varying.length > 1 && varying.startsWith(":") ? varying.slice(1) : [id];
}
function unpackTimingId(value: unknown, accountKey: string, card: string, occurredAt: string): unknown {
  if (Array.isArray(value)) return value[0];
  return `timing:${accountKey}:${card}${value === "" ? "" : `:${String(value)}`}@${occurredAt}`;
}

function packTimingSide(side: TimingSide, accountKey: string, card: string): Json {
  only(side, ["eventId", "occurredAt", "score", "strongIntent", "strongSignals", "hasTimingSignal", "triggerActive", "layers", "reasons", "digest"]);
  const packed: Json[] = [
    packTimingId(side.eventId, accountKey, card, side.occurredAt),
    packInstant(side.occurredAt),
    side.score,
    flag(side.strongIntent),
    flag(side.hasTimingSignal),
    side.triggerActive === undefined ? null : flag(side.triggerActive),
    { ...side.layers },
    side.reasons.map(packReason),
    packHex(side.digest),
  ];
  if (side.strongSignals !== undefined && side.strongSignals.length > 0) {
    packed.push(
      side.strongSignals.map((s): Json => {
        only(s, ["rule", "label", "eventId", "occurredAt", "description", "strongUntil"]);
        return [s.rule, s.label, s.eventId, packInstant(s.occurredAt), s.description, packInstant(s.strongUntil)];
      }),
    );
  } else if (side.strongSignals !== undefined) refuse();
  return packed;
}
function unpackTimingSide(a: unknown[], accountKey: string, card: string): unknown {
  const occurredAt = unpackInstant(a[1]);
  const side: Record<string, unknown> = { eventId: unpackTimingId(a[0], accountKey, card, occurredAt), occurredAt, score: a[2], strongIntent: unflag(a[3]), hasTimingSignal: unflag(a[4]) };
  if (a[5] !== null) side.triggerActive = unflag(a[5]);
  side.layers = object(a[6], "layers");
  side.reasons = array(a[7], "reasons").map(unpackReason);
  side.digest = unpackHex(a[8]);
  if (a[9] !== undefined) {
    side.strongSignals = array(a[9], "strong signals").map((value) => {
      const [rule, label, eventId, occurred, description, until] = array(value, "a strong signal");
      return { rule, label, eventId, occurredAt: unpackInstant(occurred), description, strongUntil: unpackInstant(until) };
    });
  }
  return side;
}

function packCombiner(state: CombinerState): Json {
  only(state, ["v", "accountKey", "rubricHash", "version", "scorecards"]);
  const cards = Object.entries(state.scorecards).map(([id, card]): [string, Json] => {
    only(card, ["fit", "timing", "tier"]);
    const tier = card.tier;
    if (tier) only(tier, ["id", "name", "rank", "quadrant", "bestContactId"]);
    const fit = card.fit ? packFitSide(card.fit, state.accountKey, id) : 0;
    const timing = card.timing ? packTimingSide(card.timing, state.accountKey, id) : 0;
    return [id, [fit, timing, tier ? [tier.id, tier.name, tier.rank, tier.quadrant, ...(tier.bestContactId === undefined ? [] : [tier.bestContactId])] : 0]];
  });
  return [COMPACT_LAYOUT, state.accountKey, state.rubricHash === null ? null : packHex(state.rubricHash), state.version, Object.fromEntries(cards)];
}
function unpackCombiner(a: unknown[]): unknown {
  const accountKey = String(a[1]);
  const scorecards = Object.entries(object(a[4], "scorecards")).map(([id, value]) => {
    const [fit, timing, tier] = array(value, `scorecard ${id}`);
    const card: Record<string, unknown> = {};
    if (fit !== 0) card.fit = unpackFitSide(array(fit, "a fit score"), accountKey, id);
    if (timing !== 0) card.timing = unpackTimingSide(array(timing, "a timing score"), accountKey, id);
    if (tier !== 0) {
      const [tierId, name, rank, quadrant, bestContactId] = array(tier, "a tier");
      card.tier = { id: tierId, name, rank, quadrant, ...(bestContactId === undefined ? {} : { bestContactId }) };
    }
    return [id, card];
  });
  return { v: 1, accountKey: a[1], rubricHash: a[2] === null ? null : unpackHex(a[2]), version: a[3], scorecards: Object.fromEntries(scorecards) };
}

// ── entry points ───────────────────────────────────────────────────────────────────────
export type StateKind = "fit" | "timing" | "combiner";

/** The compact array of a v1 state, or undefined when its shape is not exactly the one above. */
export function packState(state: State): Json[] | undefined {
  if (state.v !== 1) return undefined;
  try {
    if ("signals" in state) return packTiming(state) as Json[];
    if ("scorecards" in state) return packCombiner(state) as Json[];
    return packFit(state) as Json[];
  } catch (error) {
    if (error instanceof NotCompactable) return undefined;
    throw error;
  }
}

/** The v1 object of a compact array, unvalidated (the caller parses it with the state's schema). */
export function unpackState(kind: StateKind, value: unknown[]): unknown {
  if (value[0] !== COMPACT_LAYOUT) throw new TypeError(`unknown layout ${JSON.stringify(value[0])}`);
  return kind === "fit" ? unpackFit(value) : kind === "timing" ? unpackTiming(value) : unpackCombiner(value);
}
