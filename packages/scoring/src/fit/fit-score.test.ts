import { describe, expect, it } from "vitest";
import { profile, scorecard } from "../testing/fixtures.js";
import { scoreFit } from "./fit-score.js";

const firmoCard = scorecard({
  fit: {
    outOf: 30,
    firmographics: {
      max: 30,
      industry: [{ values: ["computer software", "saas"], points: 10 }, { values: ["retail"], points: 2 }],
      employeeCount: [{ min: 200, max: 1999, points: 8 }, { min: 50, max: 199, points: 4 }],
      revenueUsd: [{ min: 20_000_000, max: 500_000_000, points: 4 }],
      country: [{ values: ["US", "GB"], points: 3 }],
      region: [{ values: ["EMEA"], points: 3 }],
      businessModel: [{ values: ["b2b"], points: 2 }],
      deliveryModel: [{ values: ["saas"], points: 1 }],
      fundingStage: [{ values: ["series_b", "series_c"], points: 3 }],
    },
  },
});
const rule = (result: ReturnType<typeof scoreFit>, id: string) => result.contributions.find((c) => c.rule === id);

describe("firmographic rules", () => {
  it("match an industry whatever the source's spelling (HubSpot's COMPUTER_SOFTWARE)", () => {
    expect(rule(scoreFit(profile({ firmographics: { industry: "COMPUTER_SOFTWARE" } }), firmoCard), "firmographics.industry")?.points).toBe(10);
  });

  it.each([
    [49, undefined],
    [50, 4],
    [199, 4],
    [200, 8],
    [1999, 8],
    [2000, undefined],
  ])("treat employee bands as inclusive at both ends: %i employees score %s", (employees, points) => {
    expect(rule(scoreFit(profile({ firmographics: { employeeCount: employees } }), firmoCard), "firmographics.employeeCount")?.points).toBe(points);
  });

  it("use the midpoint of a revenue range when the exact revenue is unknown", () => {
    const hit = rule(scoreFit(profile({ firmographics: { revenueRange: { minUsd: 10_000_000, maxUsd: 50_000_000 } } }), firmoCard), "firmographics.revenueUsd");
    expect(hit?.points).toBe(4);
    expect(hit?.evidence[0]?.description).toContain("midpoint 30000000");
  });

  it("score country, region, business model, delivery model and funding stage", () => {
    const result = scoreFit(profile({ firmographics: { country: "GB", region: "EMEA", businessModel: "b2b", deliveryModel: "saas", fundingStage: "series_b" } }), firmoCard);
    expect(result.contributions.map((c) => [c.rule, c.points])).toEqual([
      ["firmographics.country", 3],
      ["firmographics.region", 3],
      ["firmographics.businessModel", 2],
      ["firmographics.deliveryModel", 1],
      ["firmographics.fundingStage", 3],
    ]);
  });

  it("cap the layer at its max and say by how much", () => {
    const card = scorecard({ fit: { outOf: 30, firmographics: { max: 12, industry: [{ values: ["saas"], points: 10 }], fundingStage: [{ values: ["series_b"], points: 5 }] } } });
    const result = scoreFit(profile({ firmographics: { industry: "SaaS", fundingStage: "series_b" } }), card);
    expect(result.layers[0]).toMatchObject({ id: "firmographics", points: 12, uncappedPoints: 15, max: 12 });
    expect(result.score).toBe(40);
  });

  it("give nothing for unknown attributes", () => {
    expect(scoreFit(profile(), firmoCard).contributions).toEqual([]);
  });
});

describe("technographic rules", () => {
  const card = scorecard({
    fit: {
      outOf: 25,
      technographics: {
        max: 25,
        integrating: { technologies: ["salesforce", "hubspot"], pointsEach: 12, max: 15 },
        adjacent: { technologies: ["outreach", "gong", "6sense"], pointsEach: 3, max: 8 },
        competing: { vendors: ["legacyscore"], weak: 5 },
      },
      antiIcp: { soft: { max: 10, deductions: { entrenchedCompetitor: 8 } } },
    },
  });
  const tech = (names: string[], contracts: { vendor: string; strength: "weak" | "entrenched" }[] = []) =>
    profile({ technographics: { technologies: names.map((name) => ({ name })), competitorContracts: contracts } });

  it("cap integrating technology at its group max", () => {
    const hit = scoreFit(tech(["Salesforce", "HubSpot"]), card).contributions.find((c) => c.rule === "technographics.integrating");
    expect(hit).toMatchObject({ points: 15, uncappedPoints: 24 });
  });

  it("count adjacent technology per tool up to its max", () => {
    expect(scoreFit(tech(["Outreach", "Gong"]), card).contributions.find((c) => c.rule === "technographics.adjacent")?.points).toBe(6);
    expect(scoreFit(tech(["Outreach", "Gong", "6sense"]), card).contributions.find((c) => c.rule === "technographics.adjacent")?.points).toBe(8);
  });

  it("add points for a weak competitor and deduct for an entrenched one", () => {
    const weak = scoreFit(tech([], [{ vendor: "LegacyScore", strength: "weak" }]), card);
    const entrenched = scoreFit(tech([], [{ vendor: "LegacyScore", strength: "entrenched" }]), card);
    expect(weak.points).toBe(5);
    expect(entrenched.points).toBe(-8);
    expect(entrenched.score).toBe(-32);
  });

  it("ignore a competitor seen in the stack without a contract record unless the rubric says how to read it", () => {
    expect(scoreFit(tech(["legacyscore"]), card).points).toBe(0);
  });
});

describe("organisational rules", () => {
  const card = scorecard({
    fit: {
      outOf: 15,
      organisational: { max: 15, buyingRoles: { roles: ["revops", "demand gen"], pointsEach: 4, max: 8 }, championIdentified: 4, budgetHolderIdentified: 3, hasTechnicalTeam: 2 },
    },
  });

  it("find buying roles by whole words in the titles present", () => {
    const result = scoreFit(profile({ organisational: { buyingRolesPresent: ["Head of RevOps", "VP Demand Gen"] } }), card);
    expect(result.contributions[0]).toMatchObject({ rule: "organisational.buyingRoles", points: 8 });
    expect(scoreFit(profile({ organisational: { buyingRolesPresent: ["Revopsify Admin"] } }), card).points).toBe(0);
  });

  it("score a champion, a budget holder and a technical team only when enrichment confirmed them", () => {
    expect(scoreFit(profile({ organisational: { buyingRolesPresent: [], championIdentified: true, budgetHolderIdentified: true, hasTechnicalTeam: true } }), card).points).toBe(9);
    expect(scoreFit(profile({ organisational: { buyingRolesPresent: [], championIdentified: false } }), card).points).toBe(0);
  });
});

describe("custom attribute rules", () => {
  const card = scorecard({
    fit: {
      firmographics: { max: 10, industry: [{ values: ["software"], points: 10 }] },
      attributes: {
        max: 12,
        rules: {
          lead_source: [{ values: ["partner referral", "customer referral"], points: 8, label: "Came through a referral" }, { values: ["inbound"], points: 3 }],
          seats: [{ min: 100, points: 6 }, { min: 20, max: 99, points: 3 }],
        },
      },
    },
  });

  it("count the attributes layer in the fit's scale when no outOf is given", () => {
    expect(card.fit.outOf).toBe(22);
  });

  it("score a categorical attribute by its value rules, whatever the CRM's spelling", () => {
    const result = scoreFit(profile({ custom: { lead_source: "Partner Referral" } }), card);
    expect(rule(result, "attributes.lead_source")).toMatchObject({ points: 8, label: "Came through a referral" });
    expect(result.layers.find((l) => l.id === "attributes")).toMatchObject({ points: 8, max: 12 });
  });

  it("score a numeric attribute by its bands, inclusive at both ends", () => {
    expect(rule(scoreFit(profile({ custom: { seats: 100 } }), card), "attributes.seats")?.points).toBe(6);
    expect(rule(scoreFit(profile({ custom: { seats: 99 } }), card), "attributes.seats")?.points).toBe(3);
    expect(rule(scoreFit(profile({ custom: { seats: 19 } }), card), "attributes.seats")).toBeUndefined();
  });

  it("cap the layer at its max", () => {
    const result = scoreFit(profile({ custom: { lead_source: "customer referral", seats: 500 } }), card);
    expect(result.layers.find((l) => l.id === "attributes")).toMatchObject({ points: 12, uncappedPoints: 14 });
  });

  it("match nothing for a missing attribute, an unlisted value, or a value of the other kind", () => {
    expect(scoreFit(profile(), card).points).toBe(0);
    expect(scoreFit(profile({ custom: { lead_source: "trade show" } }), card).points).toBe(0);
    expect(scoreFit(profile({ custom: { lead_source: 7, seats: "many" } }), card).points).toBe(0);
  });
});

describe("anti-ICP rules", () => {
  const card = scorecard({
    fit: {
      firmographics: { max: 30, industry: [{ values: ["software"], points: 30 }] },
      antiIcp: {
        hard: [
          { when: "employeeCountBelow", value: 20, reason: "below minimum viable size" },
          { when: "industryIn", values: ["gambling"] },
          { when: "fact", fact: "regulatoryBlocker" },
        ],
        soft: { max: 10, deductions: { recentLayoffs: 5, hiringFreeze: 4, noBudgetHolder: 3, lostOnPrice: 4 } },
      },
    },
  });

  it("exclude an account below the minimum size but keep its score and say why", () => {
    const result = scoreFit(profile({ firmographics: { industry: "software", employeeCount: 12 } }), card);
    expect(result.excluded).toBe(true);
    expect(result.score).toBe(100);
    expect(result.exclusions).toEqual([{ rule: "antiIcp.hard[0]", reason: "below minimum viable size", input: "employeeCount = 12" }]);
  });

  it("do not exclude an account at exactly the minimum size, nor one whose size is unknown", () => {
    expect(scoreFit(profile({ firmographics: { employeeCount: 20 } }), card).excluded).toBe(false);
    expect(scoreFit(profile(), card).excluded).toBe(false);
  });

  it("exclude on a regulatory blocker fact and on an excluded industry", () => {
    expect(scoreFit(profile({ antiIcp: { regulatoryBlocker: true } }), card).exclusions[0]?.reason).toBe("regulatoryBlocker");
    expect(scoreFit(profile({ firmographics: { industry: "Gambling" } }), card).excluded).toBe(true);
  });

  it("deduct soft disqualifiers up to the layer's cap", () => {
    const result = scoreFit(
      profile({ firmographics: { industry: "software" }, antiIcp: { recentLayoffs: true, hiringFreeze: true, lostOnPriceAt: "2026-05-01T00:00:00Z" }, organisational: { buyingRolesPresent: [], budgetHolderIdentified: false } }),
      card,
    );
    const anti = result.layers.find((l) => l.id === "antiIcp");
    expect(anti).toMatchObject({ points: -10, uncappedPoints: -16 });
    expect(result.points).toBe(20);
  });

  it("treat an unknown budget holder as unknown, not as missing", () => {
    expect(scoreFit(profile({ firmographics: { industry: "software" } }), card).points).toBe(30);
  });
});
