import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ScoringError } from "@icpstream/scoring";
import { mapPayload } from "./payload.js";
import type { IdIndex, MappedPayload } from "./payload.js";
import { parseSourceMapping, parseSourceMappings } from "./source-mapping.js";
import type { SourceMapping } from "./source-mapping.js";
import { emailDomain, isFreeMailDomain } from "./free-mail.js";
import { inTimeZone } from "./time-zone.js";
import { parseXmlPayload } from "./xml.js";
import { departmentOfTitle } from "../values/vocabulary.js";
import { parseAccounts } from "../parse.js";
import { parseMapping } from "../mapping.js";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, "..", "..", "..", "..");
const SOURCES = join(ROOT, "examples", "sources");
const FIXTURES = resolve(here, "..", "..", "fixtures", "sources");

const mappings = parseSourceMappings(readdirSync(SOURCES).filter((f) => f.endsWith(".yaml")).map((f) => ({ file: `examples/sources/${f}`, text: readFileSync(join(SOURCES, f), "utf8") })));
const mapping = (source: string): SourceMapping => {
  const m = mappings.get(source);
  if (!m) throw new Error(`no shipped mapping for ${source}`);
  return m;
};
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), "utf8"));
const RECEIVED = "2026-11-21T12:00:00Z";
const index = (entries: Record<string, string>): IdIndex => ({ lookup: (system, id) => entries[`${system}:${id}`] });
const run = (source: string, payload: unknown, idx?: IdIndex): Promise<MappedPayload> => mapPayload(mapping(source), payload, { defaultOccurredAt: RECEIVED, index: idx });
const only = (result: MappedPayload) => {
  expect(result.items).toHaveLength(1);
  return result.items[0] as NonNullable<(typeof result.items)[0]>;
};

describe("shipped source mappings", () => {
  it("every file in examples/sources is a valid mapping, one per source", () => {
    expect([...mappings.keys()].sort()).toEqual(["6sense", "clearbit", "crunchbase", "g2", "hubspot", "rudderstack", "salesforce", "segment", "theirstack"]);
  });

  it("a Segment track of the pricing page is a pricing visit of the account behind the work e-mail", async () => {
    const item = only(await run("segment", fixture("segment-track-pricing-page-viewed.json")));
    expect(item.status).toBe("mapped");
    expect(item.vendorEventId).toBe("ajs-next-3b9d6f0c2e1a4d7b8c5e9f1a2b3c4d5e");
    expect(item.records).toHaveLength(1);
    const record = item.records[0];
    expect(record?.family).toBe("signals");
    if (record?.family !== "signals") return;
    expect(record.signal).toMatchObject({ type: "pricing_page_visit", accountKey: "quillfeather.example", occurredAt: "2026-11-20T14:03:12.090Z", source: "segment", url: "https://www.orbitrail.example/pricing" });
  });

  it("a Segment group call is the account's profile, with its groupId recorded for later events", async () => {
    const item = only(await run("segment", fixture("segment-group.json")));
    const record = item.records[0];
    if (record?.family !== "profiles") throw new Error("expected a profile");
    expect(record.profile).toMatchObject({ accountKey: "quillfeather.example", name: "Quillfeather Logistics", firmographics: { industry: "Logistics", employeeCount: 420, country: "US" }, externalIds: [{ system: "segment-group", id: "acct_7731" }] });
    expect(record.occurredAt).toBe("2026-11-20T13:58:41.282Z");
  });

  it("a person on free mail is found through the group id, never keyed by gmail.com", async () => {
    const payload = fixture("rudderstack-batch.json");
    const unresolved = await run("rudderstack", { batch: [(payload as { batch: unknown[] }).batch[1]] });
    expect(only(unresolved).status).toBe("unresolved");
    expect(only(unresolved).unresolved).toEqual([{ system: "segment-group", id: "acct_9020" }]);
    expect(only(unresolved).warnings.map((w) => w.reason)).toContain("free_mail");
    // In one batch the group call comes first: its profile teaches the index.
    const result = await run("rudderstack", payload);
    expect(result.items.map((i) => i.status)).toEqual(["mapped", "mapped", "ignored"]);
    const visit = result.items[1]?.records[0];
    if (visit?.family !== "signals") throw new Error("expected a signal");
    expect(visit.signal).toMatchObject({ type: "pricing_page_visit", accountKey: "brambleworks.example" });
  });

  it("HubSpot company property changes: the domain names the account, the headcount follows it by company id", async () => {
    const result = await run("hubspot", fixture("hubspot-company-propertychange.json"));
    expect(result.items.map((i) => [i.vendorEventId, i.status])).toEqual([
      ["3816279340", "mapped"],
      ["3816279341", "mapped"],
    ]);
    const [domain, employees] = result.items.map((i) => i.records[0]);
    if (domain?.family !== "profiles" || employees?.family !== "profiles") throw new Error("expected profiles");
    expect(domain.profile).toMatchObject({ accountKey: "quillfeather.example", externalIds: [{ system: "hubspot-company", id: "21468920117" }] });
    expect(employees.profile).toMatchObject({ accountKey: "quillfeather.example", firmographics: { employeeCount: 420 } });
    // occurredAt is epoch milliseconds.
    expect(domain.occurredAt).toBe(new Date(1763647380123).toISOString());
  });

  it("a HubSpot headcount change alone, for a company the index does not know yet, is unresolved (parked), not dropped", async () => {
    const payload = (fixture("hubspot-company-propertychange.json") as unknown[]).slice(1);
    const item = only(await run("hubspot", payload));
    expect(item.status).toBe("unresolved");
    expect(item.unresolved).toEqual([{ system: "hubspot-company", id: "21468920117" }]);
    const resolved = only(await run("hubspot", payload, index({ "hubspot-company:21468920117": "quillfeather.example" })));
    expect(resolved.status).toBe("mapped");
  });

  it("a HubSpot deal moved to closedwon is a closed-won outcome of the deal's account", async () => {
    const item = only(await run("hubspot", fixture("hubspot-deal-propertychange-dealstage-closedwon.json"), index({ "opportunity:30518846532": "quillfeather.example" })));
    expect(item.status).toBe("mapped");
    const record = item.records[0];
    if (record?.family !== "outcomes") throw new Error("expected an outcome");
    expect(record.outcome).toEqual({ type: "opportunity_closed_won", accountKey: "quillfeather.example", opportunityId: "30518846532", occurredAt: new Date(1763650800000).toISOString(), closedAt: new Date(1763650800000).toISOString() });
  });

  it("custom pipeline stage ids are read through the rule's values; an unknown stage is open with a warning, never lost", async () => {
    const text = readFileSync(join(SOURCES, "hubspot.yaml"), "utf8").replace("closedlost: closedlost", 'closedlost: closedlost\n        "93512462": closedlost');
    const custom = parseSourceMapping(text, "hubspot-custom.yaml");
    const deal = (stage: string) => [{ ...(fixture("hubspot-deal-propertychange-dealstage-closedwon.json") as object[])[0], propertyValue: stage }];
    const idx = index({ "opportunity:30518846532": "quillfeather.example" });
    const lost = only(await mapPayload(custom, deal("93512462"), { defaultOccurredAt: RECEIVED, index: idx }));
    expect(lost.records[0]?.family === "outcomes" && lost.records[0].outcome.type).toBe("opportunity_closed_lost");
    const unknown = only(await mapPayload(custom, deal("93512999"), { defaultOccurredAt: RECEIVED, index: idx }));
    expect(unknown.records[0]?.family === "outcomes" && unknown.records[0].outcome.type).toBe("opportunity_created");
    expect(unknown.warnings.map((w) => w.reason)).toEqual(["unknown_value"]);
  });

  it("a TheirStack job.new is a job posting keyed by its company domain, deduplicated on the job id", async () => {
    const item = only(await run("theirstack", fixture("theirstack-job-new.json")));
    expect(item.vendorEventId).toBe("451209887");
    const record = item.records[0];
    if (record?.family !== "signals") throw new Error("expected a signal");
    expect(record.signal).toMatchObject({ type: "job_posting", accountKey: "quillfeather.example", title: "Senior Data Engineer", seniority: "senior", department: "data", postingId: "451209887", occurredAt: "2026-11-18T00:00:00Z" });
  });

  it("a Clearbit audience webhook is the company's profile and its latest pricing view", async () => {
    const item = only(await run("clearbit", fixture("clearbit-audience-webhook-segment-enter.json")));
    expect(item.records.map((r) => r.family)).toEqual(["profiles", "signals"]);
    const [profile, visit] = item.records;
    if (profile?.family !== "profiles" || visit?.family !== "signals") throw new Error("expected a profile and a signal");
    expect(profile.profile).toMatchObject({ accountKey: "quillfeather.example", name: "Quillfeather Logistics", firmographics: { employeeRange: { min: 251, max: 1000 } } });
    expect(visit.signal).toMatchObject({ type: "pricing_page_visit", accountKey: "quillfeather.example", occurredAt: "2026-11-20T14:03:11Z", url: "https://www.orbitrail.example/pricing" });
    // No vendor id: the content is the id, so the same delivery is the same events.
    const again = only(await run("clearbit", fixture("clearbit-audience-webhook-segment-enter.json")));
    expect(again.vendorEventId).toBe(item.vendorEventId);
    expect(again.records.map((r) => r.eventId)).toEqual(item.records.map((r) => r.eventId));
  });

  it("a 6sense identification is a profile, an intent surge and a pricing visit", async () => {
    const item = only(await run("6sense", fixture("6sense-identification.json")));
    expect(item.status).toBe("mapped");
    const [profile, surge, visit] = item.records;
    if (profile?.family !== "profiles" || surge?.family !== "signals" || visit?.family !== "signals") throw new Error("unexpected records");
    expect(profile.profile).toMatchObject({ accountKey: "brambleworks.example", firmographics: { country: "DE", industry: "Manufacturing", employeeRange: { min: 1000, max: 4999 } } });
    expect(surge.signal).toMatchObject({ type: "intent_topic_surge", topic: "fleet routing", score: 82, source: "6sense" });
    expect(visit.signal).toMatchObject({ type: "pricing_page_visit", occurredAt: "2026-11-21T10:12:44Z" });
  });
});

describe("vendor event ids", () => {
  it("the same vendor event is the same icpstream event alone or in any batch", async () => {
    const [first, second] = fixture("hubspot-company-propertychange.json") as object[];
    const idx = index({ "hubspot-company:21468920117": "quillfeather.example" });
    const both = await run("hubspot", [first, second], idx);
    const reversed = await run("hubspot", [second, first], idx);
    const alone = await run("hubspot", [second], idx);
    const idOf = (r: MappedPayload, vendor: string) => r.items.find((i) => i.vendorEventId === vendor)?.records[0]?.eventId;
    expect(idOf(both, "3816279341")).toBeDefined();
    expect(idOf(reversed, "3816279341")).toBe(idOf(both, "3816279341"));
    expect(idOf(alone, "3816279341")).toBe(idOf(both, "3816279341"));
    // A retry carries another attemptNumber: still the same event.
    const retried = await run("hubspot", [{ ...second, attemptNumber: 3 }], idx);
    expect(idOf(retried, "3816279341")).toBe(idOf(both, "3816279341"));
  });

  it("a payload type no rule reads is reported as ignored, never silently dropped", async () => {
    const item = only(await run("segment", { type: "track", event: "Newsletter Opened", messageId: "m-1", timestamp: RECEIVED }));
    expect(item).toMatchObject({ status: "ignored", vendorEventId: "m-1", records: [] });
  });

  it("an item a rule cannot read is rejected with the reason; the other items are not affected", async () => {
    const result = await run("theirstack", [fixture("theirstack-job-new.json"), { type: "job.new", id: 5, payload: { id: 9, job_title: "Head of RevOps", company_domain: "linkedin.com/company/x", date_posted: "2026-11-18" } }]);
    expect(result.items.map((i) => i.status)).toEqual(["mapped", "rejected"]);
    expect(result.items[1]?.rejects[0]?.reason).toBe("profile_url");
  });
});

describe("source mapping files", () => {
  const base = "name: X\nsource: x\nrules:\n  - name: r\n    kind: signals\n    fields: { domain: a.b, occurred_at: t }\n    constants: { type: pricing_page_visit }\n";
  const problems = (text: string): string[] => {
    try {
      parseSourceMapping(text, "sources/x.yaml");
    } catch (error) {
      if (error instanceof ScoringError) return [...error.problems];
      throw error;
    }
    return [];
  };

  it("accepts a minimal mapping", () => {
    expect(problems(base)).toEqual([]);
  });

  it("names the file and the path of every problem", () => {
    const bad = problems(
      "name: X\nsource: X Y\nauth: { scheme: hmac-md5, secretEnv: lower }\nrules:\n  - name: r\n    kind: signal\n    when: \"type ==\"\n    fields: { domian: a, employee_count: 'a[' }\n",
    );
    expect(bad).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^sources\/x\.yaml: source: /),
        expect.stringMatching(/^sources\/x\.yaml: auth\.scheme: expected one of hubspot-v3/),
        expect.stringMatching(/^sources\/x\.yaml: auth\.secretEnv: /),
        expect.stringMatching(/^sources\/x\.yaml: rules\[0\]\.kind: /),
        expect.stringMatching(/^sources\/x\.yaml: rules\[0\]\.when: not a JMESPath expression/),
        expect.stringMatching(/^sources\/x\.yaml: rules\[0\]\.fields\.domian: .*did you mean domain/),
      ]),
    );
  });

  it("refuses two files for one source", () => {
    expect(() => parseSourceMappings([{ file: "a.yaml", text: base }, { file: "b.yaml", text: base }])).toThrow(/b\.yaml: source: "x" is also the source of a\.yaml/);
  });

  it("a path that fails on an item rejects that item with the path named", async () => {
    const m = parseSourceMapping(base.replace("domain: a.b", `domain: "join(',', a)"`), "x.yaml");
    const result = await mapPayload(m, { a: 5, t: RECEIVED }, { defaultOccurredAt: RECEIVED });
    expect(result.items[0]?.status).toBe("rejected");
    expect(result.items[0]?.rejects[0]?.column).toBe("join(',', a)");
  });
});

describe("values in payloads", () => {
  it("a job title names its department when the feed sends none, and no guess is made past the words it holds", () => {
    expect(["Senior Data Engineer", "Head of RevOps", "Account Executive, Mid-Market", "Demand Generation Manager", "Software Engineer", "Head of Outbound", "Chief Product Officer", "Warehouse Associate"].map(departmentOfTitle)).toEqual(["data", "revops", "sales", "marketing", "engineering", "sales", "product", undefined]);
  });

  it("free-mail domains come from the maintained list", () => {
    expect(isFreeMailDomain("gmail.com")).toBe(true);
    expect(isFreeMailDomain("GMX.de")).toBe(true);
    expect(isFreeMailDomain("quillfeather.example")).toBe(false);
    expect(emailDomain("Dana <x>")).toBeUndefined();
    expect(emailDomain("dana@Quillfeather.example")).toBe("quillfeather.example");
  });

  it("a date-time without a zone is read in the mapping's zone, across daylight saving", () => {
    expect(inTimeZone("2026-11-18T09:41:07", "UTC")).toBe("2026-11-18T09:41:07.000Z");
    expect(inTimeZone("2026-11-18T09:41:07", "America/Chicago")).toBe("2026-11-18T15:41:07.000Z");
    expect(inTimeZone("2026-07-18 09:41", "America/Chicago")).toBe("2026-07-18T14:41:00.000Z");
    expect(inTimeZone("2026-11-20 14:03:11 UTC", "America/Chicago")).toBe("2026-11-20T14:03:11Z");
    expect(inTimeZone("2026-11-20T14:03:11+01:00", "America/Chicago")).toBe("2026-11-20T14:03:11+01:00");
    expect(inTimeZone(1763647380123, "America/Chicago")).toBe(1763647380123);
  });
});

describe("XML sources (Salesforce outbound messages)", () => {
  it("a closed-won opportunity notification is a closed-won outcome of the account its Salesforce id names", async () => {
    const payload = parseXmlPayload(readFileSync(join(FIXTURES, "salesforce-outbound-opportunity.xml"), "utf8"), mapping("salesforce").xmlArrays);
    const item = only(await run("salesforce", payload, index({ "salesforce-account:0015e00000QuIlFAAV": "quillfeather.example" })));
    expect(item.vendorEventId).toBe("04l5e00000QfWonAAF");
    const record = item.records[0];
    if (record?.family !== "outcomes") throw new Error("expected an outcome");
    expect(record.outcome).toEqual({ type: "opportunity_closed_won", accountKey: "quillfeather.example", opportunityId: "0065e00000QfWonAAF", name: "Quillfeather & Orbitrail — Fleet routing", amountUsd: 72000, createdAt: "2026-09-14T16:20:11.000Z", closedAt: "2026-11-20T00:00:00Z", occurredAt: "2026-11-20T15:02:44.000Z" });
  });

  it("refuses a document type declaration", () => {
    expect(() => parseXmlPayload('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', [])).toThrow(/document type declaration/);
  });
});

describe("CRM ids on profiles read from files", () => {
  it("a HubSpot or Salesforce accounts export records each account's CRM id, so webhooks naming only the id resolve", async () => {
    const hubspot = parseAccounts(readFileSync(join(here, "..", "..", "fixtures", "vendors", "hubspot-companies.csv")), { source: "hubspot-companies.csv", format: "csv", mapping: parseMapping(readFileSync(join(ROOT, "examples", "mappings", "hubspot-companies.yaml"), "utf8"), "hubspot-companies.yaml") });
    expect(hubspot.items[0]).toMatchObject({ accountKey: "harborline.example", externalIds: [{ system: "hubspot-company", id: "8100001" }] });
    const salesforce = parseAccounts(readFileSync(join(here, "..", "..", "fixtures", "vendors", "salesforce-accounts.csv")), { source: "salesforce-accounts.csv", format: "csv", mapping: parseMapping(readFileSync(join(ROOT, "examples", "mappings", "salesforce-accounts.yaml"), "utf8"), "salesforce-accounts.yaml") });
    expect(salesforce.items[0]).toMatchObject({ accountKey: "blueheron.example", externalIds: [{ system: "salesforce-account", id: "0015g00000AbCdE" }] });
  });

  it("our external_ids column takes system:id entries, and several id columns add up", () => {
    const read = parseAccounts("domain,hubspot_company_id,external_ids\nacme.com,214,segment-group:acct_1;salesforce-account:001X\nglobex.io,,not an id\n", { source: "a.csv", format: "csv" });
    expect(read.items[0]?.externalIds).toEqual([{ system: "hubspot-company", id: "214" }, { system: "segment-group", id: "acct_1" }, { system: "salesforce-account", id: "001X" }]);
    expect(read.items[1]?.externalIds).toBeUndefined();
    expect(read.warnings.map((w) => [w.line, w.column, w.reason])).toEqual([[3, "external_ids", "not_understood"]]);
  });
});
