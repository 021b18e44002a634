import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { describeProfileInputs, parseRubric, scoreBatch } from "@icpstream/scoring";
import { formatIssue } from "./issues.js";
import { parseMapping } from "./mapping.js";
import { parseAccounts, parseSignals } from "./parse.js";
import type { ImportOptions } from "./parse.js";

// The failing inputs reported with issue 11 (fixtures/cases/README.md says what a user
// expects of each); every expectation there is a test here.
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..", "..", "..");
const file = (name: string) => readFileSync(join(HERE, "..", "fixtures", "cases", name));
const mapping = (name: string) => parseMapping(readFileSync(join(ROOT, "examples", "mappings", name), "utf8"), name);
const accounts = (name: string, options: Partial<ImportOptions> = {}) => parseAccounts(file(name), { source: name, format: name.endsWith(".ndjson") ? "ndjson" : "csv", ...options });
const signals = (name: string) => parseSignals(file(name), { source: name, format: "csv" });
const rubric = parseRubric(readFileSync(join(ROOT, "rubrics", "enterprise.yaml"), "utf8"), "rubrics/enterprise.yaml");

describe("the reported export cases", () => {
  it("employee-range.csv: 11-50 is a range, scored by its midpoint, and explain says so", () => {
    const r = accounts("employee-range.csv");
    expect(r.rejects).toEqual([]);
    expect(r.items[0]?.firmographics.employeeRange).toEqual({ min: 11, max: 50 });
    expect(describeProfileInputs(r.items[0]!)).toEqual(["employee count given as a range: 11–50 (midpoint 31 used); rubric bands match that value"]);
    const score = scoreBatch({ profiles: r.items, signals: [], rubric, asOf: "2026-11-01T00:00:00Z" }).rankings[0]?.ranked[0];
    expect(score?.fit.excluded).toBe(false);
  });

  it("revenue-formats.csv: every row scored; €40M leaves revenue unknown with the currency named", () => {
    const r = accounts("revenue-formats.csv");
    expect(r.items).toHaveLength(10);
    expect(r.rejects).toEqual([]);
    const revenue = Object.fromEntries(r.items.map((a) => [a.accountKey, a.firmographics.revenueUsd ?? a.firmographics.revenueRange ?? null]));
    expect(revenue).toEqual({
      "rev-a.example": { minUsd: 10_000_000, maxUsd: 25_000_000 },
      "rev-b.example": { minUsd: 10_000_000, maxUsd: 50_000_000 },
      "rev-c.example": { minUsd: 10_000_000, maxUsd: 50_000_000 },
      "rev-d.example": { minUsd: 1_000_000_000 },
      "rev-e.example": 48_000_000,
      "rev-f.example": 48_000_000,
      "rev-g.example": 6_900_000_000,
      "rev-h.example": { minUsd: 25_000_000, maxUsd: 50_000_000 },
      "rev-i.example": 48_000_000,
      "rev-j.example": null,
    });
    expect(r.warnings.map(formatIssue)).toEqual(['revenue-formats.csv:11: revenue_usd: value "€40M" is in EUR; amounts are read in US dollars only (no exchange rate is applied); revenueUsd left unknown']);
  });

  it("apollo-funding-stage.csv: Venture (Round not Specified) is an unknown venture round, not a rejected company", () => {
    const r = accounts("apollo-funding-stage.csv", { mapping: mapping("apollo-accounts.yaml") });
    expect(r.rejects).toEqual([]);
    expect(r.items[0]).toMatchObject({ accountKey: "sakura-cloud.example", name: "Sakura Cloud KK", firmographics: { fundingStage: "venture_unknown" } });
  });

  it("decimal-comma.csv: 12,5M is never 125 million: refused as ambiguous, 12.5 million with --decimal-comma", () => {
    const plain = accounts("decimal-comma.csv");
    expect(plain.items[0]?.firmographics.revenueUsd).toBeUndefined();
    expect(plain.warnings).toEqual([expect.objectContaining({ line: 2, column: "revenue_usd", value: "12,5M", reason: "decimal_comma" })]);
    expect(accounts("decimal-comma.csv", { decimalComma: true }).items[0]?.firmographics.revenueUsd).toBe(12_500_000);
  });

  it("semicolon-separated.csv: ; detected, the quoted name with a ; kept whole, both rows scored", () => {
    const r = accounts("semicolon-separated.csv");
    expect(r.delimiter).toBe(";");
    expect(r.items.map((a) => [a.accountKey, a.name, a.firmographics.employeeCount])).toEqual([
      ["semi-a.example", "Semikolon GmbH", 420],
      ["semi-b.example", "Müller; Partner AG", 180],
    ]);
    expect(accounts("semicolon-separated.csv", { delimiter: ";" }).items).toHaveLength(2);
  });

  it("salesforce-offset-signals.csv: 2026-10-27T09:30:00.000+0000 is a valid instant", () => {
    const r = signals("salesforce-offset-signals.csv");
    expect(r.rejects).toEqual([]);
    expect(r.items[0]).toMatchObject({ eventId: "sf1", accountKey: "hire.example", type: "pricing_page_visit", occurredAt: "2026-10-27T09:30:00.000Z" });
  });

  it("linkedin-url-as-website.csv: a LinkedIn company URL is never the account linkedin.com; both rows refused with that reason", () => {
    const r = accounts("linkedin-url-as-website.csv");
    expect(r.items).toEqual([]);
    expect(r.rejects.map((x) => [x.line, x.reason, x.column])).toEqual([
      [2, "profile_url", "website"],
      [3, "profile_url", "website"],
    ]);
    expect(r.rejects[0]?.message).toContain("is a LinkedIn page, not the company's own website");
  });

  it("crlf-in-cell-line-numbers.csv: the N/A row is scored with size unknown, and the message names line 4", () => {
    const r = accounts("crlf-in-cell-line-numbers.csv");
    expect(r.items.map((a) => a.accountKey)).toEqual(["a1.example", "na-d.example"]);
    expect(r.lines).toEqual([2, 4]);
    expect(r.warnings.map(formatIssue)).toEqual(['crlf-in-cell-line-numbers.csv:4: employee_count: value "N/A" is a placeholder; employeeCount left unknown']);
    expect(describeProfileInputs(r.items[1]!)).toEqual(['employee count unknown (value "N/A" is a placeholder)  [column "employee_count", crlf-in-cell-line-numbers.csv:4]']);
  });

  it("hubspot-companies-export.csv: all 7 companies scored, countries understood, the domain found in Website URL when the domain column is empty", () => {
    const r = accounts("hubspot-companies-export.csv", { mapping: mapping("hubspot-companies.yaml") });
    expect(r.rejects).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(Object.fromEntries(r.items.map((a) => [a.accountKey, a.firmographics.country]))).toEqual({
      "northgate-systems.example": "US",
      "fjordline.example": "NO",
      "crownfield.example": "GB",
      "atlasmetrics.example": "US",
      "weber-soehne.example": "DE",
      "quillstone.example": "US",
      "orbitgroup.example": "US",
    });
  });

  it("hubspot-header-casing.csv: headers differing from the mapping only in case still match; both rows scored", () => {
    const r = accounts("hubspot-header-casing.csv", { mapping: mapping("hubspot-companies.yaml") });
    expect(r.rejects).toEqual([]);
    expect(r.items.map((a) => [a.accountKey, a.firmographics.employeeCount, a.firmographics.country])).toEqual([
      ["northgate-systems.example", 420, "US"],
      ["crownfield.example", 250, "GB"],
    ]);
  });

  it("bom.ndjson: the UTF-8 byte-order mark is ignored; both records scored", () => {
    const r = accounts("bom.ndjson");
    expect(r.rejects).toEqual([]);
    expect(r.items.map((a) => a.accountKey)).toEqual(["bom-a.example", "bom-b.example"]);
  });

  it("jobposting-department.csv: Revenue Operations is the revops department and the job posting counts", () => {
    const r = signals("jobposting-department.csv");
    expect(r.items[0]).toMatchObject({ type: "job_posting", department: "revops", title: "Revenue Operations Manager" });
    const profiles = accounts("hire-account.csv").items;
    const score = scoreBatch({ profiles, signals: r.items, rubric, asOf: "2026-11-01T00:00:00Z" }).rankings[0]?.ranked[0];
    expect(score?.timing.contributions.flatMap((c) => c.evidence.map((e) => e.eventId))).toContain("j1");
  });
});
