import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { epochMs, type Instant } from "./instant.js";

/**
 * Signed webhooks: how a subscriber knows a delivery came from us, unaltered, and recently.
 *
 * - Signed content: `${timestamp}.${body}` — the unix seconds of signing, a dot, the raw
 *   request body exactly as sent (bytes, not a re-serialization).
 * - Signature: HMAC-SHA256 with the subscriber's secret, lower-case hex.
 * - Header: `icp-signature: t=<unix seconds>,v1=<hex>`. While a secret rotates, the sender
 *   signs with both and sends several `v1=` entries; a verifier accepts any that matches
 *   any of its secrets. Unknown schemes (`v0=`, `v2=`) are ignored.
 * - Verification refuses a timestamp outside the tolerance window (default 300 s either
 *   way: a replayed capture goes stale) and compares in constant time.
 *
 * Pure JavaScript (@noble/hashes): no Node built-ins, so it runs in the rule package.
 */
export const SIGNATURE_HEADER = "icp-signature";
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type Bytes = Uint8Array;
const bytes = (value: string | Bytes): Bytes => (typeof value === "string" ? utf8ToBytes(value) : value);

/** HMAC-SHA256 of `data` under `key` (text is UTF-8), as lower-case hex. */
export function hmacSha256Hex(key: string | Bytes, data: string | Bytes): string {
  return bytesToHex(hmac(sha256, bytes(key), bytes(data)));
}

function signedContent(timestamp: number, body: string | Bytes): Bytes {
  const prefix = utf8ToBytes(`${timestamp}.`);
  const payload = bytes(body);
  const out = new Uint8Array(prefix.length + payload.length);
  out.set(prefix, 0);
  out.set(payload, prefix.length);
  return out;
}

export interface SignInput {
  /** One secret, or several while rotating (each gives a `v1=` entry). */
  secret: string | Bytes | readonly (string | Bytes)[];
  body: string | Bytes;
  /** When the delivery is signed. */
  now: Instant;
}

/** The `icp-signature` header value for a delivery. */
export function signWebhook(input: SignInput): string {
  const timestamp = Math.floor(epochMs(input.now) / 1000);
  const secrets = Array.isArray(input.secret) ? (input.secret as readonly (string | Bytes)[]) : [input.secret as string | Bytes];
  if (secrets.length === 0) throw new RangeError("signWebhook: at least one secret is needed");
  const content = signedContent(timestamp, input.body);
  return [`t=${timestamp}`, ...secrets.map((s) => `v1=${hmacSha256Hex(s, content)}`)].join(",");
}

export interface ParsedSignatureHeader {
  timestamp: number;
  signatures: string[];
}

/** `t=…,v1=…[,v1=…]` → its parts, or undefined when it is not that shape. */
export function parseSignatureHeader(header: string): ParsedSignatureHeader | undefined {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) return undefined;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === "t") {
      if (timestamp !== undefined || !/^\d{1,15}$/.test(value)) return undefined;
      timestamp = Number(value);
    } else if (name === "v1") {
      if (/^[0-9a-fA-F]{64}$/.test(value)) signatures.push(value.toLowerCase());
    }
  }
  if (timestamp === undefined || signatures.length === 0) return undefined;
  return { timestamp, signatures };
}

/** Equal-length hex compared without an early exit: the time taken does not reveal where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export interface VerifyInput {
  /** The secrets the receiver accepts (several while rotating). */
  secret: string | Bytes | readonly (string | Bytes)[];
  /** The raw body as received. */
  body: string | Bytes;
  /** The `icp-signature` header value; undefined when the request had none. */
  header: string | undefined;
  now: Instant;
  toleranceSeconds?: number;
}

export type VerifyResult =
  | { ok: true; timestamp: number }
  | { ok: false; reason: "missing_header" | "malformed_header" | "timestamp_outside_tolerance" | "signature_mismatch"; message: string };

export function verifyWebhook(input: VerifyInput): VerifyResult {
  if (input.header === undefined || input.header.trim() === "") return { ok: false, reason: "missing_header", message: `no ${SIGNATURE_HEADER} header` };
  const parsed = parseSignatureHeader(input.header);
  if (!parsed) return { ok: false, reason: "malformed_header", message: `${SIGNATURE_HEADER}: expected t=<unix seconds>,v1=<64 hex>` };
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor(epochMs(input.now) / 1000);
  if (Math.abs(nowSeconds - parsed.timestamp) > tolerance) {
    return { ok: false, reason: "timestamp_outside_tolerance", message: `${SIGNATURE_HEADER}: signed at ${parsed.timestamp}, ${nowSeconds - parsed.timestamp} s from now; tolerance is ${tolerance} s` };
  }
  const secrets = Array.isArray(input.secret) ? (input.secret as readonly (string | Bytes)[]) : [input.secret as string | Bytes];
  const content = signedContent(parsed.timestamp, input.body);
  let matched = false;
  // Every secret against every signature, no early exit: timing reveals nothing about which matched.
  for (const secret of secrets) {
    const expected = hmacSha256Hex(secret, content);
    for (const signature of parsed.signatures) matched = constantTimeEqual(expected, signature) || matched;
  }
  return matched ? { ok: true, timestamp: parsed.timestamp } : { ok: false, reason: "signature_mismatch", message: `${SIGNATURE_HEADER}: no signature matches` };
}
