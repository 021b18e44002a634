import { tryNormalizeAccountKey } from "@icpstream/scoring";
import type { SignalType } from "@icpstream/scoring";
import type { RejectReason } from "./issues.js";
import { parseSignalType } from "./values/vocabulary.js";

/**
 * The same identity rules for records that arrive one by one (the HTTP gateway) as for
 * rows of a file, with the same reason codes, so a 422 names the reasons a rejects file
 * would: an account key from any spelling of a domain or URL (never a profile page, never
 * two domains), a signal type from vendor wording, and identifiers free of NUL and other
 * control characters.
 */
export type RecordCheck<T> = { ok: true; value: T } | { ok: false; reason: RejectReason; message: string };

export function accountKeyFromValue(raw: unknown): RecordCheck<string> {
  if (typeof raw !== "string" || raw.trim() === "") return { ok: false, reason: "no_domain", message: "expected the account's domain" };
  const key = tryNormalizeAccountKey(raw);
  if (key.ok) return { ok: true, value: key.key };
  const reason: RejectReason = key.code === "empty" ? "no_domain" : key.code === "profile_url" || key.code === "several_domains" ? key.code : "invalid_domain";
  return { ok: false, reason, message: key.reason };
}

export function signalTypeFromValue(raw: unknown): RecordCheck<SignalType> {
  const type = parseSignalType(raw);
  if (type.kind === "value") return { ok: true, value: type.value };
  return { ok: false, reason: type.kind === "blank" ? "missing_field" : "unknown_signal_type", message: type.kind === "unknown" ? `${JSON.stringify(raw)} ${type.why}` : "expected a signal type" };
}

/** Fields that identify an event or a thing in another system: text ids, compared byte for byte downstream. */
export const IDENTIFIER_FIELDS = ["eventId", "opportunityId", "visitorId", "postingId", "campaignId", "webinarId", "source"] as const;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The first identifier field holding a NUL or another control character, if any. */
export function identifierProblem(record: Readonly<Record<string, unknown>>): { field: string; message: string } | undefined {
  for (const field of IDENTIFIER_FIELDS) {
    const value = Object.hasOwn(record, field) ? record[field] : undefined;
    if (typeof value === "string" && CONTROL.test(value)) return { field, message: `${field} holds a NUL or another control character` };
  }
  return undefined;
}
