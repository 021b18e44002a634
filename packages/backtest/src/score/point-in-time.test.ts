import { describe, expect, it } from "vitest";
import { ProfileHistory } from "../outcomes/profile-history.js";
import { cardOf, demoRequest, opportunity, profileOf, testRubric } from "../testing/builders.js";
import { scoreAtCreation } from "./point-in-time.js";
import { SignalIndex } from "./signal-index.js";

const rubric = testRubric();
const card = cardOf(rubric);
const CREATED = "2026-03-01T00:00:00.000Z";
const opp = opportunity({ accountKey: "acme.com", opportunityId: "o1", stage: "won", createdAt: CREATED });
const score = (signals: ReturnType<typeof demoRequest>[], history = ProfileHistory.from({ undated: [profileOf("acme.com")] })) =>
  scoreAtCreation({ opportunities: [opp], history, signals: SignalIndex.from(signals), card, version: rubric.version });

describe("scoring an opportunity as of its creation", () => {
  it("counts a signal from before the creation, decayed to its age then", () => {
    const result = score([demoRequest("acme.com", "2026-02-20T00:00:00Z")]);
    expect(result.scored[0]?.score.timing.points).toBe(20);
    expect(result.scored[0]?.score.asOf).toBe(CREATED);
  });

  it("ignores a signal from after the creation", () => {
    expect(score([demoRequest("acme.com", "2026-03-02T00:00:00Z")]).scored[0]?.score.timing.points).toBe(0);
  });

  it("ignores a signal at the very instant of creation: only what happened before counts", () => {
    expect(score([demoRequest("acme.com", CREATED)]).scored[0]?.score.timing.points).toBe(0);
  });

  it("ignores another account's signals", () => {
    expect(score([demoRequest("other.com", "2026-02-20T00:00:00Z")]).scored[0]?.score.timing.points).toBe(0);
  });

  it("uses the profile known then, not the one learned after the deal", () => {
    const history = ProfileHistory.from({
      snapshots: [
        { at: "2026-01-01T00:00:00Z", profile: profileOf("acme.com", { firmographics: { industry: "retail" } }) },
        { at: "2026-04-02T00:00:00Z", profile: profileOf("acme.com", { firmographics: { industry: "software" } }) },
      ],
    });
    const result = score([], history);
    expect(result.scored[0]?.score.fit.points).toBe(0);
    expect(result.scored[0]?.profileBasis).toBe("snapshot");
    expect(result.assumedProfiles).toEqual({ undated: 0, laterSnapshot: 0 });
  });

  it("counts the opportunities scored with an undated profile", () => {
    expect(score([]).assumedProfiles).toEqual({ undated: 1, laterSnapshot: 0 });
  });

  it("leaves out an opportunity whose account has no profile, with the reason", () => {
    const result = score([], ProfileHistory.from({}));
    expect(result.scored).toEqual([]);
    expect(result.unscored[0]?.reason).toMatch(/no profile for acme\.com/);
  });
});
