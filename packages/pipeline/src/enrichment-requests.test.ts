import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AccountProfileEventV1, EnrichmentRequestedEventV1 } from "@icpstream/contracts";
import { parseRubric } from "@icpstream/scoring";
import { applyProfileForEnrichment } from "./enrichment-requests.js";
import type { EnrichmentPolicy } from "./enrichment-requests.js";

const rubric = parseRubric(readFileSync(new URL("../../../rubrics/enterprise.yaml", import.meta.url), "utf8"), "enterprise.yaml");
const NOW = Date.parse("2026-11-01T12:00:00Z");
const HOUR = 3_600_000;
const policy: EnrichmentPolicy = { cooldownMs: 24 * HOUR, dailyBudget: { technographic: 12, organisational: 12 }, partitions: 6 };
const profile = (eventId: string, fields: Record<string, unknown> = {}, accountKey = "acme.com") =>
  AccountProfileEventV1.parse({ type: "account_profile", eventId, accountKey, occurredAt: "2026-10-30T00:00:00Z", observedAt: "2026-10-30T00:00:00Z", source: "test", schemaVersion: 1, firmographics: { industry: "Computer Software", employeeCount: 420, region: "NA" }, ...fields });

describe("enrichment requests: the waterfall as events", () => {
  it("an account that passes the firmographic floor and has no tech stack yet gets a technographic request, with the profile to complete", () => {
    const t = applyProfileForEnrichment(undefined, profile("p1"), rubric, {}, NOW, policy);
    expect(t.outputs).toHaveLength(1);
    expect(t.outputs[0]).toMatchObject({ step: "technographic", eventId: "enrich:acme.com:technographic:p1", scorecard: "enterprise", firmographicPoints: 23, profileEventId: "p1", reason: "passed the firmographic floor (23 ≥ 13 points): enrich technographics" });
    expect(EnrichmentRequestedEventV1.parse(t.outputs[0])).toEqual(t.outputs[0]);
    expect(t.spent).toEqual({ "2026-11-01:technographic": "1" });
  });

  it("an account below the floor or excluded is never enriched", () => {
    expect(applyProfileForEnrichment(undefined, profile("p1", { firmographics: { industry: "Retail", employeeCount: 300 } }), rubric, {}, NOW, policy).outputs).toEqual([]);
    expect(applyProfileForEnrichment(undefined, profile("p1", { firmographics: { industry: "Computer Software", employeeCount: 8 } }), rubric, {}, NOW, policy).outputs).toEqual([]);
  });

  it("once technographics are in and the fit reaches the threshold, organisational enrichment is asked; below it, nothing", () => {
    const withStack = profile("p2", { technographics: { technologies: [{ name: "Salesforce" }, { name: "Gong" }] } });
    expect(applyProfileForEnrichment(undefined, withStack, rubric, {}, NOW, policy).outputs.map((o) => [o.step, o.fitBeforeOrganisational])).toEqual([["organisational", 54.29]]);
    const weakStack = profile("p3", { firmographics: { industry: "Computer Software", employeeCount: 25 }, technographics: { technologies: [{ name: "Slack" }] } });
    expect(applyProfileForEnrichment(undefined, weakStack, rubric, {}, NOW, policy).outputs).toEqual([]);
  });

  it("the same profile again asks nothing new; within the cooldown another profile does not either; after it, it does", () => {
    const first = applyProfileForEnrichment(undefined, profile("p1"), rubric, {}, NOW, policy);
    expect(applyProfileForEnrichment(first.state, profile("p1"), rubric, first.spent, NOW + HOUR, policy).skipped).toEqual([{ step: "technographic", why: "duplicate" }]);
    const soon = applyProfileForEnrichment(first.state, profile("p1b"), rubric, first.spent, NOW + HOUR, policy);
    expect(soon).toMatchObject({ outputs: [], skipped: [{ step: "technographic", why: "cooldown" }] });
    expect(applyProfileForEnrichment(first.state, profile("p1c"), rubric, first.spent, NOW + 25 * HOUR, policy).outputs).toHaveLength(1);
  });

  it("the shard's share of the daily budget (12 over 6 partitions: 2) stops the third request of the day, and a new UTC day starts afresh", () => {
    const spent = { "2026-11-01:technographic": "2" };
    expect(applyProfileForEnrichment(undefined, profile("p1"), rubric, spent, NOW, policy)).toMatchObject({ outputs: [], skipped: [{ step: "technographic", why: "budget" }] });
    expect(applyProfileForEnrichment(undefined, profile("p1"), rubric, spent, NOW + 12 * HOUR, policy).outputs).toHaveLength(1);
  });

  it("an older profile than the newest seen asks nothing", () => {
    const first = applyProfileForEnrichment(undefined, profile("p2"), rubric, {}, NOW, policy);
    const older = AccountProfileEventV1.parse({ ...profile("p1"), occurredAt: "2026-10-01T00:00:00Z" });
    expect(applyProfileForEnrichment(first.state, older, rubric, {}, NOW, policy).ignored).toBe("stale");
  });
});
