import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { canonicalJson } from "../rubric/canonical-json.js";

/**
 * A deterministic event id for records that have none: the first 24 hex digits of the
 * sha256 of the content's canonical JSON, prefixed `derived-`. Identical content gets the
 * same id, so a row imported twice or a webhook retried is one event.
 */
export function derivedEventId(content: unknown): string {
  return `derived-${bytesToHex(sha256(utf8ToBytes(canonicalJson(content)))).slice(0, 24)}`;
}
