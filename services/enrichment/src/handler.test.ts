import { describe, expect, it } from "vitest";
import { EXAMPLE_EVENTS, FirmographicEventV1 } from "@icpstream/contracts";
import type { EnrichmentRequestedEventV1 } from "@icpstream/contracts";
import { AccountProfile } from "@icpstream/scoring";
import { answerRequest } from "./handler.js";

const request = EXAMPLE_EVENTS.enrichmentRequests[0] as EnrichmentRequestedEventV1;
const known = AccountProfile.parse({
  accountKey: "northwind-analytics.com",
  firmographics: { industry: "Computer Software", employeeCount: 9999 },
  technographics: { technologies: [{ name: "Salesforce" }, { name: "Gong" }] },
  organisational: { buyingRolesPresent: ["Head of RevOps"], championIdentified: true },
});

describe("the sample enrichment worker", () => {
  it("answers a technographic request with the request's profile and the source's tech stack, nothing else of the source", () => {
    const update = answerRequest(request, new Map([[known.accountKey, known]]));
    expect(update).toMatchObject({ type: "account_profile", eventId: `enriched:${request.eventId}`, source: "enrichment-worker", firmographics: { employeeCount: 420 }, technographics: { technologies: [{ name: "Salesforce" }, { name: "Gong" }] }, organisational: { buyingRolesPresent: [] } });
    expect(FirmographicEventV1.safeParse(update).success).toBe(true);
  });

  it("dates the update after the profile it completes, even when the request has the same instant", () => {
    const same = { ...request, occurredAt: request.profileOccurredAt };
    expect(Date.parse(answerRequest(same, new Map([[known.accountKey, known]]))?.occurredAt ?? "")).toBe(Date.parse(request.profileOccurredAt) + 1);
  });

  it("answers an organisational request with the source's organisational layer", () => {
    expect(answerRequest({ ...request, step: "organisational" }, new Map([[known.accountKey, known]]))).toMatchObject({ organisational: { buyingRolesPresent: ["Head of RevOps"], championIdentified: true }, technographics: { technologies: [] } });
  });

  it("answers nothing when the source does not know the account, or has nothing for the step", () => {
    expect(answerRequest(request, new Map())).toBeNull();
    const bare = AccountProfile.parse({ accountKey: known.accountKey });
    expect(answerRequest(request, new Map([[bare.accountKey, bare]]))).toBeNull();
  });
});
