import { describe, expect, it } from "vitest";
import { AccountKey, normalizeAccountKey, tryNormalizeAccountKey } from "./account-key.js";
import { ScoringError } from "../errors.js";

describe("normalizeAccountKey", () => {
  it.each([
    ["https://www.Acme.com/about", "acme.com"],
    ["acme.com", "acme.com"],
    ["  ACME.COM.  ", "acme.com"],
    ["http://acme.co.uk:8080/pricing?utm=x#top", "acme.co.uk"],
    ["www2.acme.io", "acme.io"],
    ["jane.doe@Acme.com", "acme.com"],
    ["https://user:pw@app.acme.com/", "app.acme.com"],
    ["bücher.de", "xn--bcher-kva.de"],
  ])("turns %j into %j", (input, expected) => {
    expect(normalizeAccountKey(input)).toBe(expected);
  });

  it.each([
    ["", "empty domain"],
    ["acme", "no top-level domain"],
    ["acme .com", "whitespace"],
    ["ftp://acme.com", "not a web address"],
    ["192.168.0.1", "IP address"],
    ["http://[::1]/", "IP address"],
    ["-acme.com", "invalid label"],
    ["acme.c0m", "invalid top-level domain"],
    ["acme..com", "empty label"],
    ["http://acme.com:99999/", "not a valid domain"],
  ])("rejects %j with a reason mentioning %j", (input, reason) => {
    const result = tryNormalizeAccountKey(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it("throws a ScoringError with code INVALID_ACCOUNT_KEY for an invalid domain", () => {
    expect(() => normalizeAccountKey("localhost")).toThrow(ScoringError);
    try {
      normalizeAccountKey("localhost");
    } catch (error) {
      expect((error as ScoringError).code).toBe("INVALID_ACCOUNT_KEY");
    }
  });

  it("is idempotent on every key it produces", () => {
    for (const input of ["https://www.Acme.com/about", "jane@sub.Example.org", "bücher.de"]) {
      const key = normalizeAccountKey(input);
      expect(normalizeAccountKey(key)).toBe(key);
    }
  });
});

describe("the AccountKey schema", () => {
  it("accepts a normalized domain", () => {
    expect(AccountKey.parse("acme.com")).toBe("acme.com");
  });

  it("rejects a domain that is valid but not normalized, naming the normalized form", () => {
    const result = AccountKey.safeParse("www.acme.com");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('normalizes to "acme.com"');
  });
});
