import { describe, expect, it } from "vitest";
import { ProfileHistory } from "../outcomes/profile-history.js";
import { demoRequest, opportunity, profileOf, testRubric } from "../testing/builders.js";
import { runBacktest } from "./run-backtest.js";

// Tier A needs software (fit 100 × 0.5) and a fresh demo request (timing 100 × 0.5);
// software alone lands in Tier B, anything else in Tier C.
const rubric = testRubric();
const software = (key: string) => profileOf(key, { firmographics: { industry: "software" } });
const retail = (key: string) => profileOf(key, { firmographics: { industry: "retail" } });
const at = (day: number) => new Date(Date.parse("2026-01-01T00:00:00Z") + day * 86_400_000).toISOString();

function backtest(options = {}) {
  const profiles = [software("a1.com"), software("a2.com"), software("b1.com"), retail("c1.com"), retail("c2.com"), retail("c3.com")];
  const signals = [demoRequest("a1.com", at(9)), demoRequest("a2.com", at(9))];
  const opportunities = [
    opportunity({ accountKey: "a1.com", opportunityId: "a1-won", stage: "won", createdAt: at(10), closedAt: at(40), amount: 30_000, currency: "USD" }),
    opportunity({ accountKey: "a2.com", opportunityId: "a2-won", stage: "won", createdAt: at(10), closedAt: at(20), amount: 50_000, currency: "USD" }),
    opportunity({ accountKey: "a2.com", opportunityId: "a2-open", stage: "open", createdAt: at(12), amount: 10_000, currency: "USD" }),
    opportunity({ accountKey: "b1.com", opportunityId: "b1-lost", stage: "lost", createdAt: at(10), closedAt: at(30), amount: 20_000, currency: "USD" }),
    opportunity({ accountKey: "c1.com", opportunityId: "c1-won", stage: "won", createdAt: at(10), closedAt: at(100), amount: 5_000, currency: "EUR" }),
    opportunity({ accountKey: "c2.com", opportunityId: "c2-lost", stage: "lost", createdAt: at(10), closedAt: at(50) }),
    opportunity({ accountKey: "c3.com", opportunityId: "c3-lost", stage: "lost", createdAt: at(10), closedAt: at(50) }),
    opportunity({ accountKey: "nobody.com", opportunityId: "x-lost", stage: "lost", createdAt: at(10), closedAt: at(50) }),
  ];
  return runBacktest({ rubrics: [rubric], history: ProfileHistory.from({ undated: profiles }), signals, opportunities, asOf: at(200), options: { resamples: 200, ...options } }).runs[0]!.report;
}

describe("the backtest report per tier", () => {
  const report = backtest();
  const [a, b, c, excluded] = report.tiers;

  it("puts each opportunity in the tier its account had when the opportunity was created", () => {
    expect([a?.opportunities, b?.opportunities, c?.opportunities, excluded?.opportunities]).toEqual([3, 1, 3, 0]);
    expect([a?.accounts, b?.accounts, c?.accounts]).toEqual([2, 1, 3]);
  });

  it("reports open opportunities apart and never counts them as lost", () => {
    expect(a).toMatchObject({ open: 1, won: 2, lost: 0, winRate: 1 });
    expect(report.overall).toMatchObject({ opportunities: 7, open: 1, won: 3, lost: 3, closed: 6, winRate: 0.5 });
    expect(report.verdicts.some((v) => v.kind === "open_reported_apart")).toBe(true);
  });

  it("gives each win rate a Wilson interval and measures lift against the lowest tier with a closed deal", () => {
    expect(c?.winRate).toBeCloseTo(1 / 3, 10);
    expect(c?.winRateInterval?.low).toBeGreaterThan(0);
    expect(report.liftBaseline).toBe("c");
    expect(a?.lift).toBeCloseTo(3, 10);
    expect(c?.lift).toBeCloseTo(1, 10);
    expect(b?.lift).toBe(0);
  });

  it("computes contract value and cycle length over won deals in the report's currency, leaving other currencies out with a warning", () => {
    expect(report.currency).toBe("USD");
    expect(a).toMatchObject({ averageContractValue: 40_000, medianContractValue: 40_000, medianDaysToClose: 20 });
    expect(c?.averageContractValue).toBeNull();
    expect(c?.medianDaysToClose).toBe(90);
    expect(report.warnings[0]).toMatch(/1 opportunity in EUR left out of the money figures/);
  });

  it("shares of pipeline and won revenue add up to one across tiers", () => {
    const total = (f: (t: (typeof report.tiers)[number]) => number | null) => report.tiers.reduce((s, t) => s + (f(t) ?? 0), 0);
    expect(total((t) => t.pipelineShare)).toBeCloseTo(1, 10);
    expect(total((t) => t.pipelineValueShare)).toBeCloseTo(1, 10);
    expect(total((t) => t.wonRevenueShare)).toBeCloseTo(1, 10);
    expect(a?.wonRevenueShare).toBe(1);
  });

  it("says which opportunities it could not score and which profiles it assumed", () => {
    expect(report.assumptions).toEqual({ undatedProfiles: 7, laterSnapshots: 0, unscored: 1 });
    expect(report.verdicts.map((v) => v.kind)).toEqual(expect.arrayContaining(["profiles_assumed", "unscored_opportunities"]));
  });

  it("with six closed deals says there are too few to judge, and does not claim a lift", () => {
    expect(report.verdicts[0]?.kind).toBe("too_few_closed_deals");
    expect(report.headline.kind).toBe("not_enough_evidence");
  });

  it("reports the pool's tier shares as of the report's instant", () => {
    expect(report.pool.accounts).toBe(6);
    expect(report.tiers.reduce((s, t) => s + t.poolAccounts, 0)).toBe(6);
    expect(report.overall.scoreDistribution.reduce((s, bin) => s + bin.won + bin.lost, 0)).toBe(6);
  });

  it("is the same on every run (the bootstrap is seeded)", () => {
    expect(backtest()).toEqual(report);
  });
});
