import { parseRubric } from "@icpstream/scoring";
import { describe, expect, it } from "vitest";
import { ProfileHistory } from "../outcomes/profile-history.js";
import { runBacktest } from "../report/run-backtest.js";
import { opportunity, profileOf, testRubric } from "../testing/builders.js";
import { SYNTHETIC_RUBRIC, generateOutcomeDataset } from "../testing/synthetic-outcomes.js";
import { calibrateRubric } from "./calibrate-rubric.js";
import { proposeThresholds } from "./propose-thresholds.js";

describe("calibrating tier thresholds", () => {
  const data = generateOutcomeDataset({ seed: 5, accounts: 2000, opportunities: 1200, effect: "planted" });
  const run = runBacktest({ rubrics: [data.rubric], history: ProfileHistory.from({ snapshots: data.snapshots }), signals: data.signals, opportunities: data.opportunities, asOf: data.asOf, options: { resamples: 50 } }).runs[0]!;
  const calibration = calibrateRubric({
    rubric: data.rubric,
    sourceText: SYNTHETIC_RUBRIC,
    source: "synthetic.yaml",
    target: "synthetic.calibrated.yaml",
    scorecards: [{ card: run.card, pool: run.pool, opportunities: run.pointInTime.scored }],
    asOf: data.asOf,
  });
  const [proposal] = calibration.proposals;

  it("moves the top threshold until 10–15% of the pool is in the top tier", () => {
    expect(proposal!.topShare.before).toBeLessThan(0.1);
    expect(proposal!.topShare.after).toBeGreaterThanOrEqual(0.1);
    expect(proposal!.topShare.after).toBeLessThanOrEqual(0.15);
    expect(proposal!.changed).toBe(true);
  });

  it("shows each tier before and after with its pool share and win rate", () => {
    expect(proposal!.before.map((t) => t.min)).toEqual([55, 30, 0]);
    expect(proposal!.after[0]!.min).toBe(proposal!.thresholds[0]!.after);
    expect(proposal!.after.reduce((s, t) => s + t.won + t.lost, 0)).toBe(proposal!.closedDeals);
  });

  it("writes a new rubric with a new version, the moved thresholds and comments saying what they were", () => {
    const written = calibration.written!;
    expect(written.rubric.version.hash).not.toBe(data.rubric.version.hash);
    expect(written.rubric.scorecards[0]!.tiers.map((t) => t.min)).toEqual(proposal!.thresholds.map((t) => t.after));
    expect(written.text).toContain("# Calibrated by icp calibrate on 2026-09-01 from synthetic.yaml");
    expect(written.text).toMatch(/min was 55 \(icp calibrate 2026-09-01\)/);
    expect(written.text).toContain("# Generated-data rubric");
    expect(written.rubric.version.label).toBe("synthetic ground truth (calibrated 2026-09-01)");
    expect(parseRubric(written.text, "again.yaml").version.hash).toBe(written.rubric.version.hash);
  });
});

describe("keeping the tiers' win rates ordered", () => {
  // fit = industry points / 30 × 100, total = fit / 2: industries s100…s20 give totals 50…10.
  const rubric = testRubric({
    fit: { firmographics: { max: 30, industry: [30, 24, 18, 12, 6].map((points, i) => ({ values: [`s${100 - i * 20}`], points })) } },
    tiers: [
      { id: "a", name: "Tier A", min: 45, action: "call" },
      { id: "b", name: "Tier B", min: 35, action: "sequence" },
      { id: "c", name: "Tier C", min: 0, action: "nurture" },
    ],
  });
  // Win rates by total: 50 → 80%, 40 → 10%, 30 → 60%, 20 → 20%, 10 → 10%. Tier B (≥ 35) holds
  // only the 40s and wins 10%, less than Tier C's 30%: the thresholds are out of order.
  const groups = [
    { industry: "s100", accounts: 12, winRate: 0.8 },
    { industry: "s80", accounts: 22, winRate: 0.1 },
    { industry: "s60", accounts: 22, winRate: 0.6 },
    { industry: "s40", accounts: 22, winRate: 0.2 },
    { industry: "s20", accounts: 22, winRate: 0.1 },
  ];
  const profiles = groups.flatMap((g) => Array.from({ length: g.accounts }, (_, i) => profileOf(`${g.industry}-${i}.com`, { firmographics: { industry: g.industry } })));
  const opportunities = groups.flatMap((g) =>
    Array.from({ length: g.accounts }, (_, i) => opportunity({ accountKey: `${g.industry}-${i}.com`, opportunityId: `${g.industry}-${i}`, stage: i < Math.round(g.winRate * g.accounts) ? "won" : "lost" })),
  );
  const run = runBacktest({ rubrics: [rubric], history: ProfileHistory.from({ undated: profiles }), signals: [], opportunities, asOf: "2026-06-01T00:00:00Z", options: { resamples: 20 } }).runs[0]!;
  const proposal = proposeThresholds({ card: run.card, pool: run.pool, opportunities: run.pointInTime.scored });

  it("keeps a top threshold whose share is already within 10–15%", () => {
    expect(proposal.topShare.before).toBeCloseTo(0.12, 10);
    expect(proposal.thresholds[0]).toMatchObject({ before: 45, after: 45 });
  });

  it("moves a lower threshold to the nearest value that orders the win rates", () => {
    expect(proposal.ordered).toEqual({ before: false, after: true });
    expect(proposal.thresholds[1]).toMatchObject({ before: 35, after: 30 });
    expect(proposal.after.map((t) => t.winRate)).toEqual([10 / 12, 15 / 44, 6 / 44]);
  });
});
