import { parse as parseHost } from "tldts";
import { z } from "zod";
import { ScoringError } from "../errors.js";

/**
 * An account is keyed by its normalized primary domain: the registrable domain (found
 * with the Public Suffix List, through tldts) in lower case, with no scheme, `www.`,
 * subdomain, port, path, query or trailing dot; internationalized names in their ASCII
 * (punycode) form. `https://www.Acme.com/about` → `acme.com`, `www.foo.co.uk` → `foo.co.uk`,
 * `shop.acme.com` → `acme.com`, `münchen.de` and `xn--mnchen-3ya.de` → `xn--mnchen-3ya.de`.
 * Private suffixes count as suffixes (`acme.github.io` stays `acme.github.io`), so two
 * companies hosted on one platform never share a key.
 *
 * Kafka messages are keyed by this string, so two spellings of one company must
 * normalize to the same key, and the normalizer must never guess: anything that is
 * not clearly a company's web address is rejected with a reason and a stable code —
 * a profile page on LinkedIn, Facebook, X, Crunchbase or Apollo names the company but is
 * not its website, and a cell holding two domains is two accounts, not one.
 */
export type AccountKeyFailure = "empty" | "invalid" | "ip_address" | "public_suffix" | "profile_url" | "several_domains";
export type AccountKeyResult = { ok: true; key: string } | { ok: false; reason: string; code: AccountKeyFailure };

const MAX_DOMAIN_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** Two labels of letters, digits and inner hyphens (`acme.com`): the common case on the hot path, still checked against the suffix list. */
const PLAIN_TWO_LABELS = /^(?!www\d*\.)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.[a-z]{2,63}$/;

/**
 * Sites whose pages are profiles of other companies: a URL with a path on one of these
 * hosts is the company's page there, never the company itself. The bare domain
 * (`linkedin.com`) is still the site's own company.
 */
const PROFILE_SITES: ReadonlyMap<string, string> = new Map([
  ["linkedin.com", "LinkedIn"],
  ["facebook.com", "Facebook"],
  ["fb.com", "Facebook"],
  ["twitter.com", "X (Twitter)"],
  ["x.com", "X (Twitter)"],
  ["instagram.com", "Instagram"],
  ["youtube.com", "YouTube"],
  ["crunchbase.com", "Crunchbase"],
  ["apollo.io", "Apollo"],
  ["zoominfo.com", "ZoomInfo"],
  ["g2.com", "G2"],
  ["glassdoor.com", "Glassdoor"],
  ["wellfound.com", "Wellfound"],
  ["angel.co", "AngelList"],
  ["pitchbook.com", "PitchBook"],
  ["owler.com", "Owler"],
]);

// Keys repeat across a file and a stream (every signal of an account names it): remember
// recent results. Bounded, so a stream of unique values cannot grow it.
const MEMO_LIMIT = 50_000;
const memo = new Map<string, AccountKeyResult>();

export function tryNormalizeAccountKey(input: string): AccountKeyResult {
  let result = memo.get(input);
  if (result === undefined) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    result = computeAccountKey(input);
    memo.set(input, result);
  }
  return result;
}

function fail(code: AccountKeyFailure, reason: string): AccountKeyResult {
  return { ok: false, code, reason };
}

function computeAccountKey(input: string): AccountKeyResult {
  if (input.length <= MAX_DOMAIN_LENGTH && PLAIN_TWO_LABELS.test(input)) {
    const parsed = parseHost(input, { allowPrivateDomains: true, extractHostname: false });
    if (parsed.domain === input) return { ok: true, key: input };
  }
  let text = input.trim();
  if (text === "") return fail("empty", "empty domain");
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(text)) return fail("invalid", `"${printable(input)}" contains a control character`);
  if (/[\s,;|]/.test(text)) {
    const parts = text.split(/[\s,;|]+/).filter((p) => p !== "");
    const keys = parts.map((p) => computeAccountKey(p)).filter((r): r is { ok: true; key: string } => r.ok);
    if (parts.length > 1 && keys.length > 1) return fail("several_domains", `"${input}" holds ${keys.length} domains (${keys.map((k) => k.key).join(", ")}); an account has one`);
    if (/\s/.test(text)) return fail("invalid", `"${input}" contains whitespace`);
  }

  // An e-mail address names its company by the part after the last "@".
  if (!text.includes("://") && text.includes("@")) text = text.slice(text.lastIndexOf("@") + 1);
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  if (hasScheme && !/^https?:\/\//i.test(text)) {
    return fail("invalid", `"${input}" is not a web address (only http and https are accepted)`);
  }

  let url: URL;
  try {
    // WHATWG URL does the hard parts: userinfo, port, IDN → punycode, percent-decoding.
    url = new URL(hasScheme ? text : `http://${text}`);
  } catch {
    return fail("invalid", `"${input}" is not a valid domain or URL`);
  }

  let host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (host.startsWith("[") || IPV4.test(host)) return fail("ip_address", `"${input}" is an IP address, not a company domain`);
  while (/^www\d*\./.test(host)) host = host.slice(host.indexOf(".") + 1);

  if (host.length > MAX_DOMAIN_LENGTH) return fail("invalid", `"${input}" is longer than ${MAX_DOMAIN_LENGTH} characters`);
  const labels = host.split(".");
  if (labels.length < 2) return fail("invalid", `"${input}" has no top-level domain (expected something like acme.com)`);
  for (const label of labels) {
    if (label === "") return fail("invalid", `"${input}" has an empty label`);
    if (label.length > MAX_LABEL_LENGTH) return fail("invalid", `"${input}" has a label longer than ${MAX_LABEL_LENGTH} characters`);
    if (!LABEL.test(label)) return fail("invalid", `"${input}" has an invalid label "${label}" (letters, digits and inner hyphens only)`);
  }
  const tld = labels[labels.length - 1] ?? "";
  if (!TLD.test(tld)) return fail("invalid", `"${input}" has an invalid top-level domain "${tld}"`);

  const domain = parseHost(host, { allowPrivateDomains: true, extractHostname: false }).domain;
  if (!domain) return fail("public_suffix", `"${input}" is a public suffix (like co.uk), not a company's domain`);
  const site = PROFILE_SITES.get(domain);
  if (site !== undefined && (url.pathname.replace(/\/+$/, "") !== "" || url.search !== "" || url.hash.length > 1)) {
    return fail("profile_url", `"${input}" is a ${site} page, not the company's own website`);
  }
  return { ok: true, key: domain };
}

const printable = (s: string) => JSON.stringify(s).slice(1, -1);

/** Normalizes a domain, URL or e-mail address to an account key; throws `INVALID_ACCOUNT_KEY` with the reason. */
export function normalizeAccountKey(input: string): string {
  const result = tryNormalizeAccountKey(input);
  if (!result.ok) throw new ScoringError("INVALID_ACCOUNT_KEY", `invalid account key: ${result.reason}`);
  return result.key;
}

/**
 * A host name in the form the wire carries: lower-case ASCII labels (punycode for an IDN), at
 * least two, no `www.` prefix, no trailing dot, a letter or punycode top-level label.
 */
const WIRE_HOST = /^(?!www\d*\.)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * An already-normalized account key (what travels on the wire and keys Kafka messages).
 * Producers send `normalizeAccountKey`'s registrable domain (`acme.com`, never
 * `shop.acme.com`); icp ingest, the gateway and the file commands always do. The schema
 * still accepts any normalized host name, subdomains included: events written before keys
 * were registrable domains stay readable on a rebuild (a contract never narrows what it
 * accepted). A spelling that is not normalized at all (`WWW.Acme.com`, a URL, an e-mail)
 * is refused, naming its normalized form.
 */
export const AccountKey = z
  .string()
  .min(1)
  .check((ctx) => {
    if (ctx.value.length <= MAX_DOMAIN_LENGTH && WIRE_HOST.test(ctx.value) && !IPV4.test(ctx.value)) return;
    const result = tryNormalizeAccountKey(ctx.value);
    if (!result.ok) {
      ctx.issues.push({ code: "custom", message: `expected a normalized domain such as acme.com: ${result.reason}`, input: ctx.value });
    } else if (result.key !== ctx.value) {
      ctx.issues.push({ code: "custom", message: `expected a normalized domain: "${ctx.value}" normalizes to "${result.key}"`, input: ctx.value });
    }
  });
export type AccountKey = z.infer<typeof AccountKey>;
