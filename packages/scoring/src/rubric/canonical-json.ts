/**
 * JSON with object keys sorted at every level and no whitespace, so that two documents
 * with the same content (whatever their key order, comments or formatting) give the
 * same text and therefore the same hash. `undefined` members are dropped, as JSON does.
 *
 * It runs for every score a service decides (the change digests), so it is written as one
 * pass that appends to a string: no entry arrays, no intermediate strings per member.
 * The text is exactly that of the plain definition (kept in canonical-json.test.ts):
 * digests stored by earlier versions stay equal.
 */
export function canonicalJson(value: unknown): string {
  return write(value);
}

/** Quoted object keys: the same few field names recur in every document. Bounded, as keys may come from data. */
const quotedKeys = new Map<string, string>();
const MAX_QUOTED_KEYS = 10_000;

function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < MAX_QUOTED_KEYS) quotedKeys.set(key, quoted);
  }
  return quoted;
}

function write(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new RangeError("canonical JSON has no representation for non-finite numbers");
      // A finite number's JSON is its shortest round-trip text, as String gives it (-0 → "0").
      return String(value);
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value === null) return "null";
      return Array.isArray(value) ? writeArray(value) : writeObject(value as Record<string, unknown>);
    default:
      // undefined, functions and symbols: what JSON.stringify gives for them, else null (as before).
      return JSON.stringify(value) ?? "null";
  }
}

function writeArray(items: readonly unknown[]): string {
  let out = "[";
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ",";
    const item = items[i];
    // A hole (not JSON, but possible in an object built by code) wrote nothing before, an undefined member null.
    if (item === undefined) out += i in items ? "null" : "";
    else out += write(item);
  }
  return `${out}]`;
}

function writeObject(object: Record<string, unknown>): string {
  // Code-unit order, as `<` compares strings (the default sort compares the same way).
  const keys = Object.keys(object).sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const member = object[key];
    if (member === undefined) continue;
    if (!first) out += ",";
    first = false;
    out += quoteKey(key);
    out += ":";
    out += write(member);
  }
  return `${out}}`;
}
