import { describe, expect, it } from "vitest";
import { ProfileHistory } from "../outcomes/profile-history.js";
import { scoreAtCreation } from "../score/point-in-time.js";
import { SignalIndex } from "../score/signal-index.js";
import { cardOf, demoRequest, opportunity, profileOf, testRubric } from "../testing/builders.js";
import { bandGaps, candidateFeatures, featureValues } from "./features.js";

const rubric = testRubric({
  fit: {
    firmographics: { max: 30, industry: [{ values: ["Computer Software", "saas"], points: 20 }], employeeCount: [{ min: 50, max: 499, points: 10 }] },
    organisational: { max: 10, championIdentified: 10 },
  },
});
const card = cardOf(rubric);

describe("the learner's features", () => {
  it("finds the stretches of a numeric attribute that no band covers", () => {
    expect(bandGaps([{ min: 200, max: 1999, points: 8 }, { min: 50, max: 199, points: 4 }, { min: 10000, points: 3 }])).toEqual([
      { min: 0, max: 49 },
      { min: 2000, max: 9999 },
    ]);
    expect(bandGaps([{ max: 100, points: 1 }])).toEqual([{ min: 101, max: undefined }]);
  });

  it("has one feature per rubric entry, per value no entry covers, per band and gap, per fit rule and per timing rule", () => {
    const ids = candidateFeatures(card, [profileOf("a.com", { firmographics: { industry: "Retail" } })]).map((f) => f.id);
    expect(ids).toEqual(["firmographics.industry[0]", "firmographics.industry=retail", "firmographics.employeeCount[0]", "firmographics.employeeCount(0-49)", "firmographics.employeeCount(500+)", "organisational.championIdentified", "timing.intent.demo"]);
  });

  it("makes custom attributes features: each value of a categorical one, the quartiles of a numeric one as whole-number bands", () => {
    const profiles = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => profileOf(`a${n}.com`, { custom: { lead_source: n % 2 ? "Partner" : "inbound", seats: n * 10 } }));
    const features = candidateFeatures(card, profiles).filter((f) => f.source === "attributes");
    expect(features.map((f) => f.id)).toEqual(["attributes.lead_source=inbound", "attributes.lead_source=partner", "attributes.seats(10-29)", "attributes.seats(30-49)", "attributes.seats(50-69)", "attributes.seats(70+)"]);
    const fractional = candidateFeatures(card, [0.5, 1.5, 2.5, 3.5].map((v, i) => profileOf(`f${i}.com`, { custom: { ratio: v } }))).filter((f) => f.source === "attributes");
    expect(fractional.map((f) => [f.min, f.max])).toEqual([[0.5, 0.5], [1.5, 1.5], [2.5, 2.5], [3.5, undefined]]);
  });

  it("reads an account's values as the engine matched them at the opportunity's creation, a half-decayed signal as 0.5", () => {
    const profile = profileOf("a.com", { firmographics: { industry: "SAAS", employeeCount: 600 }, organisational: { championIdentified: true } });
    const opp = opportunity({ accountKey: "a.com", opportunityId: "o", stage: "won", createdAt: "2026-03-01T00:00:00Z" });
    const [scored] = scoreAtCreation({ opportunities: [opp], history: ProfileHistory.from({ undated: [profile] }), signals: SignalIndex.from([demoRequest("a.com", "2026-01-15T00:00:00Z")]), card, version: rubric.version }).scored;
    const features = candidateFeatures(card, [profile]);
    const values = Object.fromEntries(featureValues(features, scored!, card).map(({ index, value }) => [features[index]!.id, value]));
    expect(values).toEqual({ "firmographics.industry[0]": 1, "firmographics.employeeCount(500+)": 1, "organisational.championIdentified": 1, "timing.intent.demo": 0.5 });
  });
});
