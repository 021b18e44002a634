import { describe, expect, it } from "vitest";
import { AccountProfile } from "../domain/account-profile.js";
import { describeProfileInputs } from "./input-notes.js";

describe("describeProfileInputs", () => {
  it("shows each attribute left unknown with its value and why, and the rule used for ranges", () => {
    const profile = AccountProfile.parse({
      accountKey: "acme.com",
      firmographics: { employeeRange: { min: 51, max: 200 }, revenueRange: { minUsd: 1_000_000_000 } },
      unknownAttributes: [{ attribute: "employeeCount", value: "fifty-ish", reason: "not understood", column: "# Employees", at: "apollo.csv:7" }],
    });
    expect(describeProfileInputs(profile)).toEqual([
      'employee count unknown (value "fifty-ish" not understood)  [column "# Employees", apollo.csv:7]',
      "employee count given as a range: 51–200 (midpoint 126 used); rubric bands match that value",
      "revenue given as an open range from 1000000000 USD; rubric bands match its floor",
    ]);
  });

  it("lists the custom attributes the profile carries, by name", () => {
    const profile = AccountProfile.parse({ accountKey: "acme.com", custom: { seats: 120, lead_source: "Partner" } });
    expect(describeProfileInputs(profile)).toEqual(['custom attributes: lead_source = "Partner", seats = 120']);
  });

  it("says nothing for a profile of exact, known values", () => {
    expect(describeProfileInputs(AccountProfile.parse({ accountKey: "acme.com", firmographics: { employeeCount: 10 } }))).toEqual([]);
  });
});
