import { describe, expect, it } from "vitest";
import { parseOutcomes, parseProfileSnapshots } from "./outcome-input.js";

const HEADER = "domain,opportunity_id,created_at,closed_at,stage,amount,currency\n";
const csv = (rows: string) => parseOutcomes(HEADER + rows, { source: "o.csv", format: "csv" });

describe("reading an outcomes file", () => {
  it("reads won, lost and open rows, with Salesforce's 'Closed Won' spelling and money like $45k", () => {
    const { items, rejected } = csv("https://www.Acme.com,1,2026-03-01,2026-04-01,Closed Won,$45k,usd\nbeta.io,2,2026-03-02,2026-05-01,closed_lost,1200,EUR\ngamma.dev,3,2026-03-03,,open,,\n");
    expect(rejected).toEqual([]);
    expect(items).toEqual([
      { accountKey: "acme.com", opportunityId: "1", createdAt: "2026-03-01T00:00:00Z", closedAt: "2026-04-01T00:00:00Z", stage: "won", amount: 45_000, currency: "USD" },
      { accountKey: "beta.io", opportunityId: "2", createdAt: "2026-03-02T00:00:00Z", closedAt: "2026-05-01T00:00:00Z", stage: "lost", amount: 1200, currency: "EUR" },
      { accountKey: "gamma.dev", opportunityId: "3", createdAt: "2026-03-03T00:00:00Z", stage: "open" },
    ]);
  });

  it("ignores an open opportunity's expected close date", () => {
    expect(csv("acme.com,1,2026-03-01,2026-09-30,open,,\n").items[0]?.closedAt).toBeUndefined();
  });

  it("rejects a bad row with file, line, column and what was expected, and keeps the others", () => {
    const { items, rejected } = csv("acme.com,1,2026-03-01,,won,100,USD\nacme.com,2,2026-03-01,2026-04-01,Negotiation,,\nacme.com,3,03/01/2026,,open,,\nacme.com,4,2026-03-01,2026-02-01,lost,,\nacme.com,5,2026-03-01,,open,-5,\nacme.com,6,2026-03-01,,open,,\nacme.com,6,2026-03-01,,open,,\n");
    expect(items.map((o) => o.opportunityId)).toEqual(["6"]);
    expect(rejected.map((e) => `${e.source}:${e.line}: ${e.field}: ${e.message}`)).toEqual([
      "o.csv:2: closed_at: expected the close date of a won opportunity, but it is missing",
      'o.csv:3: stage: expected won, lost or open (Closed Won and Closed Lost are read too), got "Negotiation"',
      'o.csv:4: created_at: expected a date or date-time such as 2026-03-01 or 2026-03-01T09:30:00Z, got "03/01/2026"',
      "o.csv:5: closed_at: expected a close date at or after the creation date (2026-03-01T00:00:00Z)",
      'o.csv:6: amount: expected an amount such as 45000, 45,000 or $45k, got "-5"',
      "o.csv:8: opportunity_id: duplicate opportunity 6 (first on line 7)",
    ]);
  });

  it("reads an amount without a currency as the default currency, and says how many", () => {
    const { items, warnings } = parseOutcomes(HEADER + "acme.com,1,2026-03-01,2026-04-01,won,100,\n", { source: "o.csv", format: "csv", defaultCurrency: "EUR" });
    expect(items[0]?.currency).toBe("EUR");
    expect(warnings).toEqual(["o.csv: 1 amounts have no currency and are read as EUR"]);
  });

  it("folds the outcome topic's events in NDJSON, one opportunity per id", () => {
    const envelope = { accountKey: "acme.com", observedAt: "2026-04-01T00:00:00Z", source: "crm", schemaVersion: 1, opportunityId: "o-1", createdAt: "2026-03-01T00:00:00Z" };
    const text = [
      JSON.stringify({ type: "opportunity_created", eventId: "e1", occurredAt: "2026-03-01T00:00:00Z", ...envelope }),
      JSON.stringify({ type: "opportunity_closed_won", eventId: "e2", occurredAt: "2026-04-01T00:00:00Z", closedAt: "2026-04-01T00:00:00Z", amountUsd: 9000, ...envelope }),
      JSON.stringify({ type: "opportunity_closed_won", eventId: "e3", occurredAt: "2026-04-01T00:00:00Z", ...envelope }),
    ].join("\n");
    const { items, rejected } = parseOutcomes(text, { source: "o.ndjson", format: "ndjson" });
    expect(items).toEqual([{ accountKey: "acme.com", opportunityId: "o-1", createdAt: "2026-03-01T00:00:00Z", closedAt: "2026-04-01T00:00:00Z", stage: "won", amount: 9000, currency: "USD" }]);
    expect(rejected[0]).toMatchObject({ line: 3 });
  });
});

describe("reading dated profile snapshots", () => {
  it("reads account rows with the date they were known, and rejects a row without one", () => {
    const { items, rejected } = parseProfileSnapshots("domain,as_of,industry\nacme.com,2026-01-01,Retail\nacme.com,,Software\n", { source: "h.csv", format: "csv" });
    expect(items).toEqual([expect.objectContaining({ at: "2026-01-01T00:00:00Z", profile: expect.objectContaining({ accountKey: "acme.com", firmographics: { industry: "Retail" } }) })]);
    expect(rejected[0]).toMatchObject({ source: "h.csv", line: 3, field: "as_of" });
  });
});
