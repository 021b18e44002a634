import { canonicalJson } from "../rubric/canonical-json.js";
import { sha256Hex } from "./sha256.js";

/**
 * A deterministic event id for records that have none: the first 24 hex digits of the
 * sha256 of the content's canonical JSON, prefixed `derived-`. Identical content gets the
 * same id, so a row imported twice or a webhook retried is one event.
 */
export function derivedEventId(content: unknown): string {
  return `derived-${sha256Hex(canonicalJson(content)).slice(0, 24)}`;
}
