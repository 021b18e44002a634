import fc from "fast-check";
import { stringify } from "csv-stringify/sync";
import { describe, expect, it } from "vitest";
import { ACCOUNT_COLUMNS } from "./columns.js";
import { formatIssue } from "./issues.js";
import { parseMapping } from "./mapping.js";
import { parseAccounts, parseSignals } from "./parse.js";

const csv = (lines: string[]) => `${lines.join("\n")}\n`;

describe("parseAccounts", () => {
  it("reads the documented CSV columns into a profile", () => {
    const { items, rejects, warnings } = parseAccounts(
      csv([
        "domain,name,industry,employee_count,revenue_usd,country,business_model,funding_stage,technologies,competitors,buying_roles,champion_identified,hiring_freeze,lost_on_price_at",
        'https://www.Acme.com/about,Acme,Computer Software,"1,200",$45M,us,B2B,Series B,Salesforce:crm;Gong,Legacyscore:entrenched:2027-06-30,Head of RevOps;VP Demand Gen,yes,no,2026-05-12',
      ]),
      { source: "accounts.csv", format: "csv" },
    );
    expect(rejects).toEqual([]);
    expect(warnings).toEqual([]);
    expect(items[0]).toMatchObject({
      accountKey: "acme.com",
      name: "Acme",
      firmographics: { industry: "Computer Software", employeeCount: 1200, revenueUsd: 45_000_000, country: "US", businessModel: "b2b", fundingStage: "series_b" },
      technographics: { technologies: [{ name: "Salesforce", category: "crm" }, { name: "Gong" }], competitorContracts: [{ vendor: "Legacyscore", strength: "entrenched", contractEndsAt: "2027-06-30" }] },
      organisational: { buyingRolesPresent: ["Head of RevOps", "VP Demand Gen"], championIdentified: true },
      antiIcp: { hiringFreeze: false, lostOnPriceAt: "2026-05-12T00:00:00Z" },
    });
  });

  it("rejects only rows without a usable domain; a value not understood is left unknown and the account scored", () => {
    const result = parseAccounts(csv(["domain,employee_count,funding_stage", "good.com,10,", "bad.com,fifty-ish,", "not a domain,5,", "worse.com,5,series z", "good.com,11,"]), { source: "accounts.csv", format: "csv" });
    expect(result.items.map((a) => a.accountKey)).toEqual(["good.com", "bad.com", "worse.com"]);
    expect(result.rows).toBe(5);
    expect(result.rejects.map(formatIssue)).toEqual(['accounts.csv:4: domain: "not a domain" contains whitespace; skipped', "accounts.csv:6: account good.com was already read on line 2; skipped"]);
    expect(result.warnings.map(formatIssue)).toEqual([
      'accounts.csv:3: employee_count: value "fifty-ish" not understood (expected a whole number or a range such as 51-200); employeeCount left unknown',
      expect.stringMatching(/^accounts\.csv:5: funding_stage: value "series z" is not a known funding stage/),
    ]);
    expect(result.items[1]?.unknownAttributes).toEqual([{ attribute: "employeeCount", value: "fifty-ish", reason: "not understood (expected a whole number or a range such as 51-200)", column: "employee_count", at: "accounts.csv:3" }]);
  });

  it("counts an internationalized domain and its punycode spelling as one account", () => {
    const result = parseAccounts(csv(["domain", "münchen-werke.de", "xn--mnchen-werke-dlb.de"]), { source: "a.csv", format: "csv" });
    expect(result.items.map((a) => a.accountKey)).toEqual(["xn--mnchen-werke-dlb.de"]);
    expect(result.rejects).toEqual([expect.objectContaining({ line: 3, reason: "duplicate_account" })]);
  });

  it("says when a domain cell holds two domains", () => {
    const result = parseAccounts(csv(["domain", '"orbit.example;orbitgroup.example"']), { source: "a.csv", format: "csv" });
    expect(result.rejects).toEqual([expect.objectContaining({ reason: "several_domains", message: expect.stringContaining("holds 2 domains (orbit.example, orbitgroup.example)") })]);
  });

  it("reads NDJSON lines in the profile shape and in the flat column shape", () => {
    const text = [JSON.stringify({ accountKey: "WWW.Acme.com", firmographics: { employeeCount: 50, country: "Germany" } }), "", JSON.stringify({ domain: "globex.io", employee_count: 70 }), "{nope"].join("\n");
    const result = parseAccounts(text, { source: "a.ndjson", format: "ndjson" });
    expect(result.items.map((a) => [a.accountKey, a.firmographics.employeeCount, a.firmographics.country])).toEqual([
      ["acme.com", 50, undefined],
      ["globex.io", 70, undefined],
    ]);
    expect(result.warnings).toEqual([expect.objectContaining({ line: 1, column: "firmographics.country" })]);
    expect(result.rejects[0]).toMatchObject({ line: 4, reason: "unreadable_row", message: expect.stringContaining("not valid JSON") });
  });

  it("refuses a CSV with no column that names the account, listing the header", () => {
    expect(() => parseAccounts("company,size\nAcme,10\n", { source: "a.csv", format: "csv" })).toThrow('a.csv: no column names the account (expected one of domain, account_key, website, company_domain, domain_name, company_domain_name, website_url, company_website, url, or a mapping file); the header has "company", "size"');
  });

  it("reads our columns whatever their case and spacing: Employee Count is employee_count", () => {
    expect(parseAccounts("Domain,Employee Count,Revenue USD\nacme.com,51-200,$10M-$50M\n", { source: "a.csv", format: "csv" }).items[0]?.firmographics).toEqual({
      employeeRange: { min: 51, max: 200 },
      revenueRange: { minUsd: 10_000_000, maxUsd: 50_000_000 },
    });
  });

  it("rejects a NUL in a domain and refuses invalid UTF-8 bytes instead of guessing", () => {
    expect(parseAccounts("domain\nacme.com\u0000evil\n", { source: "a.csv", format: "csv" }).rejects).toEqual([expect.objectContaining({ reason: "invalid_domain", message: expect.stringContaining("control character") })]);
    expect(() => parseAccounts(new Uint8Array([0x64, 0x6f, 0x6d, 0x61, 0x69, 0x6e, 0x0a, 0xff, 0x2e, 0x63, 0x6f, 0x6d, 0x0a]), { source: "a.csv", format: "csv" })).toThrow(/not valid UTF-8/);
  });

  // The rule of issue 11, as a property: identity before attributes.
  it("never rejects a row with a valid, unique domain because of another column, whatever the other cells hold", () => {
    const attributeColumns = [...ACCOUNT_COLUMNS.keys()];
    const cell = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom("N/A", "-", "null", "Unknown", "n.a.", "", "12,5M", "€40M", "fifty-ish", "51-200", "$10M-$50M", "10,001+", "Series Z", "Narnia", "maybe", "2026-13-45", "a:b:c", ";;", '"', "\r\n", "=cmd|' /C calc'!A0"),
      fc.double().map(String),
    );
    fc.assert(
      fc.property(fc.subarray(attributeColumns), fc.array(fc.string({ minLength: 1, maxLength: 12 }), { maxLength: 3 }), fc.integer({ min: 1, max: 12 }), fc.infiniteStream(cell), fc.constantFrom(",", ";", "\t"), (columns, vendorColumns, count, cells, delimiter) => {
        const header = ["domain", ...columns, ...vendorColumns.map((v) => `x ${v}`)];
        const rows = Array.from({ length: count }, (_, i) => [`company-${i}.example`, ...header.slice(1).map(() => cells.next().value as string)]);
        const text = stringify([header, ...rows], { delimiter, quoted_match: /[\s\S]/ });
        const result = parseAccounts(text, { source: "p.csv", format: "csv", delimiter });
        expect(result.rejects).toEqual([]);
        expect(result.items.map((a) => a.accountKey)).toEqual(rows.map((r) => r[0]));
      }),
      { numRuns: 100 },
    );
  }, 60_000);
});

describe("parseSignals", () => {
  it("reads rows of several types from one file, coercing each type's fields", () => {
    const { items, rejects } = parseSignals(
      csv([
        "event_id,domain,type,occurred_at,source,round,amount_usd,topic,score,title,department",
        "e1,acme.com,funding_round,2026-10-01T08:00:00Z,crunchbase,Series B,25000000,,,,",
        "e2,acme.com,Intent Topic Surge,2026-10-20,bombora,,,Lead Scoring,72,,",
        "e3,www.acme.com,Job Posting,2026-10-21 09:30,linkedin,,,,,RevOps Manager,RevOps",
      ]),
      { source: "signals.csv", format: "csv" },
    );
    expect(rejects).toEqual([]);
    expect(items).toEqual([
      { type: "funding_round", eventId: "e1", accountKey: "acme.com", occurredAt: "2026-10-01T08:00:00Z", source: "crunchbase", round: "series_b", amountUsd: 25_000_000 },
      { type: "intent_topic_surge", eventId: "e2", accountKey: "acme.com", occurredAt: "2026-10-20T00:00:00Z", source: "bombora", topic: "Lead Scoring", score: 72 },
      { type: "job_posting", eventId: "e3", accountKey: "acme.com", occurredAt: "2026-10-21T09:30:00Z", source: "linkedin", title: "RevOps Manager", department: "revops" },
    ]);
  });

  it("derives the same event id for identical rows without one, so they count once", () => {
    const { items } = parseSignals(csv(["domain,type,occurred_at", "acme.com,demo_request,2026-10-01", "acme.com,demo_request,2026-10-01", "acme.com,demo_request,2026-10-02"]), { source: "s.csv", format: "csv" });
    expect(items[0]?.eventId).toMatch(/^derived-[0-9a-f]{24}$/);
    expect(items[1]?.eventId).toBe(items[0]?.eventId);
    expect(items[2]?.eventId).not.toBe(items[0]?.eventId);
  });

  it("rejects an unknown type, a bad date and an out-of-range required score with line, column and reason", () => {
    const result = parseSignals(
      csv(["event_id,domain,type,occurred_at,topic,score,source", "a,acme.com,tweet,2026-10-01,,,", "b,acme.com,demo_request,2026-13-01,,,", "c,acme.com,intent_topic_surge,2026-10-01,CRM,140,bombora"]),
      { source: "s.csv", format: "csv" },
    );
    expect(result.rejects.map((e) => [e.line, e.column, e.reason])).toEqual([
      [2, "type", "unknown_signal_type"],
      [3, "occurred_at", "invalid_field"],
      [4, "score", "invalid_field"],
    ]);
  });

  it("keeps a signal whose optional field is not understood, dropping the field with a warning", () => {
    const result = parseSignals(csv(["domain,type,occurred_at,title,department,seniority", "acme.com,job_posting,2026-10-01,Head of Growth,Astrology,Wizard"]), { source: "s.csv", format: "csv" });
    expect(result.items[0]).toMatchObject({ type: "job_posting", title: "Head of Growth" });
    expect(result.items[0]).not.toHaveProperty("department");
    expect(result.warnings.map((w) => [w.column, w.reason])).toEqual([
      ["department", "unknown_value"],
      ["seniority", "unknown_value"],
    ]);
  });

  it("records a required enum it does not know as other, keeping the signal", () => {
    const result = parseSignals(csv(["domain,type,occurred_at,department,open_roles", "acme.com,hiring_spike,2026-10-01,Astrology,12"]), { source: "s.csv", format: "csv" });
    expect(result.items[0]).toMatchObject({ type: "hiring_spike", department: "other", openRoles: 12 });
    expect(result.warnings[0]).toMatchObject({ reason: "unknown_value", message: expect.stringContaining("recorded as other") });
  });

  it("reads epoch milliseconds and a bad optional date drops only that field", () => {
    const result = parseSignals(csv(["domain,type,occurred_at", "acme.com,pricing_page_visit,1793093400000"]), { source: "s.csv", format: "csv" });
    expect(result.items[0]?.occurredAt).toBe("2026-10-27T09:30:00.000Z");
  });

  it("reads each signals file through its own mapping (a constant type and source)", () => {
    const g2 = parseMapping("name: G2\nkind: signals\ncolumns: { domain: Company Domain, occurred_at: Day, category: Category Name }\nconstants: { type: category_research, source: g2 }\n", "g2.yaml");
    const result = parseSignals("Day,Company Domain,Category Name\n2026-10-20,acme.com,Lead Scoring\n", { source: "g2.csv", format: "csv", mapping: g2 });
    expect(result.items[0]).toMatchObject({ type: "category_research", source: "g2", category: "Lead Scoring" });
  });
});

describe("future-dated signals", () => {
  const csv = "domain,type,occurred_at\nacme.com,demo_request,2026-11-01T12:00:00Z\nacme.com,demo_request,2062-11-01T00:00:00Z\nacme.com,demo_request,2026-11-01T23:00:00Z\n";
  const asOf = Date.parse("2026-11-01T00:00:00Z");

  it("rejects a signal dated more than the tolerance after the reference instant, naming its line, and keeps the rest", () => {
    const parsed = parseSignals(csv, { source: "signals.csv", format: "csv", futureDated: { referenceMs: asOf, toleranceMs: 24 * 3_600_000, reference: "the as-of instant" } });
    expect(parsed.items.map((s) => Date.parse(s.occurredAt))).toEqual([Date.parse("2026-11-01T12:00:00Z"), Date.parse("2026-11-01T23:00:00Z")]);
    expect(parsed.rejects).toEqual([
      expect.objectContaining({ line: 3, column: "occurred_at", reason: "future_dated", message: expect.stringContaining("13149 days after the as-of instant (2026-11-01T00:00:00.000Z); at most 24 hours ahead is accepted") }),
    ]);
    expect(parsed.rows).toBe(parsed.items.length + parsed.rejects.length);
  });

  it("accepts every date when no reference is given (the backtest scores each deal at its own instant)", () => {
    expect(parseSignals(csv, { source: "signals.csv", format: "csv" }).items).toHaveLength(3);
  });
});
