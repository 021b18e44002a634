import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatIssue } from "./issues.js";
import { parseMapping } from "./mapping.js";
import { parseOutcomes, parseProfileSnapshots } from "./parse.js";
import { foldOutcomeEvents } from "./outcomes.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..", "..", "..");
const HEADER = "domain,opportunity_id,created_at,closed_at,stage,amount,currency\n";
const csv = (rows: string, defaultCurrency?: string) => parseOutcomes(HEADER + rows, { source: "o.csv", format: "csv", ...(defaultCurrency ? { defaultCurrency } : {}) });
const vendor = (file: string, mapping: string) =>
  parseOutcomes(readFileSync(join(HERE, "..", "fixtures", "vendors", file)), { source: file, format: "csv", mapping: parseMapping(readFileSync(join(ROOT, "examples", "mappings", mapping), "utf8"), mapping) });

describe("reading an outcomes file", () => {
  it("reads won, lost and open rows, with Salesforce's 'Closed Won' spelling and money like $45k", () => {
    const { items, rejects } = csv("https://www.Acme.com,1,2026-03-01,2026-04-01,Closed Won,$45k,usd\nbeta.io,2,2026-03-02,2026-05-01,closed_lost,1200,EUR\ngamma.dev,3,2026-03-03,,open,,\n");
    expect(rejects).toEqual([]);
    expect(items.map((o) => ({ ...o, createdAt: Date.parse(o.createdAt), closedAt: o.closedAt && Date.parse(o.closedAt) }))).toEqual([
      { accountKey: "acme.com", opportunityId: "1", createdAt: Date.parse("2026-03-01T00:00:00Z"), closedAt: Date.parse("2026-04-01T00:00:00Z"), stage: "won", amount: 45_000, currency: "USD" },
      { accountKey: "beta.io", opportunityId: "2", createdAt: Date.parse("2026-03-02T00:00:00Z"), closedAt: Date.parse("2026-05-01T00:00:00Z"), stage: "lost", amount: 1200, currency: "EUR" },
      { accountKey: "gamma.dev", opportunityId: "3", createdAt: Date.parse("2026-03-03T00:00:00Z"), closedAt: undefined, stage: "open" },
    ]);
  });

  it("ignores an open opportunity's expected close date", () => {
    expect(csv("acme.com,1,2026-03-01,2026-09-30,open,,\n").items[0]?.closedAt).toBeUndefined();
  });

  it("rejects a row that cannot be an outcome with file, line, column and why, leaves a value not understood unknown, and keeps the others", () => {
    const { items, rejects, warnings, rows } = csv("acme.com,1,2026-03-01,,won,100,USD\nacme.com,2,2026-03-01,,Weird Stage,,\nacme.com,3,next week,,open,,\nacme.com,4,2026-03-01,2026-02-01,lost,,\nacme.com,5,2026-03-01,,open,-5,\nacme.com,6,2026-03-01,,open,,\nacme.com,6,2026-03-01,,open,,\n");
    expect(items.map((o) => o.opportunityId)).toEqual(["2", "5", "6"]);
    expect(rows).toBe(items.length + rejects.length);
    expect(rejects.map((r) => [r.line, r.column, r.reason])).toEqual([
      [2, "closed_at", "missing_field"],
      [4, "created_at", "invalid_field"],
      [5, "closed_at", "invalid_outcome"],
      [8, "opportunity_id", "duplicate_opportunity"],
    ]);
    expect(formatIssue(rejects[2]!)).toBe("o.csv:5: closed_at: expected a close date at or after the creation date (2026-03-01T00:00:00Z); skipped");
    expect(warnings.map((w) => [w.line, w.column, w.reason])).toEqual([
      [3, "stage", "unknown_value"],
      [6, "amount", "not_understood"],
    ]);
    expect(items[0]?.stage).toBe("open");
  });

  it("reads an amount without a currency in the default currency, and says how many once", () => {
    const { items, warnings } = csv("acme.com,1,2026-03-01,2026-04-01,won,100,\nbeta.io,2,2026-03-01,2026-04-01,won,200,\n", "EUR");
    expect(items.map((o) => o.currency)).toEqual(["EUR", "EUR"]);
    expect(warnings.map((w) => formatIssue(w))).toEqual(["o.csv:0: currency: 2 amounts have no currency and are read as EUR"]);
  });

  it("folds the outcome topic's events in NDJSON, one opportunity per id, and rejects an event the contract refuses", () => {
    const envelope = { accountKey: "acme.com", observedAt: "2026-04-01T00:00:00Z", source: "crm", schemaVersion: 1, opportunityId: "o-1", createdAt: "2026-03-01T00:00:00Z" };
    const text = [
      JSON.stringify({ type: "opportunity_created", eventId: "e1", occurredAt: "2026-03-01T00:00:00Z", ...envelope }),
      JSON.stringify({ type: "opportunity_closed_won", eventId: "e2", occurredAt: "2026-04-01T00:00:00Z", closedAt: "2026-04-01T00:00:00Z", amountUsd: 9000, ...envelope }),
      JSON.stringify({ type: "opportunity_closed_won", eventId: "e3", occurredAt: "2026-04-01T00:00:00Z", ...envelope }),
    ].join("\n");
    const { items, rejects, lines } = parseOutcomes(text, { source: "o.ndjson", format: "ndjson" });
    expect(items).toEqual([{ accountKey: "acme.com", opportunityId: "o-1", createdAt: "2026-03-01T00:00:00Z", closedAt: "2026-04-01T00:00:00Z", stage: "won", amount: 9000, currency: "USD" }]);
    expect(lines).toEqual([2]);
    expect(rejects[0]).toMatchObject({ line: 3, reason: "invalid_outcome" });
  });
});

describe("CRM opportunity exports through their shipped mappings", () => {
  it("reads a Salesforce opportunity report: US dates, Closed/Won checkboxes, a custom closed stage mapped to lost, a LinkedIn 'website' rejected, a won deal without its close date rejected", () => {
    const r = vendor("salesforce-opportunities.csv", "salesforce-opportunities.yaml");
    expect(r.rows).toBe(6);
    expect(r.rows).toBe(r.items.length + r.rejects.length);
    expect(r.items.map((o) => [o.accountKey, o.stage, o.amount, o.currency, o.createdAt.slice(0, 10), o.closedAt?.slice(0, 10)])).toEqual([
      ["umbrella-health.example", "lost", 5000, "USD", "2026-07-07", "2026-08-01"],
      ["globex.example", "lost", 22500, "USD", "2026-08-11", "2026-09-30"],
      ["northwind-analytics.example", "won", 48000, "USD", "2026-09-02", "2026-10-14"],
      ["initech.example", "open", 31000, "EUR", "2026-10-01", undefined],
    ]);
    expect(r.rejects.map((x) => [x.line, x.reason])).toEqual([
      [6, "profile_url"],
      [7, "missing_field"],
    ]);
  });

  it("reads a HubSpot deals export: stage labels and internal ids, domains from the associated company, a deal without a company domain rejected", () => {
    const r = vendor("hubspot-deals.csv", "hubspot-deals.yaml");
    expect(r.rows).toBe(4);
    expect(r.items.map((o) => [o.opportunityId, o.accountKey, o.stage, o.amount])).toEqual([
      ["15244820132", "beta-labs.example", "lost", 12000],
      ["15244820131", "acme-corp.example", "won", 45000],
      ["15244820133", "gamma-logistics.example", "open", 30000],
    ]);
    expect(r.rejects.map((x) => [x.line, x.reason])).toEqual([[5, "no_domain"]]);
  });
});

describe("reading dated profile snapshots", () => {
  it("reads account rows with the date they were known, and rejects a row without one", () => {
    const { items, rejects } = parseProfileSnapshots("domain,as_of,industry\nacme.com,2026-01-01,Retail\nacme.com,,Software\n", { source: "h.csv", format: "csv" });
    expect(items).toEqual([expect.objectContaining({ at: expect.stringMatching(/^2026-01-01/), profile: expect.objectContaining({ accountKey: "acme.com", firmographics: { industry: "Retail" } }) })]);
    expect(rejects[0]).toMatchObject({ source: "h.csv", line: 3, column: "as_of", reason: "missing_field" });
  });
});

describe("close notifications without the deal's creation date or amount", () => {
  const env = (n: number, at: string) => ({ eventId: `e${n}`, occurredAt: at, observedAt: at, source: "hubspot", schemaVersion: 1 as const });
  it("take the creation date and amount from the deal's other events", () => {
    const folded = foldOutcomeEvents([
      { type: "opportunity_created", ...env(1, "2026-10-01T00:00:00Z"), accountKey: "quillfeather.example", opportunityId: "d1", createdAt: "2026-10-01T00:00:00Z", amountUsd: 50_000 },
      { type: "opportunity_closed_won", ...env(2, "2026-11-20T15:00:00Z"), accountKey: "quillfeather.example", opportunityId: "d1", closedAt: "2026-11-20T15:00:00Z" },
    ]);
    expect(folded.opportunities).toEqual([{ accountKey: "quillfeather.example", opportunityId: "d1", createdAt: "2026-10-01T00:00:00Z", amount: 50_000, currency: "USD", stage: "won", closedAt: "2026-11-20T15:00:00Z" }]);
  });

  it("a deal known only by its close is left out with a warning, never scored at its close", () => {
    const folded = foldOutcomeEvents([{ type: "opportunity_closed_lost", ...env(3, "2026-11-20T15:00:00Z"), accountKey: "quillfeather.example", opportunityId: "d2", closedAt: "2026-11-20T15:00:00Z" }]);
    expect(folded.opportunities).toEqual([]);
    expect(folded.warnings[0]).toMatch(/d2: no event gives its creation date/);
  });
});
