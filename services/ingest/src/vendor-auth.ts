import { createHmac, timingSafeEqual } from "node:crypto";
import type { SourceAuth } from "@icpstream/imports";

/**
 * Each vendor's own proof that a request is theirs, checked before the body is parsed.
 *
 * - `hubspot-v3` (HubSpot's "Validating requests", v3): `X-HubSpot-Signature-v3` is the
 *   base64 HMAC-SHA256, keyed with the app's client secret, of
 *   `<method><URI><raw body><X-HubSpot-Request-Timestamp>`; the URI is the one HubSpot
 *   called (scheme, host, path and query) with the characters HubSpot decodes before signing
 *   decoded. A timestamp (epoch ms) more than 5 minutes old is refused, so a capture goes
 *   stale; one more than 5 minutes ahead too (a forged future time would stay valid).
 * - `hmac-sha1` / `hmac-sha256` (Segment's `X-Signature`, Clearbit's `X-Request-Signature:
 *   sha1=…`, TheirStack's `X-TheirStack-Signature-256: sha256=…`): the HMAC of the raw body,
 *   hex (or base64), after the mapping's `prefix`. These sign no time: the gateway keeps a
 *   replay cache on the vendor's event ids instead.
 * - `bearer` (`Authorization: Bearer <token>`) and `basic` (`Authorization: Basic
 *   base64(user:password)`, the variable holding `user:password`) for vendors that sign
 *   nothing.
 *
 * - `salesforce-org` (Salesforce outbound messages, which sign nothing): the envelope's
 *   `OrganizationId` must be one of the configured org ids (the variable holds them); pair it
 *   with TLS and Salesforce's client certificate at the proxy. The id is inside the body, so
 *   this one is checked right after the XML is read, before anything is mapped.
 *
 * Several secrets (comma-separated in the variable) are tried in turn, so one can rotate.
 * Comparisons are constant-time. Throws nothing: returns the refusal with a code and a reason.
 */
export type AuthRefusal = { ok: false; code: "UNAUTHENTICATED" | "BAD_SIGNATURE" | "SIGNATURE_EXPIRED" | "BAD_TOKEN"; message: string };
export type AuthResult = { ok: true; signedAt?: Date | undefined; signed: boolean } | AuthRefusal;

export interface AuthRequest {
  method: string;
  /** The URL as the vendor called it (`https://icp.example.com/v1/sources/hubspot?x=1`). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The parsed body: only `salesforce-org` needs it (the organization id is inside the SOAP envelope). */
  payload?: unknown;
}

/** HubSpot v3: how far the request timestamp may be from now. */
export const HUBSPOT_MAX_AGE_MS = 5 * 60 * 1000;

const equal = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);
const header = (headers: AuthRequest["headers"], name: string): string | undefined => {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
};

/** The characters HubSpot decodes in the URI before it signs (its v3 validation guide). */
const HUBSPOT_DECODED: Record<string, string> = { "%3A": ":", "%2F": "/", "%3F": "?", "%40": "@", "%21": "!", "%24": "$", "%27": "'", "%28": "(", "%29": ")", "%2A": "*", "%2C": ",", "%3B": ";" };
export function hubspotUri(url: string): string {
  return url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => HUBSPOT_DECODED[m.toUpperCase()] ?? m);
}

/** What HubSpot signs; exported so tests and `icp sources test` sign as HubSpot does. */
export function hubspotV3Signature(secret: string, method: string, url: string, body: Buffer | string, timestampMs: string): string {
  return createHmac("sha256", secret).update(`${method.toUpperCase()}${hubspotUri(url)}`).update(body).update(timestampMs).digest("base64");
}

/** A body signature as the vendor sends it: prefix + digest. */
export function bodySignature(auth: Pick<SourceAuth, "scheme" | "prefix" | "encoding">, secret: string, body: Buffer | string): string {
  const algorithm = auth.scheme === "hmac-sha1" ? "sha1" : "sha256";
  return `${auth.prefix}${createHmac(algorithm, secret).update(body).digest(auth.encoding)}`;
}

export function verifyVendorAuth(auth: SourceAuth, secrets: readonly string[], request: AuthRequest, now: Date): AuthResult {
  switch (auth.scheme) {
    case "hubspot-v3": {
      const signature = header(request.headers, "x-hubspot-signature-v3");
      const timestamp = header(request.headers, "x-hubspot-request-timestamp");
      if (signature === undefined || timestamp === undefined) return { ok: false, code: "UNAUTHENTICATED", message: "expected X-HubSpot-Signature-v3 and X-HubSpot-Request-Timestamp (HubSpot webhooks v3)" };
      if (!/^\d{10,16}$/.test(timestamp)) return { ok: false, code: "BAD_SIGNATURE", message: "X-HubSpot-Request-Timestamp is not epoch milliseconds" };
      const age = now.getTime() - Number(timestamp);
      if (Math.abs(age) > HUBSPOT_MAX_AGE_MS) return { ok: false, code: "SIGNATURE_EXPIRED", message: `the request was signed ${Math.round(age / 1000)} s ${age >= 0 ? "ago" : "ahead"}; HubSpot v3 requests are accepted within ${HUBSPOT_MAX_AGE_MS / 60_000} minutes` };
      const given = Buffer.from(signature.trim(), "base64");
      const match = secrets.some((secret) => equal(Buffer.from(hubspotV3Signature(secret, request.method, request.url, request.body, timestamp), "base64"), given));
      return match ? { ok: true, signed: true, signedAt: new Date(Number(timestamp)) } : { ok: false, code: "BAD_SIGNATURE", message: "X-HubSpot-Signature-v3 does not match the method, URI, body and timestamp signed with the app's client secret" };
    }
    case "hmac-sha1":
    case "hmac-sha256": {
      const name = auth.header ?? "x-signature";
      const signature = header(request.headers, name);
      if (signature === undefined) {
        return auth.optional ? { ok: true, signed: false } : { ok: false, code: "UNAUTHENTICATED", message: `expected ${name}: ${auth.prefix}<${auth.encoding} HMAC-${auth.scheme === "hmac-sha1" ? "SHA1" : "SHA256"} of the body>` };
      }
      const given = Buffer.from(signature.trim());
      const match = secrets.some((secret) => equal(Buffer.from(bodySignature(auth, secret, request.body)), given));
      return match ? { ok: true, signed: true } : { ok: false, code: "BAD_SIGNATURE", message: `${name} does not match the body signed with the source's secret` };
    }
    case "bearer":
    case "basic": {
      const authorization = header(request.headers, "authorization");
      const scheme = auth.scheme === "bearer" ? "Bearer" : "Basic";
      if (authorization === undefined || !authorization.toLowerCase().startsWith(`${scheme.toLowerCase()} `)) return { ok: false, code: "UNAUTHENTICATED", message: `expected Authorization: ${scheme} …` };
      const given = authorization.slice(scheme.length + 1).trim();
      const credential = auth.scheme === "bearer" ? given : Buffer.from(given, "base64").toString("utf8");
      const match = secrets.some((secret) => equal(Buffer.from(secret), Buffer.from(credential)));
      return match ? { ok: true, signed: false } : { ok: false, code: "BAD_TOKEN", message: `the ${auth.scheme} credential is not valid` };
    }
    case "salesforce-org": {
      const org = (request.payload as { Envelope?: { Body?: { notifications?: { OrganizationId?: unknown } } } } | undefined)?.Envelope?.Body?.notifications?.OrganizationId;
      if (typeof org !== "string") return { ok: false, code: "UNAUTHENTICATED", message: "expected a Salesforce outbound message (soapenv:Envelope/Body/notifications/OrganizationId)" };
      // Salesforce writes 18-character ids; a 15-character configured id matches its first 15.
      const match = secrets.some((secret) => (secret.length === 15 ? org.slice(0, 15) : org) === secret);
      return match ? { ok: true, signed: false } : { ok: false, code: "BAD_TOKEN", message: `organization ${org.slice(0, 18)} is not one this source accepts` };
    }
  }
}
