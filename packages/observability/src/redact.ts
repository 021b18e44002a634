import { stdSerializers } from "pino";

/** What a redacted value is replaced with. The same string kafka-kit's logger uses. */
export const CENSOR = "[redacted]";

/**
 * Field names that hold credentials, matched at any depth of a log object (not only one
 * level under a wildcard, as pino's `redact.paths` does). Names are compared lower-cased
 * with `-` and `_` removed, so `apiKey`, `api_key` and `X-Api-Key` are the same field.
 *
 * - contains: `secret`, `password`, `passwd`, `credential`, `privatekey`
 *   (`webhookSecret`, `config.clientSecret`, `redisPassword`, `sasl.password`…)
 * - ends with: `token`, `apikey` (`token`, `accessToken`, `refresh_token`, `x-api-key`)
 * - is: `authorization`, `proxy-authorization`, `cookie`, `set-cookie`, `icp-signature`, `x-icp-signature`
 */
const SECRET_KEY_PARTS = ["secret", "password", "passwd", "credential", "privatekey"];
const SECRET_KEY_ENDINGS = ["token", "apikey"];
const SECRET_KEYS = new Set(["authorization", "proxyauthorization", "cookie", "setcookie", "icpsignature", "xicpsignature"]);

export function isSecretKey(key: string): boolean {
  const name = key.toLowerCase().replace(/[-_]/g, "");
  return SECRET_KEYS.has(name) || SECRET_KEY_PARTS.some((part) => name.includes(part)) || SECRET_KEY_ENDINGS.some((end) => name.endsWith(end));
}

// scheme://userinfo@ — the userinfo runs to the last `@` of the authority, which ends at
// `/`, `?`, `#`, whitespace or a quote (RFC 3986 requires those to be escaped in userinfo).
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'<>]*@/gi;

/**
 * Removes `user:password@` from a URL, or from every URL inside a longer text:
 * `redis://app:s3cret@redis:6379/0` → `redis://[redacted]@redis:6379/0`.
 * Text without credentials comes back unchanged.
 */
export function redactUrl(text: string): string {
  if (!text.includes("://")) return text;
  return text.replace(URL_USERINFO, `$1${CENSOR}@`);
}

// Deeper than any log object we write; past it we print a marker rather than risk a
// secret that the walk did not reach.
const MAX_DEPTH = 16;

/**
 * A copy of `value` safe to log: fields named like secrets are censored at any depth,
 * credentials are stripped from URLs in strings, errors are serialized (pino's shape:
 * type, message, stack, own fields) and redacted too. The input is never mutated; parts
 * without anything to redact are shared, not copied.
 */
export function redactSecrets(value: unknown): unknown {
  return walk(value, 0, new Set());
}

function walk(value: unknown, depth: number, ancestors: Set<object>): unknown {
  if (typeof value === "string") return redactUrl(value);
  if (value === null || typeof value !== "object") return value;
  if (value instanceof URL) return redactUrl(value.href);
  if (ancestors.has(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[too deep]";

  // Errors become plain objects first: their own fields (an HTTP client's `config`, a
  // driver's `options`) are where credentials hide.
  const source: object = value instanceof Error ? (stdSerializers.err(value) as object) : value;
  if (Array.isArray(source)) {
    ancestors.add(value);
    let copy: unknown[] | undefined;
    source.forEach((item, index) => {
      const redacted = walk(item, depth + 1, ancestors);
      if (redacted !== item) (copy ??= [...source])[index] = redacted;
    });
    ancestors.delete(value);
    return copy ?? source;
  }
  // Values with their own JSON form (Date, Buffer, big-number types) are left to it.
  if (typeof (source as { toJSON?: unknown }).toJSON === "function") return source;

  ancestors.add(value);
  const isPlain = Object.getPrototypeOf(source) === Object.prototype || Object.getPrototypeOf(source) === null;
  let copy: Record<string, unknown> | undefined = isPlain ? undefined : {};
  for (const key of Object.keys(source)) {
    const item = (source as Record<string, unknown>)[key];
    const redacted = isSecretKey(key) && item !== undefined ? CENSOR : walk(item, depth + 1, ancestors);
    if (copy) copy[key] = redacted;
    else if (redacted !== item) {
      copy = { ...(source as Record<string, unknown>) };
      copy[key] = redacted;
    }
  }
  ancestors.delete(value);
  return copy ?? source;
}
