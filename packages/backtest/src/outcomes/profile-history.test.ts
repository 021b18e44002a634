import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { profileOf } from "../testing/builders.js";
import { ProfileHistory } from "./profile-history.js";

const early = { at: "2026-01-01T00:00:00Z", profile: profileOf("acme.com", { firmographics: { industry: "retail" } }) };
const later = { at: "2026-06-01T00:00:00Z", profile: profileOf("acme.com", { firmographics: { industry: "software" } }) };

describe("the profile known at an instant", () => {
  it("is the newest snapshot dated at or before the instant", () => {
    const history = ProfileHistory.from({ snapshots: [later, early] });
    expect(history.at("acme.com", "2026-03-01T00:00:00Z")).toMatchObject({ basis: "snapshot", knownAt: early.at, profile: early.profile });
    expect(history.at("acme.com", "2026-06-01T00:00:00Z")?.profile).toBe(later.profile);
  });

  it("is the undated profile, flagged as assumed, when the account has no snapshot", () => {
    const undated = profileOf("acme.com", { firmographics: { industry: "fintech" } });
    const history = ProfileHistory.from({ undated: [undated], snapshots: [{ ...later, profile: profileOf("other.com") }] });
    expect(history.at("acme.com", "2026-03-01T00:00:00Z")).toEqual({ profile: undated, basis: "undated" });
  });

  it("is the earliest snapshot, flagged, when every snapshot comes later, even beside an undated profile", () => {
    const undated = profileOf("acme.com", { firmographics: { industry: "fintech" } });
    const history = ProfileHistory.from({ undated: [undated], snapshots: [later] });
    expect(history.at("acme.com", "2026-03-01T00:00:00Z")).toMatchObject({ basis: "later_snapshot", profile: later.profile });
  });

  it("is nothing for an account without a profile", () => {
    expect(ProfileHistory.from({}).at("acme.com", "2026-03-01T00:00:00Z")).toBeUndefined();
  });

  it("does not depend on the order of the snapshots, even with two at one instant", () => {
    const twin = { at: early.at, profile: profileOf("acme.com", { firmographics: { industry: "saas" } }) };
    const snapshots = [early, later, twin];
    fc.assert(
      fc.property(fc.shuffledSubarray(snapshots, { minLength: 3, maxLength: 3 }), (order) => {
        expect(ProfileHistory.from({ snapshots: order }).at("acme.com", "2026-02-01T00:00:00Z")).toEqual(ProfileHistory.from({ snapshots }).at("acme.com", "2026-02-01T00:00:00Z"));
      }),
    );
  });
});
