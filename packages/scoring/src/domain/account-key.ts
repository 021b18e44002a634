import { z } from "zod";
import { ScoringError } from "../errors.js";

/**
 * An account is keyed by its normalized primary domain: lower-case, no scheme, no
 * `www.`, no port, path, query or trailing dot; internationalized names in their
 * ASCII (punycode) form. `https://www.Acme.com/about` → `acme.com`.
 *
 * Kafka messages are keyed by this string, so two spellings of one company must
 * normalize to the same key, and the normalizer must never guess: anything that is
 * not clearly a registrable host name is rejected with a reason.
 */
export type AccountKeyResult = { ok: true; key: string } | { ok: false; reason: string };

const MAX_DOMAIN_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** Already a normalized key (the common case on the hot path): skip URL parsing. */
const PLAIN_KEY = /^(?!www\d*\.)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function tryNormalizeAccountKey(input: string): AccountKeyResult {
  if (input.length <= MAX_DOMAIN_LENGTH && PLAIN_KEY.test(input)) return { ok: true, key: input };
  let text = input.trim();
  if (text === "") return { ok: false, reason: "empty domain" };
  if (/\s/.test(text)) return { ok: false, reason: `"${input}" contains whitespace` };

  // An e-mail address names its company by the part after the last "@".
  if (!text.includes("://") && text.includes("@")) text = text.slice(text.lastIndexOf("@") + 1);
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  if (hasScheme && !/^https?:\/\//i.test(text)) {
    return { ok: false, reason: `"${input}" is not a web address (only http and https are accepted)` };
  }

  let host: string;
  try {
    // WHATWG URL does the hard parts: userinfo, port, IDN → punycode, percent-decoding.
    host = new URL(hasScheme ? text : `http://${text}`).hostname;
  } catch {
    return { ok: false, reason: `"${input}" is not a valid domain or URL` };
  }

  host = host.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[") || IPV4.test(host)) return { ok: false, reason: `"${input}" is an IP address, not a company domain` };
  if (host.startsWith("www.")) host = host.slice(4);
  else if (/^www\d+\./.test(host)) host = host.slice(host.indexOf(".") + 1);

  if (host.length > MAX_DOMAIN_LENGTH) return { ok: false, reason: `"${input}" is longer than ${MAX_DOMAIN_LENGTH} characters` };
  const labels = host.split(".");
  if (labels.length < 2) return { ok: false, reason: `"${input}" has no top-level domain (expected something like acme.com)` };
  for (const label of labels) {
    if (label === "") return { ok: false, reason: `"${input}" has an empty label` };
    if (label.length > MAX_LABEL_LENGTH) return { ok: false, reason: `"${input}" has a label longer than ${MAX_LABEL_LENGTH} characters` };
    if (!LABEL.test(label)) return { ok: false, reason: `"${input}" has an invalid label "${label}" (letters, digits and inner hyphens only)` };
  }
  const tld = labels[labels.length - 1] ?? "";
  if (!TLD.test(tld)) return { ok: false, reason: `"${input}" has an invalid top-level domain "${tld}"` };
  return { ok: true, key: host };
}

/** Normalizes a domain, URL or e-mail address to an account key; throws `INVALID_ACCOUNT_KEY` with the reason. */
export function normalizeAccountKey(input: string): string {
  const result = tryNormalizeAccountKey(input);
  if (!result.ok) throw new ScoringError("INVALID_ACCOUNT_KEY", `invalid account key: ${result.reason}`);
  return result.key;
}

/** An already-normalized account key (what travels on the wire). */
export const AccountKey = z
  .string()
  .min(1)
  .check((ctx) => {
    const result = tryNormalizeAccountKey(ctx.value);
    if (!result.ok) {
      ctx.issues.push({ code: "custom", message: `expected a normalized domain such as acme.com: ${result.reason}`, input: ctx.value });
    } else if (result.key !== ctx.value) {
      ctx.issues.push({ code: "custom", message: `expected a normalized domain: "${ctx.value}" normalizes to "${result.key}"`, input: ctx.value });
    }
  });
export type AccountKey = z.infer<typeof AccountKey>;
