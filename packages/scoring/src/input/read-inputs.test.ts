import { describe, expect, it } from "vitest";
import { parseMapping } from "./mapping.js";
import { parseAccounts, parseSignals } from "./read-inputs.js";
import { formatRowError } from "./records.js";

const csv = (lines: string[]) => `${lines.join("\n")}\n`;

describe("parseAccounts", () => {
  it("reads the documented CSV columns into a profile", () => {
    const { items, rejected } = parseAccounts(
      csv([
        "domain,name,industry,employee_count,revenue_usd,country,business_model,funding_stage,technologies,competitors,buying_roles,champion_identified,hiring_freeze,lost_on_price_at",
        'https://www.Acme.com/about,Acme,Computer Software,"1,200",$45M,us,B2B,Series B,Salesforce:crm;Gong,Legacyscore:entrenched:2027-06-30,Head of RevOps;VP Demand Gen,yes,no,2026-05-12',
      ]),
      { source: "accounts.csv", format: "csv" },
    );
    expect(rejected).toEqual([]);
    expect(items[0]).toMatchObject({
      accountKey: "acme.com",
      name: "Acme",
      firmographics: { industry: "Computer Software", employeeCount: 1200, revenueUsd: 45_000_000, country: "US", businessModel: "b2b", fundingStage: "series_b" },
      technographics: { technologies: [{ name: "Salesforce", category: "crm" }, { name: "Gong" }], competitorContracts: [{ vendor: "Legacyscore", strength: "entrenched", contractEndsAt: "2027-06-30" }] },
      organisational: { buyingRolesPresent: ["Head of RevOps", "VP Demand Gen"], championIdentified: true },
      antiIcp: { hiringFreeze: false, lostOnPriceAt: "2026-05-12T00:00:00Z" },
    });
  });

  it("rejects bad rows with file, line and field, and keeps the others", () => {
    const result = parseAccounts(
      csv(["domain,employee_count,funding_stage", "good.com,10,", "bad.com,lots,", "not a domain,5,", "worse.com,5,series z", "good.com,11,"]),
      { source: "accounts.csv", format: "csv" },
    );
    expect(result.items.map((a) => a.accountKey)).toEqual(["good.com"]);
    expect(result.rows).toBe(5);
    expect(result.rejected.map(formatRowError)).toEqual([
      'accounts.csv:3: employee_count: expected a whole number, got "lots"',
      'accounts.csv:4: domain: "not a domain" contains whitespace',
      expect.stringMatching(/^accounts\.csv:5: funding_stage: .*got "series_z"$/),
      "accounts.csv:6: domain: duplicate account good.com (first on line 2)",
    ]);
  });

  it("reads NDJSON lines in the profile shape and in the flat column shape", () => {
    const text = [JSON.stringify({ accountKey: "WWW.Acme.com", firmographics: { employeeCount: 50 } }), "", JSON.stringify({ domain: "globex.io", employee_count: 70 }), "{nope"].join("\n");
    const result = parseAccounts(text, { source: "a.ndjson", format: "ndjson" });
    expect(result.items.map((a) => [a.accountKey, a.firmographics.employeeCount])).toEqual([
      ["acme.com", 50],
      ["globex.io", 70],
    ]);
    expect(result.rejected[0]).toMatchObject({ line: 4, message: expect.stringContaining("not valid JSON") });
  });

  it("reads an Apollo export through a mapping file", () => {
    const mapping = parseMapping(
      ["name: Apollo", "kind: accounts", "columns:", "  domain: Website", "  employee_count: '# Employees'", "  country: Company Country", "  technologies: Technologies", "split:", '  technologies: ","', "values:", "  country: { United States: US }"].join("\n"),
      "apollo.yaml",
    );
    const result = parseAccounts(csv(["Company,# Employees,Website,Company Country,Technologies", 'Acme,420,http://www.acme.com,United States,"Salesforce, Gong"']), { source: "export.csv", format: "csv", mapping });
    expect(result.items[0]).toMatchObject({ accountKey: "acme.com", firmographics: { employeeCount: 420, country: "US" }, technographics: { technologies: [{ name: "Salesforce" }, { name: "Gong" }] } });
  });

  it("rejects a mapping file with the path of the problem", () => {
    expect(() => parseMapping("name: x\nkind: contacts\ncolumns: {}\n", "m.yaml")).toThrow(/m\.yaml: kind: expected one of accounts, signals, got "contacts"/);
  });
});

describe("parseSignals", () => {
  it("reads rows of several types from one file, coercing each type's fields", () => {
    const { items, rejected } = parseSignals(
      csv([
        "event_id,domain,type,occurred_at,source,round,amount_usd,topic,score,title,department",
        "e1,acme.com,funding_round,2026-10-01T08:00:00Z,crunchbase,Series B,25000000,,,,",
        "e2,acme.com,intent_topic_surge,2026-10-20,bombora,,,Lead Scoring,72,,",
        "e3,www.acme.com,job_posting,2026-10-21 09:30,linkedin,,,,,RevOps Manager,RevOps",
      ]),
      { source: "signals.csv", format: "csv" },
    );
    expect(rejected).toEqual([]);
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

  it("rejects an unknown type, a bad date and an out-of-range score with line and field", () => {
    const result = parseSignals(
      csv(["event_id,domain,type,occurred_at,topic,score,source", "a,acme.com,tweet,2026-10-01,,,", "b,acme.com,demo_request,2026-13-01,,,", "c,acme.com,intent_topic_surge,2026-10-01,CRM,140,bombora"]),
      { source: "s.csv", format: "csv" },
    );
    expect(result.rejected.map((e) => [e.line, e.field])).toEqual([
      [2, "type"],
      [3, "occurred_at"],
      [4, "score"],
    ]);
  });
});
