import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AccountProfile } from "./domain/account-profile.js";
import type { AccountProfileInput } from "./domain/account-profile.js";
import { Signal } from "./domain/signal.js";
import { DAY_MS } from "./domain/time.js";
import { scoreBatch } from "./batch/score-batch.js";
import { parseRubric, rubricFromValue } from "./rubric/load-rubric.js";
import type { LoadedScorecard, Rubric } from "./rubric/load-rubric.js";
import { scoreAccountOnScorecard, topReasons } from "./score-account.js";
import type { AccountScore } from "./score-account.js";

/**
 * The reference articles (shared/reference/), rule by rule and worked example by worked
 * example, against the shipped rubrics (rubrics/enterprise.yaml reproduces the GTM article's
 * 100-point rubric; rubrics/plg.yaml the methodology's weighted formula and A/B/C/D bands)
 * or against a rubric written from an article's own table. Each test names its article:
 * - GTM article: "Turn Your ICP Into a Working GTM System" (icp-as-a-gtm-system.txt);
 * - methodology: "ICP Scoring Methodology for B2B Sales" (icp-scoring-methodology.txt);
 * - guide: "The Complete Guide to ICP Scoring for B2B" (icp-scoring-guide.txt);
 * - account scoring article: "B2B Account Scoring Done Right" (account-scoring-process.txt);
 * - glossary: "What Is ICP Scoring?" (icp-scoring-glossary.txt).
 */
const load = (name: string): Rubric => parseRubric(readFileSync(new URL(`../../../rubrics/${name}`, import.meta.url), "utf8"), name);
const enterpriseRubric = load("enterprise.yaml");
const plgRubric = load("plg.yaml");
const enterprise = enterpriseRubric.scorecards[0] as LoadedScorecard;
const plg = plgRubric.scorecards[0] as LoadedScorecard;

const AS_OF = Date.parse("2026-11-01T00:00:00Z");
const ago = (days: number) => new Date(AS_OF - days * DAY_MS).toISOString();
let ids = 0;
const signal = (fields: Record<string, unknown> & { type: string }, ageDays: number, accountKey = "acme.com"): Signal =>
  Signal.parse({ eventId: `ref-${++ids}`, accountKey, occurredAt: ago(ageDays), ...fields });

/** Everything the enterprise rubric rewards, nothing it deducts: 30 + 25 + 15 = 70 fit points. */
const perfectEnterprise: AccountProfileInput = {
  accountKey: "acme.com",
  firmographics: { industry: "Computer Software", employeeCount: 800, revenueUsd: 90_000_000, country: "US", region: "NA", businessModel: "b2b", deliveryModel: "saas", fundingStage: "series_c" },
  technographics: {
    technologies: [{ name: "Salesforce" }, { name: "HubSpot" }, { name: "Outreach" }, { name: "Gong" }, { name: "6sense" }],
    competitorContracts: [{ vendor: "LegacyScore", strength: "weak" }],
  },
  organisational: { buyingRolesPresent: ["Head of RevOps", "VP Demand Gen"], championIdentified: true, budgetHolderIdentified: true, hasTechnicalTeam: true },
  antiIcp: {},
};
const profile = (input: AccountProfileInput = perfectEnterprise, overrides: Partial<AccountProfileInput> = {}) => AccountProfile.parse({ ...input, ...overrides });
const score = (card: LoadedScorecard, p: AccountProfile, signals: Signal[], rubric = card === plg ? plgRubric : enterpriseRubric, at = AS_OF): AccountScore => scoreAccountOnScorecard(p, signals, card, rubric.version, at);
const funding = (ageDays: number) => signal({ type: "funding_round", round: "series_b" }, ageDays);

/** A fit of about `fitScore` on the enterprise scorecard: the perfect account with parts taken away. */
function enterpriseFit(target: "31" | "56" | "71" | "80"): AccountProfile {
  const base = perfectEnterprise;
  switch (target) {
    case "80": // 56 of 70: no adjacent tools, no weak competitor, one role
      return profile(base, { technographics: { technologies: [{ name: "Salesforce" }, { name: "Gong" }], competitorContracts: [] }, organisational: { buyingRolesPresent: ["Head of RevOps"], championIdentified: true, budgetHolderIdentified: true } });
    case "71": // 50 of 70
      return profile(base, { technographics: { technologies: [{ name: "Salesforce" }], competitorContracts: [] }, organisational: { buyingRolesPresent: ["Head of RevOps"], championIdentified: true } });
    case "56": // 39 of 70
      return profile(base, { firmographics: { ...base.firmographics, industry: "Information Technology and Services" }, technographics: { technologies: [{ name: "Salesforce" }], competitorContracts: [] }, organisational: { buyingRolesPresent: [] } });
    case "31": // 22 of 70
      return profile({ accountKey: "acme.com", firmographics: { industry: "Retail", employeeCount: 300, businessModel: "b2b" }, technographics: { technologies: [{ name: "HubSpot" }], competitorContracts: [] }, organisational: { buyingRolesPresent: [] }, antiIcp: {} });
  }
}

describe("GTM article: the 100-point rubric (firmographics 30, technographics 25, triggers 20, organisational 15, negative −10)", () => {
  it("GTM article: the shipped enterprise rubric gives the five layers 30, 25, 20, 15 and −10 points", () => {
    expect(enterprise.fit.firmographics?.max).toBe(30);
    expect(enterprise.fit.technographics?.max).toBe(25);
    expect(enterprise.timing.layers.triggers?.max).toBe(20);
    expect(enterprise.fit.organisational?.max).toBe(15);
    expect(enterprise.fit.antiIcp.soft?.max).toBe(10);
    expect(enterprise.timing.layers.negative?.min).toBe(-10);
  });

  it("GTM article: perfect fit + fresh trigger = 90, Tier 1", () => {
    const s = score(enterprise, profile(), [funding(3)]);
    expect(s.fit.points).toBe(70);
    expect(s.result.total).toBe(90);
    expect(s.result.tier.id).toBe("tier1");
  });

  it("GTM article: perfect fit + a 45-day-old trigger = 80 (half points at 60 days), Tier 1", () => {
    const s = score(enterprise, profile(), [funding(45)]);
    expect(s.result.total).toBe(80);
    expect(s.result.tier.id).toBe("tier1");
  });

  it("GTM article: perfect fit and no trigger = 70, Tier 2 (a good account for next quarter)", () => {
    const s = score(enterprise, profile(), []);
    expect(s.result.total).toBe(70);
    expect(s.result.tier.id).toBe("tier2");
    expect(s.result.quadrant).toBe("nurture_for_timing");
  });

  it.each([
    [0, 90],
    [30, 90],
    [30.001, 80],
    [60, 80],
    [60.001, 75],
    [89.999, 75],
    [90, 70],
    [120, 70],
  ])("GTM article: trigger decay — full points within 30 days, half at 60, zero at 90: a %f-day-old trigger gives %f", (age, total) => {
    expect(score(enterprise, profile(), [funding(age)]).result.total).toBe(total);
  });

  it("GTM article: Tier 1 is 75–100, Tier 2 50–74, Tier 3 below 50", () => {
    expect(enterprise.tiers.map((t) => [t.id, t.min])).toEqual([
      ["tier1", 75],
      ["tier2", 50],
      ["tier3", 0],
    ]);
  });

  it("GTM article: integrating tech 10–15, adjacent tech 5–8, a weak competitor about +5", () => {
    const s = score(enterprise, profile(), []);
    const points = (rule: string) => s.fit.contributions.find((c) => c.rule === rule)?.uncappedPoints;
    expect(points("technographics.integrating")).toBeGreaterThanOrEqual(10);
    expect(enterprise.fit.technographics?.integrating?.max).toBe(15);
    expect(enterprise.fit.technographics?.adjacent?.max).toBe(8);
    expect(points("technographics.competing")).toBe(5);
  });

  it("GTM article: an entrenched enterprise competitor subtracts points — same category, opposite signal", () => {
    const weak = score(enterprise, profile(), []);
    const entrenched = score(enterprise, profile(perfectEnterprise, { technographics: { ...perfectEnterprise.technographics!, competitorContracts: [{ vendor: "LegacyScore", strength: "entrenched", contractEndsAt: "2029-06-30" }] } }), []);
    expect(entrenched.fit.points).toBeLessThan(weak.fit.points);
    expect(entrenched.fit.contributions.find((c) => c.rule === "antiIcp.entrenchedCompetitor")?.points).toBe(-8);
  });

  it("GTM article: a prospect locked into a three-year contract with the main competitor is not Tier 1 because of one demo request", () => {
    const locked = profile(perfectEnterprise, { technographics: { ...perfectEnterprise.technographics!, competitorContracts: [{ vendor: "LegacyScore", strength: "entrenched", contractEndsAt: "2029-06-30" }] } });
    const s = score(enterprise, locked, [signal({ type: "demo_request" }, 1), funding(2)]);
    expect(s.result.tier.id).toBe("tier2");
    expect(s.result.adjustments.map((a) => a.kind)).toContain("tier_cap");
    expect(topReasons(s, 5).some((r) => r.startsWith("capped at Tier 2: entrenched competitor contract"))).toBe(true);
  });

  it("GTM article: hard disqualifiers exclude the account but keep it, with the reason (below minimum size, 0% win-rate industry, regulatory blocker)", () => {
    for (const p of [
      profile(perfectEnterprise, { firmographics: { ...perfectEnterprise.firmographics, employeeCount: 12 } }),
      profile(perfectEnterprise, { firmographics: { ...perfectEnterprise.firmographics, industry: "Gambling & Casinos" } }),
      profile(perfectEnterprise, { antiIcp: { regulatoryBlocker: true } }),
    ]) {
      const s = score(enterprise, p, [funding(1)]);
      expect(s.result.tier.id).toBe("excluded");
      expect(s.fit.exclusions).toHaveLength(1);
      expect(s.result.total).toBeGreaterThan(0);
    }
  });

  it("GTM article: soft disqualifiers deduct without excluding (no budget holder, hiring freeze, lost on price, went dark), at most 10 points in all", () => {
    const soft = profile(perfectEnterprise, { organisational: { ...perfectEnterprise.organisational!, budgetHolderIdentified: false }, antiIcp: { hiringFreeze: true, lostOnPriceAt: "2026-03-01T00:00:00Z", dealWentDarkAt: "2026-05-01T00:00:00Z" } });
    const s = score(enterprise, soft, []);
    expect(s.result.tier.id).not.toBe("excluded");
    expect(s.fit.layers.find((l) => l.id === "antiIcp")).toMatchObject({ points: -10, uncappedPoints: -13 });
    expect(s.fit.contributions.filter((c) => c.layer === "antiIcp").reduce((sum, c) => sum + c.points, 0)).toBe(-10);
  });

  it("GTM article: 'raised a Series B last week' must not make a poor-fit account look like a good fit", () => {
    const poor = enterpriseFit("31");
    const quiet = score(enterprise, poor, []);
    const funded = score(enterprise, poor, [funding(7)]);
    expect(funded.fit).toEqual(quiet.fit);
    expect(funded.result.tier.id).not.toBe("tier1");
  });

  it("GTM article: run separate scorecards — a company perfect for self-serve is a poor enterprise prospect", () => {
    const selfServe = profile({
      accountKey: "acme.com",
      firmographics: { industry: "SaaS", employeeCount: 40, country: "US", region: "NA", businessModel: "b2b", deliveryModel: "saas", fundingStage: "seed" },
      technographics: { technologies: [{ name: "HubSpot" }, { name: "Slack" }, { name: "Zapier" }, { name: "Apollo" }, { name: "Lemlist" }], competitorContracts: [] },
      organisational: { buyingRolesPresent: [], hasTechnicalTeam: true, championIdentified: true },
      antiIcp: {},
    });
    expect(score(plg, selfServe, []).fit.score).toBeGreaterThanOrEqual(90);
    expect(score(enterprise, selfServe, []).fit.score).toBeLessThan(60);
  });
});

describe("methodology: intent layering and the strong-intent lift", () => {
  const demo = (ageDays: number) => signal({ type: "demo_request" }, ageDays);

  it("methodology: strong intent moves an account one tier up — a fit-based Tier 2 account with a fresh demo request is Tier 1", () => {
    const s = score(enterprise, enterpriseFit("71"), [demo(3)]);
    expect(s.fit.score).toBeGreaterThanOrEqual(60);
    expect(s.result.fitTier.id).toBe("tier2");
    expect(s.result.tier.id).toBe("tier1");
    expect(topReasons(s, 3)[0]).toBe("strong intent: demo request, 3 d old: one tier above the fit-based Tier 2, to Tier 1");
  });

  it.each([15, 30, 64, 75, 89])("methodology: strong intent is fresh intent — a single demo request %i days old lifts nothing", (age) => {
    const s = score(enterprise, profile(), [demo(age)]);
    expect(s.timing.strongIntent).toBe(false);
    expect(s.result.tier.id).toBe("tier2");
  });

  it("methodology: the lift starts from the fit-based tier, so intent is not counted twice — fit 31 with hot signals is Tier 2 at most", () => {
    const hot = [demo(1), funding(2), signal({ type: "pricing_page_visit" }, 1), signal({ type: "pricing_page_visit" }, 2), signal({ type: "pricing_page_visit" }, 3), signal({ type: "intent_topic_surge", topic: "Lead Scoring", score: 95, source: "bombora" }, 1)];
    const s = score(enterprise, enterpriseFit("31"), hot);
    expect(s.fit.score).toBeCloseTo(31.43, 2);
    expect(s.result.tier.id).toBe("tier2");
  });

  it("methodology: a poor-fit account (below the quadrant's fit line) is never lifted into the top tier", () => {
    const s = score(enterprise, enterpriseFit("56"), [demo(1)]);
    expect(s.fit.score).toBeLessThan(enterprise.quadrant.fitHigh);
    expect(s.result.fitTier.id).toBe("tier2");
    expect(s.result.tier.id).toBe("tier2");
    expect(s.result.quadrant).toBe("deprioritize");
  });

  it("methodology: a Tier C account by firmographic fit alone can move to Tier B when it shows strong first-party intent (PLG)", () => {
    const c = profile({ accountKey: "acme.com", firmographics: { industry: "SaaS", employeeCount: 50, deliveryModel: "saas" }, technographics: { technologies: [], competitorContracts: [] }, organisational: { buyingRolesPresent: [] }, antiIcp: {} });
    const quiet = score(plg, c, []);
    expect(quiet.fit.score).toBe(45);
    expect(quiet.result.fitTier.id).toBe("c");
    const keen = score(plg, c, [demo(2)]);
    expect(keen.result.tier.id).toBe("b");
  });

  it("methodology: a strong ICP-fit account with zero engagement stays at Tier B rather than Tier A (PLG), and at Tier 2 (enterprise)", () => {
    const topPlg = profile({
      accountKey: "acme.com",
      firmographics: { industry: "SaaS", employeeCount: 60, deliveryModel: "saas", fundingStage: "series_a" },
      technographics: { technologies: [{ name: "HubSpot" }, { name: "Slack" }, { name: "Apollo" }, { name: "Lemlist" }], competitorContracts: [] },
      organisational: { buyingRolesPresent: [], hasTechnicalTeam: true, championIdentified: true },
      antiIcp: {},
    });
    const s = score(plg, topPlg, []);
    expect(s.fit.score).toBe(100);
    expect(s.result.baseTier.id).toBe("c");
    expect(s.result.tier.id).toBe("b");
    expect(topReasons(s, 1)).toEqual(["strong fit, no timing signal: held at B (warm)"]);
    expect(score(enterprise, enterpriseFit("80"), []).result.tier.id).toBe("tier2");
  });

  it("methodology: a single pricing page visit is weak; three in one week from the same domain is strong", () => {
    const visit = (age: number) => signal({ type: "pricing_page_visit", visitorId: `v${age}` }, age);
    expect(score(enterprise, enterpriseFit("71"), [visit(1)]).timing.strongIntent).toBe(false);
    const three = score(enterprise, enterpriseFit("71"), [visit(1), visit(3), visit(5)]);
    expect(three.timing.strongIntent).toBe(true);
    expect(three.result.tier.id).toBe("tier1");
    expect(score(enterprise, enterpriseFit("71"), [visit(6), visit(8), visit(10)]).timing.strongIntent).toBe(false);
  });

  it("methodology: weight intent at 20–30% and allow a strong signal to move one tier regardless of the baseline (PLG formula)", () => {
    expect(plg.weights).toEqual({ fit: 0.4, engagement: 0.3, intent: 0.3 });
  });

  it("guide: intent layering — high fit + high intent = top priority, high fit + low intent = nurture for timing, low fit + high intent = qualify carefully, low + low = deprioritize", () => {
    const hot = [signal({ type: "intent_topic_surge", topic: "Lead Scoring", score: 90, source: "bombora" }, 1), signal({ type: "category_research", category: "Lead Scoring", activity: "comparison", source: "g2" }, 1), demo(1), signal({ type: "pricing_page_visit" }, 1)];
    expect(score(enterprise, profile(), hot).result.quadrant).toBe("top_priority");
    expect(score(enterprise, profile(), []).result.quadrant).toBe("nurture_for_timing");
    expect(score(enterprise, enterpriseFit("31"), hot).result.quadrant).toBe("qualify_carefully");
    expect(score(enterprise, enterpriseFit("31"), []).result.quadrant).toBe("deprioritize");
  });
});

describe("methodology: hiring signals, negative scoring and decay", () => {
  it.each(["Head of Outbound", "Outbound Sales Rep", "RevOps Manager", "Demand Gen Lead", "Head of Growth", "Sr. Revenue Operations Manager", "Rev Ops Lead", "Senior Demand Generation Manager", "SDR Manager"])(
    "methodology: a posting for %s raises the score the moment it fires",
    (title) => {
      const before = score(enterprise, enterpriseFit("71"), []);
      const after = score(enterprise, enterpriseFit("71"), [signal({ type: "job_posting", title }, 0)]);
      expect(after.timing.contributions.some((c) => c.rule === "timing.triggers.gtm-roles")).toBe(true);
      expect(after.result.total).toBeGreaterThan(before.result.total);
    },
  );

  it("methodology: the same posting seen on two job boards counts once (same posting id, or the same title within a day)", () => {
    const a = signal({ type: "job_posting", title: "RevOps Manager", postingId: "p-1", source: "linkedin" }, 3);
    const sameId = signal({ type: "job_posting", title: "Revenue Operations Manager", postingId: "p-1", source: "indeed" }, 2);
    const sameTitle = signal({ type: "job_posting", title: "Rev Ops Manager", source: "glassdoor" }, 2.5);
    const s = score(enterprise, profile(), [a, sameId, sameTitle]);
    expect(s.timing.contributions.find((c) => c.rule === "timing.triggers.gtm-roles")?.points).toBe(10);
    expect(s.timing.duplicates.map((d) => d.eventId).sort()).toEqual([sameId.eventId, sameTitle.eventId].sort());
  });

  it("methodology: the same pricing-page visit delivered three times with new ids is one visit (same visitor id)", () => {
    const at = (minutes: number) => signal({ type: "pricing_page_visit", visitorId: "v-9", url: "https://seller.example/pricing" }, 2 - minutes / 1440);
    const s = score(enterprise, enterpriseFit("71"), [at(0), at(1), at(2)]);
    expect(s.timing.strongIntent).toBe(false);
    expect(s.timing.contributions.find((c) => c.rule === "timing.engagement.pricing-visits")?.points).toBeLessThan(15);
  });

  it.each([
    ["careers_page_visit", 67],
    ["unsubscribe", 65],
    ["competitor_visitor", 60],
  ])("methodology: negative behaviour (%s) reduces the score even with no positive timing, to %f", (type, total) => {
    const s = score(enterprise, profile(), [signal({ type }, 2)]);
    expect(s.timing.hasTimingSignal).toBe(false);
    expect(s.result.total).toBe(total);
    expect(s.timing.contributions.filter((c) => c.layer === "negative").every((c) => c.points < 0)).toBe(true);
  });

  it("guide: recent layoffs subtract points (a layoffs signal has its own rule in the shipped rubric)", () => {
    const s = score(enterprise, profile(), [signal({ type: "layoffs", percentOfWorkforce: 10 }, 5)]);
    expect(s.result.total).toBe(65);
    expect(s.timing.contributions.find((c) => c.rule === "timing.negative.layoffs")?.points).toBe(-5);
  });

  it("methodology: reset behavioural scores to zero after 90 days of inactivity", () => {
    const visits = [signal({ type: "pricing_page_visit" }, 89), signal({ type: "webinar_attended", webinarId: "w1" }, 89.5)];
    expect(score(enterprise, profile(), visits).timing.layers.find((l) => l.id === "engagement")?.points).toBeGreaterThan(0);
    expect(score(enterprise, profile(), visits, enterpriseRubric, AS_OF + DAY_MS).timing.layers.find((l) => l.id === "engagement")?.points).toBe(0);
  });

  it("methodology: a pricing page visit from six months ago carries less weight than one from last week", () => {
    const recent = score(enterprise, profile(), [signal({ type: "pricing_page_visit" }, 7)]);
    const old = score(enterprise, profile(), [signal({ type: "pricing_page_visit" }, 180)]);
    expect(old.timing.points).toBeLessThan(recent.timing.points);
  });
});

describe("methodology: tiers and their health", () => {
  it("methodology: the PLG scorecard uses A (80–100), B (50–79), C (25–49), D (0–24)", () => {
    expect(plg.tiers.map((t) => [t.id, t.min])).toEqual([
      ["a", 80],
      ["b", 50],
      ["c", 25],
      ["d", 0],
    ]);
  });

  it("methodology: if 60–70% of accounts score as Tier A the thresholds are too generous; Tier A should be roughly 10–15% of the pool", () => {
    const pool = Array.from({ length: 10 }, (_, i) => AccountProfile.parse({ ...perfectEnterprise, accountKey: `a${i}.com` }));
    const hot = pool.slice(0, 7).map((p) => ({ ...funding(1), accountKey: p.accountKey }));
    const generous = scoreBatch({ profiles: pool, signals: hot, rubric: enterpriseRubric, asOf: AS_OF }).rankings[0]!;
    expect(generous.topTier).toMatchObject({ status: "above", share: 0.7 });
    expect(generous.warnings[0]).toContain("raise Tier 1's min (75): the thresholds are too generous");
    const strict = scoreBatch({ profiles: pool, signals: [], rubric: enterpriseRubric, asOf: AS_OF }).rankings[0]!;
    expect(strict.topTier).toMatchObject({ status: "below", share: 0 });
    expect(strict.warnings[0]).toContain("lower Tier 1's min (75)");
  });
});

describe("guide: a point-based model from the guide's example weighting", () => {
  // Uses Kubernetes 25, 50-500 employees 20, Series B-D funded 15, posted a DevOps job 15,
  // tech industry 10, US-based 10, has a CISO 5 = 100.
  const guide = rubricFromValue(
    {
      scorecards: {
        guide: {
          name: "Guide example weighting",
          fit: {
            outOf: 85,
            firmographics: {
              max: 55,
              employeeCount: [{ min: 50, max: 500, points: 20 }],
              fundingStage: [{ values: ["series_b", "series_c", "series_d_plus"], points: 15 }],
              industry: [{ values: ["technology", "computer software"], points: 10 }],
              country: [{ values: ["US"], points: 10 }],
            },
            technographics: { max: 25, integrating: { technologies: ["kubernetes"], pointsEach: 25, max: 25 } },
            organisational: { max: 5, buyingRoles: { roles: ["ciso"], pointsEach: 5, max: 5 } },
          },
          timing: { outOf: 15, layers: { hiring: { max: 15, rules: [{ id: "devops", signal: "job_posting", where: { title: { contains: ["devops"] } }, points: 15 }] } } },
          weights: { fit: 0.85, timing: 0.15 },
          tiers: [
            { id: "hot", name: "Hot", min: 90, action: "Immediate, high-touch outreach" },
            { id: "warm", name: "Warm", min: 70, action: "Prioritized sequences" },
            { id: "nurture", name: "Nurture", min: 50, action: "Automated nurture tracks" },
            { id: "low", name: "Deprioritize", min: 0, action: "Deprioritize or exclude" },
          ],
          holdWithoutTiming: false,
        },
      },
    },
    "guide.yaml",
  );
  const card = guide.scorecards[0] as LoadedScorecard;
  const everything = AccountProfile.parse({
    accountKey: "acme.com",
    firmographics: { industry: "Technology", employeeCount: 300, country: "US", fundingStage: "series_c" },
    technographics: { technologies: [{ name: "Kubernetes" }], competitorContracts: [] },
    organisational: { buyingRolesPresent: ["CISO"] },
  });

  it("guide: an account with every weighted factor scores 100 and is Hot (90–100)", () => {
    const s = scoreAccountOnScorecard(everything, [signal({ type: "job_posting", title: "Senior DevOps Engineer" }, 2)], card, guide.version, AS_OF);
    expect(s.result.total).toBe(100);
    expect(s.result.tier.id).toBe("hot");
  });

  it("guide: without the DevOps posting it scores 85, Warm (70–89)", () => {
    const s = scoreAccountOnScorecard(everything, [], card, guide.version, AS_OF);
    expect(s.result.total).toBe(85);
    expect(s.result.tier.id).toBe("warm");
  });
});

describe("account scoring article: attributes scored by importance", () => {
  // Company revenue 10, company size 8, number of engagements 7; sales-ready at 25.
  const article = rubricFromValue(
    {
      scorecards: {
        abm: {
          name: "Account scoring article example",
          fit: { outOf: 18, firmographics: { max: 18, revenueUsd: [{ min: 5_000_000, points: 10 }], employeeCount: [{ min: 20, max: 999, points: 8, label: "small-to-midsize" }] } },
          timing: { outOf: 7, decay: { kind: "none" }, layers: { engagement: { max: 7, rules: [{ id: "content", signal: "content_download", points: 1.4, combine: "sum", cap: 7 }] } } },
          weights: { fit: 0.72, timing: 0.28 },
          tiers: [
            { id: "sales_ready", name: "Sales-ready", min: 100, action: "Notify sales to reach out" },
            { id: "not_yet", name: "Not yet", min: 0, action: "Keep engaging" },
          ],
          holdWithoutTiming: false,
        },
      },
    },
    "article.yaml",
  );
  const card = article.scorecards[0] as LoadedScorecard;

  it("account scoring article: $7M revenue, small-to-midsize, more than 5 content interactions meets every criterion: 25 of 25, sales-ready", () => {
    const account = AccountProfile.parse({ accountKey: "acme.com", firmographics: { revenueUsd: 7_000_000, employeeCount: 150 } });
    const downloads = Array.from({ length: 6 }, (_, i) => signal({ type: "content_download", asset: `report ${i}`, assetType: "report" }, i + 1));
    const s = scoreAccountOnScorecard(account, downloads, card, article.version, AS_OF);
    expect(s.fit.points + s.timing.points).toBe(25);
    expect(s.result.tier.id).toBe("sales_ready");
  });
});

describe("glossary: interested but unlikely to succeed", () => {
  it("glossary: a prospect can be very engaged (high timing) yet a poor fit (low ICP score), and it is not routed as a top account", () => {
    const engaged = [signal({ type: "webinar_attended", webinarId: "w" }, 1), signal({ type: "email_reply", sentiment: "positive" }, 1), signal({ type: "content_download", asset: "ROI", assetType: "roi_calculator" }, 1)];
    const s = score(enterprise, enterpriseFit("31"), engaged);
    expect(s.timing.score).toBeGreaterThan(20);
    expect(s.result.tier.id).toBe("tier3");
  });
});
