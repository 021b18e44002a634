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
    ["https://user:pw@app.acme.com/", "acme.com"],
    ["bücher.de", "xn--bcher-kva.de"],
    ["xn--bcher-kva.de", "xn--bcher-kva.de"],
    ["www.foo.co.uk", "foo.co.uk"],
    ["shop.foo.co.uk", "foo.co.uk"],
    ["www.www.acme.com", "acme.com"],
    ["WWW.WWW2.Acme.com", "acme.com"],
    ["acme.github.io", "acme.github.io"],
    ["https://www.linkedin.com/", "linkedin.com"],
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
    ["co.uk", "public suffix"],
    ["acme.com\u0000", "control character"],
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

  it.each([
    ["https://www.linkedin.com/company/first-co-example", "LinkedIn"],
    ["linkedin.com/company/acme", "LinkedIn"],
    ["https://www.facebook.com/acmeinc", "Facebook"],
    ["https://x.com/acme", "X (Twitter)"],
    ["https://twitter.com/acme", "X (Twitter)"],
    ["https://www.crunchbase.com/organization/acme", "Crunchbase"],
    ["https://app.apollo.io/#/companies/5f2a", "Apollo"],
  ])("never keys an account by a profile page: %j is a %s page", (input, site) => {
    const result = tryNormalizeAccountKey(input);
    expect(result).toMatchObject({ ok: false, code: "profile_url" });
    if (!result.ok) expect(result.reason).toContain(`a ${site} page`);
  });

  it.each(["acme.com;acme.io", "acme.com, globex.com", "acme.com globex.com", "acme.com|globex.com"])("says a cell holds two domains: %j", (input) => {
    expect(tryNormalizeAccountKey(input)).toMatchObject({ ok: false, code: "several_domains", reason: expect.stringContaining("holds 2 domains") });
  });

  it("keeps a query with commas in a URL as one domain", () => {
    expect(normalizeAccountKey("https://acme.com/pricing?utm=a,b")).toBe("acme.com");
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
    expect(AccountKey.safeParse("Acme.COM").error?.issues[0]?.message).toContain('normalizes to "acme.com"');
  });

  it("keeps reading a subdomain key written before keys were registrable domains, so a rebuild never dead-letters old events", () => {
    expect(AccountKey.parse("shop.acme.com")).toBe("shop.acme.com");
    expect(AccountKey.parse("xn--mnchen-3ya.de")).toBe("xn--mnchen-3ya.de");
    expect(normalizeAccountKey("shop.acme.com")).toBe("acme.com");
    expect(AccountKey.safeParse("10.0.0.1").success).toBe(false);
  });
});
