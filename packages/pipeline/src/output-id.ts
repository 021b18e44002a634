import { canonicalJson, sha256Hex } from "@icpstream/scoring";

/** The envelope's limit on event ids. */
export const MAX_EVENT_ID_LENGTH = 200;

/**
 * A deterministic output id: `<kind>:<part>:<part>…<suffix>`, readable when it fits the
 * envelope's 200 characters, else `<kind>-<40 hex of sha256 of the parts><suffix>` (long
 * domains and long upstream ids). The same parts always give the same id.
 */
export function outputEventId(kind: string, parts: readonly string[], suffix = ""): string {
  const plain = `${kind}:${parts.join(":")}${suffix}`;
  if (plain.length <= MAX_EVENT_ID_LENGTH) return plain;
  return `${kind}-${sha256Hex(parts.join("\u0000")).slice(0, 40)}${suffix}`;
}

/** A short content hash for change detection: 128 bits of sha256 over canonical JSON. */
export function digestOf(value: unknown): string {
  return sha256Hex(canonicalJson(value)).slice(0, 32);
}
