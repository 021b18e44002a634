import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseMapping } from "./mapping.js";
import { parseContacts } from "./parse.js";

// Contact exports through the shipped mappings: the same rules as accounts — only a row whose
// account or person cannot be identified is rejected; a value not understood is unknown, with
// a warning naming file, line, column and value.
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..", "..", "..");
const fixture = (name: string) => readFileSync(join(HERE, "..", "fixtures", "vendors", name));
const mapping = (name: string) => parseMapping(readFileSync(join(ROOT, "examples", "mappings", name), "utf8"), `examples/mappings/${name}`);
const read = (file: string, map: string) => parseContacts(fixture(file), { source: file, format: "csv", mapping: mapping(map) });

describe("contact exports through their shipped mappings", () => {
  it("reads a HubSpot contacts export: the company domain, else the e-mail's; a gmail-only contact, a row with no id and a repeated record are rejected with their reason", () => {
    const r = read("hubspot-contacts.csv", "hubspot-contacts.yaml");
    expect(r.rows).toBe(r.items.length + r.rejects.length);
    expect(r.rejects.map((x) => [x.line, x.reason])).toEqual([
      [4, "personal_email_domain"],
      [6, "missing_field"],
      [7, "duplicate_contact"],
    ]);
    expect(r.items.map((c) => [c.contactId, c.accountKey])).toEqual([
      ["5101", "lumenfield.example"],
      ["5102", "lumenfield.example"],
      ["5104", "birchway.example"],
      ["5106", "kestrel-robotics.example"],
    ]);
    expect(r.items[0]).toMatchObject({ title: "Head of RevOps", budgetAuthority: false, technicalBackground: false, referredByCustomer: true, engagements: [{ kind: "webinar_attended", occurredAt: "2026-10-28T00:00:00Z" }], status: "active" });
    expect(r.items[1]).toMatchObject({ title: "CFO", budgetAuthority: true });
    expect(r.items[3]).toMatchObject({ status: "left" });
    expect(r.items[3]?.title).toBeUndefined();
  });

  it("leaves a value it does not understand unknown, and says where", () => {
    const r = read("hubspot-contacts.csv", "hubspot-contacts.yaml");
    expect(r.warnings.map((w) => [w.line, w.column, w.value, w.reason])).toEqual([
      [1, "Seniority", undefined, "missing_column"],
      [1, "Job Function", undefined, "missing_column"],
      [5, "Budget Authority", "maybe", "not_understood"],
      [5, "Last Engagement Date", "13/45/2026", "not_understood"],
      [8, "Job Title", "N/A", "placeholder"],
    ]);
    const dev = r.items.find((c) => c.contactId === "5104");
    expect(dev?.budgetAuthority).toBeUndefined();
    expect(dev?.technicalBackground).toBe(true);
    expect(dev?.engagements).toEqual([]);
  });

  it("reads an Apollo people export: Apollo's seniority and department words, the newest of replied and contacted", () => {
    const r = read("apollo-contacts.csv", "apollo-contacts.yaml");
    expect(r.rejects).toEqual([]);
    expect(r.items.map((c) => [c.contactId, c.accountKey, c.seniority, c.department])).toEqual([
      ["64a1", "lumenfield.example", "vice_president", "engineering"],
      ["64a2", "tidewater-freight.example", "manager", "sales"],
      ["64a3", "pinecrest.example", "c_level", undefined],
      ["64a4", "pinecrest.example", undefined, "sales"],
    ]);
    expect(r.items[0]?.engagements).toEqual([{ kind: "email_reply", occurredAt: "2026-10-21T00:00:00Z" }]);
    expect(r.items[1]?.engagements).toEqual([{ kind: "other", occurredAt: "2026-09-01T00:00:00Z" }]);
    expect(r.warnings.map((w) => [w.line, w.column, w.value, w.reason])).toEqual([[5, "Seniority", "grand poobah", "unknown_value"]]);
  });

  it("reads a Salesforce contacts report: checkboxes as true/false, a LinkedIn page in the website column falls back to the e-mail's domain with a warning", () => {
    const r = read("salesforce-contacts.csv", "salesforce-contacts.yaml");
    expect(r.rejects).toEqual([]);
    expect(r.items.map((c) => [c.contactId, c.accountKey, c.department, c.budgetAuthority, c.technicalBackground, c.referredByCustomer])).toEqual([
      ["0035g00000AbCdE", "birchway.example", "it", false, true, false],
      ["0035g00000AbCdF", "birchway.example", "sales", true, false, true],
      ["0035g00000AbCdG", "birchway.example", "sales", false, false, false],
    ]);
    expect(r.warnings.map((w) => [w.line, w.reason])).toEqual([[4, "domain_fallback"]]);
  });

  it("reads our own columns and contact events in NDJSON, engagement lists included", () => {
    const ndjson = [
      JSON.stringify({ type: "contact", contactId: "c1", accountKey: "https://www.Acme.com", title: "VP Sales", budgetAuthority: true, engagements: [{ kind: "meeting", occurredAt: "2026-10-30T10:00:00Z" }] }),
      JSON.stringify({ contactId: "c2", domain: "acme.com", engagements: [{ kind: "nap", occurredAt: "2026-10-30T10:00:00Z" }] }),
    ].join("\n");
    const r = parseContacts(ndjson, { source: "contacts.ndjson", format: "ndjson" });
    expect(r.items).toMatchObject([{ contactId: "c1", accountKey: "acme.com", budgetAuthority: true, engagements: [{ kind: "meeting" }] }]);
    expect(r.rejects.map((x) => [x.line, x.reason, x.column])).toEqual([[2, "invalid_contact", "engagements"]]);
  });

  it("refuses an accounts mapping for a contacts file, naming both", () => {
    expect(() => parseContacts("domain\nacme.com\n", { source: "c.csv", format: "csv", mapping: mapping("hubspot-companies.yaml") })).toThrow(/for accounts, not contacts/);
  });
});
