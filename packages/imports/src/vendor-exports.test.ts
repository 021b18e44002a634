import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseRubric, scoreBatch } from "@icpstream/scoring";
import type { AccountProfile, Signal } from "@icpstream/scoring";
import { parseMapping } from "./mapping.js";
import { parseAccounts, parseSignals } from "./parse.js";
import type { Imported } from "./parse.js";

// One fixture per vendor export, with the vendor's header set and value formats (company
// names and domains invented), read through the mapping shipped in examples/mappings.
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..", "..", "..");
const fixture = (name: string) => readFileSync(join(HERE, "..", "fixtures", "vendors", name));
const mapping = (name: string) => parseMapping(readFileSync(join(ROOT, "examples", "mappings", name), "utf8"), `examples/mappings/${name}`);
const rubric = parseRubric(readFileSync(join(ROOT, "rubrics", "enterprise.yaml"), "utf8"), "rubrics/enterprise.yaml");

function accounts(file: string, map: string): Imported<AccountProfile> {
  return parseAccounts(fixture(file), { source: file, format: "csv", mapping: mapping(map) });
}
function signals(file: string, map: string): Imported<Signal> {
  return parseSignals(fixture(file), { source: file, format: "csv", mapping: mapping(map) });
}
const firmographicsOf = (r: Imported<AccountProfile>) => Object.fromEntries(r.items.map((a) => [a.accountKey, a.firmographics]));
const reasons = (r: Imported<unknown>) => r.rejects.map((x) => [x.line, x.reason]);

/** Every row read is scored or rejected with a reason, and every imported account gets a score. */
function expectAccountedFor(r: Imported<AccountProfile>) {
  expect(r.rows).toBe(r.items.length + r.rejects.length);
  for (const reject of r.rejects) expect(reject.message.length).toBeGreaterThan(0);
  const batch = scoreBatch({ profiles: r.items, signals: [], rubric, asOf: "2026-11-01T00:00:00Z" });
  expect(batch.rankings[0]?.ranked.length).toBe(r.items.length);
  return batch;
}

describe("vendor exports through their shipped mappings", () => {
  it("reads an Apollo companies export: Series E, Series J, venture and debt rounds, countries by name; a row without Website is rejected, not keyed by its LinkedIn URL", () => {
    const r = accounts("apollo-companies.csv", "apollo-accounts.yaml");
    expect(r.rows).toBe(6);
    expectAccountedFor(r);
    expect(reasons(r)).toEqual([[5, "no_domain"]]);
    expect(firmographicsOf(r)).toMatchObject({
      "lumenfield.example": { employeeCount: 420, revenueUsd: 48_000_000, country: "US", fundingStage: "series_e", industry: "computer software" },
      "kestrel-robotics.example": { employeeCount: 1300, revenueUsd: 210_000_000, country: "DE", fundingStage: "venture_unknown" },
      "birchway.example": { country: "GB", fundingStage: "debt" },
      "tidewater-freight.example": { country: "CA", fundingStage: "series_j" },
      "pinecrest.example": { fundingStage: "convertible_note" },
    });
    expect(r.items.find((a) => a.accountKey === "lumenfield.example")?.technographics.technologies.map((t) => t.name)).toEqual(["Salesforce", "Outreach", "Gong", "Snowflake"]);
    expect(r.warnings).toEqual([expect.objectContaining({ line: 7, column: "Company Country", value: "Narnia", reason: "not_understood" })]);
  });

  it("gives a Series E account the points a rubric grants series_d_plus", () => {
    const r = accounts("apollo-companies.csv", "apollo-accounts.yaml");
    const lumenfield = expectAccountedFor(r).rankings[0]?.ranked.find((s) => s.accountKey === "lumenfield.example");
    expect(lumenfield?.fit.contributions.find((c) => c.rule === "firmographics.fundingStage")?.points).toBe(3);
  });

  it("reads a HubSpot companies export: USA, Norway, Deutschland and UK understood, the domain from Website URL when Company Domain Name is empty, placeholders left unknown", () => {
    const r = accounts("hubspot-companies.csv", "hubspot-companies.yaml");
    expect(r.rows).toBe(5);
    expectAccountedFor(r);
    expect(reasons(r)).toEqual([[5, "no_domain"]]);
    expect(firmographicsOf(r)).toMatchObject({
      "harborline.example": { country: "US", employeeCount: 2600, revenueUsd: 310_000_000 },
      "nordvik-data.example": { country: "NO", employeeCount: 140 },
      "gruenwald-logistik.example": { country: "DE" },
      "marlowe-finch.example": { country: "GB", employeeCount: 55, revenueUsd: 6_500_000 },
    });
    expect(r.items.find((a) => a.accountKey === "gruenwald-logistik.example")?.unknownAttributes?.map((n) => [n.attribute, n.value, n.reason])).toEqual([
      ["employeeCount", "N/A", "is a placeholder"],
      ["revenueUsd", "-", "is a placeholder"],
    ]);
  });

  it("reads a Clay companies export by its real headers: LinkedIn-style size ranges, countries by name, never the LinkedIn URL as domain", () => {
    const r = accounts("clay-companies.csv", "clay-accounts.yaml");
    expect(r.rows).toBe(5);
    expectAccountedFor(r);
    expect(reasons(r)).toEqual([[6, "no_domain"]]);
    expect(firmographicsOf(r)).toMatchObject({
      "fernhill.example": { employeeRange: { min: 51, max: 200 }, country: "US", industry: "Software Development" },
      "atlasgrid.example": { employeeRange: { min: 10_001 }, country: "CA" },
      "quiverlabs.example": { employeeRange: { min: 2, max: 10 }, country: "PT" },
      "solenne-retail.example": { employeeRange: { min: 1001, max: 5000 }, country: "FR" },
    });
    expect(r.warnings.filter((w) => w.reason === "missing_column").map((w) => w.column)).toEqual(["Annual Revenue", "Latest Funding Stage", "Technologies"]);
  });

  it("matches a Clay size range to rubric bands by its midpoint", () => {
    const r = accounts("clay-companies.csv", "clay-accounts.yaml");
    const fernhill = expectAccountedFor(r).rankings[0]?.ranked.find((s) => s.accountKey === "fernhill.example");
    const band = fernhill?.fit.contributions.find((c) => c.rule === "firmographics.employeeCount");
    expect(band?.points).toBe(4);
    expect(band?.evidence[0]?.description).toBe("employee range 51–200 (midpoint 126 used)");
  });

  it("reads a Crunchbase export: employee and revenue ranges, the country from Headquarters Location, Crunchbase funding types; the profile URL is never the domain", () => {
    const r = accounts("crunchbase-companies.csv", "crunchbase-companies.yaml");
    expect(r.rows).toBe(5);
    expectAccountedFor(r);
    expect(reasons(r)).toEqual([[6, "no_domain"]]);
    expect(firmographicsOf(r)).toMatchObject({
      "ravenstone.example": { employeeRange: { min: 101, max: 250 }, revenueRange: { minUsd: 10_000_000, maxUsd: 50_000_000 }, country: "US", fundingStage: "series_b" },
      "heliogrid.example": { employeeRange: { min: 11, max: 50 }, country: "ES", fundingStage: "venture_unknown" },
      "tanneryrow.example": { revenueRange: { minUsd: 0, maxUsd: 1_000_000 }, country: "GB", fundingStage: "pre_seed" },
      "monolithbank.example": { employeeRange: { min: 10_001 }, revenueRange: { minUsd: 10_000_000_000 }, fundingStage: "public" },
    });
  });

  it("reads a Salesforce accounts report: USD amounts with grouping, --None-- as a placeholder, another currency left unknown, a LinkedIn URL in Website rejected", () => {
    const r = accounts("salesforce-accounts.csv", "salesforce-accounts.yaml");
    expect(r.rows).toBe(5);
    expectAccountedFor(r);
    expect(reasons(r)).toEqual([[6, "profile_url"]]);
    expect(firmographicsOf(r)).toMatchObject({
      "blueheron.example": { employeeCount: 1200, revenueUsd: 48_000_000, country: "US" },
      "vantor.example": { employeeCount: 340, revenueUsd: 95_000_000, country: "DE" },
      "kelpcoral.example": { country: "US" },
      "stratus-freight.example": { employeeCount: 75, country: "FR" },
    });
    expect(r.warnings.map((w) => [w.line, w.reason])).toEqual([
      [4, "placeholder"],
      [5, "currency"],
    ]);
  });

  it("reads a Bombora Company Surge export into topic surges; a row without a score or a domain is rejected with the reason", () => {
    const r = signals("bombora-surge.csv", "bombora-surge.yaml");
    expect(r.rows).toBe(r.items.length + r.rejects.length);
    expect(r.items.map((s) => [s.type, s.accountKey, "topic" in s ? s.topic : undefined, "score" in s ? s.score : undefined, s.source])).toEqual([
      ["intent_topic_surge", "lumenfield.example", "Lead Scoring", 82, "bombora"],
      ["intent_topic_surge", "lumenfield.example", "Sales Intelligence", 64, "bombora"],
      ["intent_topic_surge", "kestrel-robotics.example", "Account Based Marketing", 71, "bombora"],
    ]);
    expect(reasons(r)).toEqual([
      [5, "invalid_field"],
      [6, "no_domain"],
    ]);
  });

  it("reads a G2 Buyer Intent export into category research with G2's activity names; an unknown activity is left unknown and the signal kept", () => {
    const r = signals("g2-intent.csv", "g2-intent.yaml");
    expect(r.rows).toBe(r.items.length + r.rejects.length);
    expect(r.items.map((s) => (s.type === "category_research" ? [s.accountKey, s.category, s.activity, s.pageViews] : undefined))).toEqual([
      ["lumenfield.example", "Lead Scoring Software", "comparison", 4],
      ["lumenfield.example", "Scorewise", "pricing", 2],
      ["kestrel-robotics.example", "Sales Intelligence Software", "category_page", 7],
      ["tidewater-freight.example", "Sales Intelligence Software", undefined, 1],
    ]);
    expect(reasons(r)).toEqual([[6, "no_domain"]]);
    expect(r.warnings).toEqual([expect.objectContaining({ line: 5, column: "Signal Type", value: "sponsored_content", reason: "unknown_value" })]);
  });

  it("reads two signal files from two vendors in one run, each through its own mapping", () => {
    const bombora = signals("bombora-surge.csv", "bombora-surge.yaml");
    const g2 = signals("g2-intent.csv", "g2-intent.yaml");
    const profiles = accounts("apollo-companies.csv", "apollo-accounts.yaml").items;
    const batch = scoreBatch({ profiles, signals: [...bombora.items, ...g2.items], rubric, asOf: "2026-11-01T00:00:00Z" });
    const lumenfield = batch.rankings[0]?.ranked.find((s) => s.accountKey === "lumenfield.example");
    expect(lumenfield?.timing.contributions.map((c) => c.rule)).toEqual(expect.arrayContaining(["timing.intent.topic-surge"]));
  });
});
