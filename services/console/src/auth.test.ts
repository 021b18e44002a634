import { describe, expect, it } from "vitest";
import { isAuthorized, SESSION_COOKIE, sessionValue } from "./auth.js";

const TOKEN = "s3cret-console-token-0123";

describe("console access", () => {
  it("opens with the bearer token or a session cookie made from it, and with nothing else", () => {
    expect(isAuthorized({ authorization: `Bearer ${TOKEN}` }, TOKEN)).toBe(true);
    expect(isAuthorized({ cookie: `a=b; ${SESSION_COOKIE}=${sessionValue(TOKEN)}` }, TOKEN)).toBe(true);
    expect(isAuthorized({ authorization: "Bearer wrong" }, TOKEN)).toBe(false);
    expect(isAuthorized({ cookie: `${SESSION_COOKIE}=${TOKEN}` }, TOKEN)).toBe(false);
    expect(isAuthorized({ cookie: `${SESSION_COOKIE}=${sessionValue("another-token-0123456")}` }, TOKEN)).toBe(false);
    expect(isAuthorized({}, TOKEN)).toBe(false);
  });
});
