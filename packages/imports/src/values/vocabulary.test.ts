import { describe, expect, it } from "vitest";
import { parseCountry } from "./country.js";
import { parseBoolean, parseDepartment, parseFundingStage, parseG2Activity, parseSentiment, parseSignalType } from "./vocabulary.js";

const valueOf = (cell: { kind: string; value?: unknown }) => (cell.kind === "value" ? cell.value : cell.kind);

describe("countries (ISO 3166 through i18n-iso-countries)", () => {
  it.each([
    ["US", "US"],
    ["us", "US"],
    ["USA", "US"],
    ["United States", "US"],
    ["United States of America", "US"],
    ["UK", "GB"],
    ["United Kingdom", "GB"],
    ["Great Britain", "GB"],
    ["England", "GB"],
    ["Deutschland", "DE"],
    ["Germany", "DE"],
    ["DEU", "DE"],
    ["Norway", "NO"],
    ["Norge", "NO"],
    ["España", "ES"],
    ["Boston, Massachusetts, United States", "US"],
    ["Leeds, England, United Kingdom", "GB"],
  ])("reads %j as %s", (text, code) => {
    expect(valueOf(parseCountry(text))).toBe(code);
  });

  it("leaves a name it does not know unknown, saying what it expected", () => {
    expect(parseCountry("Narnia")).toMatchObject({ kind: "unknown", reason: "not_understood", why: expect.stringContaining("ISO 3166") });
  });
});

describe("funding stages (Crunchbase, Apollo, HubSpot wording)", () => {
  it.each([
    ["Seed", "seed"],
    ["Pre-Seed", "pre_seed"],
    ["Angel", "angel"],
    ["Series A", "series_a"],
    ["series_b", "series_b"],
    ["Series D", "series_d"],
    ["Series E", "series_e"],
    ["Series J", "series_j"],
    ["series_d_plus", "series_d_plus"],
    ["Venture (Round not Specified)", "venture_unknown"],
    ["Venture - Series Unknown", "venture_unknown"],
    ["Convertible Note", "convertible_note"],
    ["Debt Financing", "debt"],
    ["Grant", "grant"],
    ["Corporate Round", "corporate_round"],
    ["Equity Crowdfunding", "crowdfunding"],
    ["Private Equity", "private_equity"],
    ["IPO", "public"],
    ["Post-IPO Equity", "public"],
    ["Merger / Acquisition", "acquired"],
    ["M&A", "acquired"],
    ["Other", "other"],
  ])("reads %j as %s", (text, stage) => {
    expect(valueOf(parseFundingStage(text))).toBe(stage);
  });

  it("leaves an unknown wording unknown rather than refusing the row", () => {
    expect(parseFundingStage("Series Z")).toMatchObject({ kind: "unknown", reason: "unknown_value" });
  });
});

describe("departments, G2 activities, sentiment, booleans", () => {
  it.each([
    ["Revenue Operations", "revops"],
    ["RevOps", "revops"],
    ["Sales Operations", "revops"],
    ["master_sales", "sales"],
    ["Business Development", "sales"],
    ["Demand Generation", "marketing"],
    ["Customer Success", "customer_success"],
    ["R&D", "engineering"],
    ["Human Resources", "hr"],
    ["c_suite", "executive"],
  ])("reads the department %j as %s", (text, department) => {
    expect(valueOf(parseDepartment(text))).toBe(department);
  });

  it.each([
    ["profile", "product_profile"],
    ["pricing", "pricing"],
    ["compare", "comparison"],
    ["Alternatives", "alternatives"],
    ["category", "category_page"],
  ])("reads the G2 signal type %j as %s", (text, activity) => {
    expect(valueOf(parseG2Activity(text))).toBe(activity);
  });

  it("reads reply wording as sentiment and spreadsheet booleans", () => {
    expect(valueOf(parseSentiment("Interested"))).toBe("positive");
    expect(valueOf(parseSentiment("Not interested"))).toBe("negative");
    expect(valueOf(parseBoolean("Yes"))).toBe(true);
    expect(valueOf(parseBoolean("0"))).toBe(false);
    expect(parseBoolean("maybe")).toMatchObject({ kind: "unknown", reason: "not_understood" });
  });
});

describe("signal type names", () => {
  it.each([
    ["pricing_page_visit", "pricing_page_visit"],
    ["Pricing Page Visit", "pricing_page_visit"],
    ["PRICING-PAGE-VISIT", "pricing_page_visit"],
    ["Job Posting", "job_posting"],
    ["Funding Round", "funding_round"],
    ["Demo Requested", "demo_request"],
    ["Webinar Attended", "webinar_attended"],
    ["Topic Surge", "intent_topic_surge"],
    ["Email Reply", "email_reply"],
  ])("reads %j as %s", (text, type) => {
    expect(valueOf(parseSignalType(text))).toBe(type);
  });

  it("refuses a type it does not know, listing the known ones", () => {
    expect(parseSignalType("tweet")).toMatchObject({ kind: "unknown", why: expect.stringContaining("pricing_page_visit") });
  });
});
