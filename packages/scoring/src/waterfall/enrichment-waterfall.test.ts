import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AccountProfile } from "../domain/account-profile.js";
import type { AccountProfileInput } from "../domain/account-profile.js";
import { scoreFit } from "../fit/fit-score.js";
import { parseRubric } from "../rubric/load-rubric.js";
import type { LoadedScorecard } from "../rubric/load-rubric.js";
import { rubric as testRubric, baseCard } from "../testing/fixtures.js";
import { decideEnrichment, formatWaterfallReport, waterfallReport } from "./enrichment-waterfall.js";
import type { WaterfallRules } from "./enrichment-waterfall.js";

/**
 * GTM article, "Automate enrichment": "filter by firmographics first, then enrich deeper layers
 * only for accounts that pass the floor. If a company has 8 employees and you sell to 50+ seat
 * teams, don't burn a Clay credit enriching their tech stack. The waterfall should be:
 * firmographic check → pass/fail → if pass, enrich technographics → score → if above threshold,
 * enrich organisational signals … enriching everything first and scoring second will cost three
 * to five times more in Clay credits with no improvement in output quality."
 */
type Card = LoadedScorecard & { waterfall: WaterfallRules };
const enterprise = parseRubric(readFileSync(new URL("../../../../rubrics/enterprise.yaml", import.meta.url), "utf8"), "enterprise.yaml").scorecards[0] as Card;
const NOTHING = { technographic: false, organisational: false };
const TECH = { technographic: true, organisational: false };
const ALL = { technographic: true, organisational: true };

// A rubric that sells to 50+ seat teams: firmographics (industry 20, size 10), technographics 20, organisational 10.
const seats = testRubric({
  scorecards: {
    t: baseCard({
      fit: {
        firmographics: { max: 30, industry: [{ values: ["software"], points: 20 }], employeeCount: [{ min: 50, points: 10 }] },
        technographics: { max: 20, integrating: { technologies: ["salesforce"], pointsEach: 20, max: 20 } },
        organisational: { max: 10, championIdentified: 10 },
        antiIcp: { hard: [{ when: "employeeCountBelow", value: 50, reason: "we sell to 50+ seat teams" }] },
      },
      waterfall: { firmographicFloor: 20, organisationalThreshold: 60 },
    }),
  },
}).scorecards[0] as Card;
const account = (input: Partial<AccountProfileInput>) => AccountProfile.parse({ accountKey: "acme.com", ...input });

describe("GTM article: the enrichment waterfall", () => {
  it("a company of 8 employees, when you sell to 50+ seat teams, gets no tech-stack enrichment", () => {
    const d = decideEnrichment(account({ firmographics: { industry: "software", employeeCount: 8 } }), seats, NOTHING);
    expect(d).toMatchObject({ next: null, stage: "excluded" });
    expect(d.reason).toBe("excluded by the firmographic check: we sell to 50+ seat teams (employeeCount = 8); nothing to enrich");
  });

  it("an account below the firmographic floor is not enriched; at the floor it is (the floor is inclusive)", () => {
    expect(decideEnrichment(account({ firmographics: { industry: "retail", employeeCount: 200 } }), seats, NOTHING)).toMatchObject({ next: null, stage: "below_floor", firmographicPoints: 10 });
    expect(decideEnrichment(account({ firmographics: { industry: "software" } }), seats, NOTHING)).toMatchObject({ next: "technographic", firmographicPoints: 20 });
  });

  it("firmographic check → pass → enrich technographics → score → above the threshold → enrich organisational signals", () => {
    const fits = account({ firmographics: { industry: "software", employeeCount: 200 }, technographics: { technologies: [{ name: "Salesforce" }], competitorContracts: [] } });
    expect(decideEnrichment(fits, seats, NOTHING)).toMatchObject({ next: "technographic", stage: "needs_technographic" });
    // 30 + 20 = 50 of 60 points = fit 83.33 ≥ 60.
    expect(decideEnrichment(fits, seats, TECH)).toMatchObject({ next: "organisational", stage: "needs_organisational", fitBeforeOrganisational: 83.33 });
    expect(decideEnrichment(fits, seats, ALL)).toMatchObject({ next: null, stage: "complete" });
  });

  it("below the score threshold after technographics, organisational data is not enriched", () => {
    const noStack = account({ firmographics: { industry: "software", employeeCount: 200 } });
    // 30 of 60 = fit 50 < 60.
    expect(decideEnrichment(noStack, seats, TECH)).toMatchObject({ next: null, stage: "below_threshold", fitBeforeOrganisational: 50 });
  });

  it("an organisational layer already in the profile does not count before it is enriched: the threshold is judged on firmographics and technographics", () => {
    const championOnly = account({ firmographics: { industry: "software", employeeCount: 200 }, organisational: { buyingRolesPresent: [], championIdentified: true } });
    expect(decideEnrichment(championOnly, seats, TECH)).toMatchObject({ stage: "below_threshold", fitBeforeOrganisational: 50 });
  });

  it("on a pool where 6 of 10 accounts fail the floor and 2 of the 4 left pass the threshold, enriching everything costs 20 calls against 6: 3.3×, in the article's three to five times", () => {
    const pool = [
      ...Array.from({ length: 6 }, (_, i) => account({ accountKey: `out-${i}.com`, firmographics: { industry: "retail", employeeCount: 100 } })),
      ...Array.from({ length: 2 }, (_, i) => account({ accountKey: `fit-${i}.com`, firmographics: { industry: "software", employeeCount: 200 }, technographics: { technologies: [{ name: "Salesforce" }], competitorContracts: [] }, organisational: { buyingRolesPresent: [], championIdentified: true } })),
      ...Array.from({ length: 2 }, (_, i) => account({ accountKey: `half-${i}.com`, firmographics: { industry: "software", employeeCount: 200 } })),
    ];
    const r = waterfallReport(pool, seats);
    expect(r.calls).toEqual({ waterfall: { technographic: 4, organisational: 2 }, everything: { technographic: 10, organisational: 10 } });
    expect(r.totals).toEqual({ waterfall: 6, everything: 20, saved: 14 });
    expect(r.ratio).toBe(3.33);
    expect(r.stoppedAt).toEqual({ excluded: 0, belowFloor: 6, belowThreshold: 2, complete: 2 });
    // "No improvement in output quality": every account that is top tier with everything enriched was enriched.
    expect(r.topTier.withEverything).toBe(2);
    expect(r.topTierMissed).toEqual({ count: 0, accounts: [] });
    expect(formatWaterfallReport(r).join("\n")).toContain("enriching everything first costs 3.33× the waterfall");
  });

  it("a threshold set too high is shown for what it costs: Tier 1 accounts stopped early", () => {
    const strict = { ...seats, waterfall: { firmographicFloor: 20, organisationalThreshold: 90 } };
    const r = waterfallReport([account({ firmographics: { industry: "software", employeeCount: 200 }, technographics: { technologies: [{ name: "Salesforce" }], competitorContracts: [] }, organisational: { buyingRolesPresent: [], championIdentified: true } })], strict);
    expect(r.topTierMissed).toEqual({ count: 1, accounts: ["acme.com"] });
  });
});

describe("the enterprise rubric's waterfall lines cost no Tier 1 account", () => {
  // Tier 1 by fit is 75 of 100 = 52.5 of 70 points; technographics give at most 25 and organisational 15.
  const full = { technographics: { technologies: [{ name: "Salesforce" }, { name: "HubSpot" }, { name: "Outreach" }, { name: "Gong" }, { name: "6sense" }], competitorContracts: [{ vendor: "LegacyScore", strength: "weak" as const }] }, organisational: { buyingRolesPresent: ["Head of RevOps", "VP Demand Gen"], championIdentified: true, budgetHolderIdentified: true } };
  // Software 12 + 50–199 employees 4 = 16… the floor's edge: industry 12 + 1 (SaaS delivery) = 13 and 12 alone.
  const at13 = account({ firmographics: { industry: "Computer Software", deliveryModel: "saas", employeeCount: 25 }, ...full });
  const at12 = account({ firmographics: { industry: "Computer Software", employeeCount: 25 }, ...full });

  it("13 firmographic points with everything else full is Tier 1 by fit, and the waterfall enriches it at every step", () => {
    expect(scoreFit(at13, enterprise).points).toBe(53);
    expect(decideEnrichment(at13, enterprise, NOTHING).next).toBe("technographic");
    expect(decideEnrichment(at13, enterprise, TECH).next).toBe("organisational");
  });

  it("12 firmographic points cannot reach Tier 1 even with everything else full, and stop at the floor", () => {
    expect(scoreFit(at12, enterprise).points).toBe(52);
    expect(decideEnrichment(at12, enterprise, NOTHING)).toMatchObject({ next: null, stage: "below_floor" });
  });
});
