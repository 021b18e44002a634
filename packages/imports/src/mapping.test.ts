import { describe, expect, it } from "vitest";
import { ScoringError } from "@icpstream/scoring";
import { bindHeader, localeUsesDecimalComma, parseMapping } from "./mapping.js";
import { parseAccounts } from "./parse.js";

const yaml = (lines: string[]) => `${lines.join("\n")}\n`;
function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ScoringError);
    return [...(error as ScoringError).problems];
  }
  throw new Error("expected a ScoringError");
}

describe("mapping files", () => {
  it("matches their headers ignoring case and surrounding or repeated spaces", () => {
    const mapping = parseMapping(yaml(["name: Vendor", "kind: accounts", "columns:", "  domain: Company Domain Name", "  employee_count: Number of Employees"]), "m.yaml");
    const r = parseAccounts("  company   DOMAIN name ,number of employees\nacme.example,420\n", { source: "e.csv", format: "csv", mapping });
    expect(r.items[0]).toMatchObject({ accountKey: "acme.example", firmographics: { employeeCount: 420 } });
  });

  it("names a mapped header the file lacks, with the closest headers present, instead of scoring on silent unknowns", () => {
    const mapping = parseMapping(yaml(["name: Vendor", "kind: accounts", "columns:", "  domain: Website", "  employee_count: '# Employees'"]), "m.yaml");
    expect(problemsOf(() => bindHeader(["Website", "Employees", "Country"], "accounts", mapping, "e.csv"))).toEqual(['e.csv: the mapping m.yaml reads "# Employees" (for employee_count) but the file has no such header; closest: "Employees", "Website", "Country"']);
  });

  it("takes the domain from the next header of a list when the first is empty", () => {
    const mapping = parseMapping(yaml(["name: HubSpot", "kind: accounts", "columns:", "  domain: [Company Domain Name, Website URL]"]), "m.yaml");
    const r = parseAccounts("Company Domain Name,Website URL\n,https://www.acme.example/about\nglobex.example,\n", { source: "e.csv", format: "csv", mapping });
    expect(r.items.map((a) => a.accountKey)).toEqual(["acme.example", "globex.example"]);
  });

  it("falls back to another website column when the first holds a profile URL, and says so", () => {
    const mapping = parseMapping(yaml(["name: X", "kind: accounts", "columns:", "  domain: [Website, Company Website]"]), "m.yaml");
    const r = parseAccounts("Website,Company Website\nhttps://www.linkedin.com/company/acme,acme.example\n", { source: "e.csv", format: "csv", mapping });
    expect(r.items[0]?.accountKey).toBe("acme.example");
    expect(r.warnings).toEqual([expect.objectContaining({ reason: "domain_fallback", column: "Website" })]);
  });

  it("refuses split on a column that is not a list, and a column icpstream does not read", () => {
    expect(problemsOf(() => parseMapping(yaml(["name: X", "kind: accounts", "columns:", "  domain: Website", "  employee_count: Size", "split:", "  employee_count: ','"]), "m.yaml"))).toEqual([
      "m.yaml: split.employee_count: employee_count is not a list column (lists: technologies, competitors, buying_roles)",
    ]);
    expect(problemsOf(() => parseMapping(yaml(["name: X", "kind: accounts", "columns:", "  domain: Website", "  employes_count: Size"]), "m.yaml"))[0]).toContain("did you mean employee_count?");
  });

  it("rejects a mapping file with the path of the problem", () => {
    expect(() => parseMapping("name: x\nkind: people\ncolumns: { domain: Website }\n", "m.yaml")).toThrow(/m\.yaml: kind: expected one of accounts, signals, outcomes, contacts, snapshots, got "people"/);
  });

  it("works with columns named constructor and __proto__ (a prototype-pollution attempt in a mapping)", () => {
    const mapping = parseMapping(yaml(["name: X", "kind: accounts", "columns:", "  domain: constructor", "  name: __proto__", "  industry: toString", "values:", "  industry: { __proto__: Software, constructor: SaaS }"]), "m.yaml");
    const r = parseAccounts("constructor,__proto__,toString\nacme.example,Acme,constructor\nglobex.example,,hasOwnProperty\n", { source: "e.csv", format: "csv", mapping });
    expect(r.rejects).toEqual([]);
    expect(r.items.map((a) => [a.accountKey, a.name, a.firmographics.industry])).toEqual([
      ["acme.example", "Acme", "SaaS"],
      ["globex.example", undefined, "hasOwnProperty"],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("reads numbers with a decimal comma when the mapping's locale writes them so", () => {
    expect(localeUsesDecimalComma("de-DE")).toBe(true);
    expect(localeUsesDecimalComma("en-US")).toBe(false);
    const mapping = parseMapping(yaml(["name: DE export", "kind: accounts", "locale: de-DE", "columns:", "  domain: Website", "  revenue_usd: Umsatz"]), "m.yaml");
    expect(parseAccounts("Website;Umsatz\nacme.example;12,5M\n", { source: "e.csv", format: "csv", mapping }).items[0]?.firmographics.revenueUsd).toBe(12_500_000);
  });

  it("reads the custom attributes a mapping declares onto the profile, categorical as text and numeric as numbers", () => {
    const mapping = parseMapping(yaml(["name: CRM", "kind: accounts", "columns:", "  domain: Website", "attributes:", "  lead_source: { column: Lead Source, type: categorical }", "  seats: { column: [Seats, Licensed Seats], type: numeric }"]), "m.yaml");
    const r = parseAccounts("Website,Lead Source,Licensed Seats\nacme.example, Partner ,\"1,200\"\nglobex.example,,12k\n", { source: "e.csv", format: "csv", mapping });
    expect(r.items.map((a) => [a.accountKey, a.custom])).toEqual([
      ["acme.example", { lead_source: "Partner", seats: 1200 }],
      ["globex.example", { seats: 12_000 }],
    ]);
    expect(r.warnings).toEqual([]);
  });

  it("leaves a custom attribute it cannot read unknown, with a warning and a note that explain shows, and keeps the account", () => {
    const mapping = parseMapping(yaml(["name: CRM", "kind: accounts", "columns:", "  domain: Website", "attributes:", "  seats: { column: Seats, type: numeric }"]), "m.yaml");
    const r = parseAccounts("Website,Seats\nacme.example,lots\nglobex.example,N/A\n", { source: "e.csv", format: "csv", mapping });
    expect(r.rejects).toEqual([]);
    expect(r.items.map((a) => a.custom)).toEqual([undefined, undefined]);
    expect(r.warnings[0]).toMatchObject({ source: "e.csv", line: 2, column: "Seats", value: "lots" });
    expect(r.warnings[0]?.message).toContain("seats left unknown");
    expect(r.items[0]?.unknownAttributes).toEqual([expect.objectContaining({ attribute: "seats", value: "lots", column: "Seats", at: "e.csv:2" })]);
  });

  it("scores a file without a custom attribute's column, the attribute unknown for every account", () => {
    const mapping = parseMapping(yaml(["name: CRM", "kind: accounts", "columns:", "  domain: Website", "  industry: Industry", "attributes:", "  plan: { column: Plan, type: categorical }"]), "m.yaml");
    const r = parseAccounts("Website,Industry\nacme.example,Software\n", { source: "e.csv", format: "csv", mapping });
    expect(r.items).toHaveLength(1);
    expect(r.items[0]?.custom).toBeUndefined();
    expect(r.warnings).toEqual([expect.objectContaining({ line: 1, column: "Plan", reason: "missing_column", message: expect.stringContaining("for custom attribute plan, which this file does not have") })]);
  });

  it("refuses a custom attribute declared badly, with the path of each problem", () => {
    const problems = problemsOf(() =>
      parseMapping(yaml(["name: CRM", "kind: accounts", "columns:", "  domain: Website", "attributes:", "  Lead Source: { column: Lead Source, type: categorical }", "  plan: { column: Plan, type: text }", "  industry: { column: Sector, type: categorical }", "  seats: { type: numeric, unit: seats }"]), "m.yaml"),
    );
    expect(problems).toEqual([
      "m.yaml: attributes.Lead Source: expected an attribute name in snake_case (lead_source)",
      'm.yaml: attributes.plan.type: expected categorical or numeric, got "text"',
      'm.yaml: attributes.industry: "industry" is a built-in column; map it under columns',
      "m.yaml: attributes.seats.column: expected their header, or a list of headers tried in order",
      "m.yaml: attributes.seats.unit: unknown key (expected column, type)",
    ]);
    expect(problemsOf(() => parseMapping(yaml(["name: X", "kind: signals", "columns:", "  domain: Website", "attributes:", "  plan: { column: Plan, type: categorical }"]), "m.yaml"))).toContain("m.yaml: attributes: custom attributes are account columns; this mapping is for signals");
  });

  it("refuses a mapping with a YAML alias bomb, naming the file", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 12 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join("\n");
    expect(() => parseMapping(bomb, "bomb.yaml")).toThrow(/^bomb\.yaml: refused: its YAML aliases expand/);
  });

  it("refuses a mapping file larger than the size limit before parsing it", () => {
    expect(() => parseMapping(`name: x\n# ${"y".repeat(300 * 1024)}\n`, "huge.yaml")).toThrow(/^huge\.yaml: 300 KiB is more than a mapping file may hold \(256 KiB\)/);
  });
});
