import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The console's access rule: one bearer token from the environment. API clients send
 * `Authorization: Bearer <token>`; a browser signs in once (POST /login) and holds a session
 * cookie whose value is an HMAC of the token — so the cookie opens the console while the token
 * runs, a new token closes every session, and the token never sits in the browser. Every
 * comparison is constant-time.
 */
export const SESSION_COOKIE = "icp_console";

export function sessionValue(token: string): string {
  return createHmac("sha256", token).update("icpstream-console-session-v1").digest("hex");
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function tokenMatches(candidate: string, token: string): boolean {
  return same(createHmac("sha256", "icpstream-console").update(candidate).digest("hex"), createHmac("sha256", "icpstream-console").update(token).digest("hex"));
}

/** The cookie header's session value, if any. */
export function sessionFromCookies(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === SESSION_COOKIE) return rest.join("=");
  }
  return undefined;
}

/** Whether a request carries the token (bearer) or a session made from it (cookie). */
export function isAuthorized(headers: { authorization?: string | undefined; cookie?: string | undefined }, token: string): boolean {
  const auth = headers.authorization;
  if (auth?.startsWith("Bearer ")) return tokenMatches(auth.slice("Bearer ".length).trim(), token);
  const session = sessionFromCookies(headers.cookie);
  return session !== undefined && same(session, sessionValue(token));
}
