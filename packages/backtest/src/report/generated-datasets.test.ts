import { describe, expect, it } from "vitest";
import { ProfileHistory } from "../outcomes/profile-history.js";
import { generateOutcomeDataset } from "../testing/synthetic-outcomes.js";
import { runBacktest } from "./run-backtest.js";

/**
 * The backtest on data whose truth we control. 1500 opportunities: enough that a real
 * effect shows, and that "no effect" is not mistaken for one.
 */
function backtest(effect: "none" | "planted", profiles: "history" | "current" = "history") {
  const data = generateOutcomeDataset({ seed: 12, accounts: 2000, opportunities: 1500, effect });
  const history = profiles === "history" ? ProfileHistory.from({ snapshots: data.snapshots }) : ProfileHistory.from({ undated: data.currentProfiles });
  return runBacktest({ rubrics: [data.rubric], history, signals: data.signals, opportunities: data.opportunities, asOf: data.asOf, options: { resamples: 300 } }).runs[0]!.report;
}

describe("the backtest on generated data", () => {
  it("finds no lift when the outcome is independent of every attribute", () => {
    const report = backtest("none");
    expect(["no_lift", "not_enough_evidence"]).toContain(report.headline.kind);
    expect(report.overall.auc!.interval.low).toBeLessThan(0.5);
    expect(report.overall.auc!.interval.high).toBeGreaterThan(0.5);
    expect(report.verdicts.some((v) => v.kind === "auc_chance")).toBe(true);
    expect(report.verdicts.some((v) => v.kind === "lift_meets_benchmark")).toBe(false);
  });

  it("is not fooled by what won deals bring after the fact (late signals, a profile enriched after the close)", () => {
    // The same data scored with today's profiles instead of the dated snapshots shows the
    // lift a leaky backtest would claim; the point-in-time one above does not.
    const leaky = backtest("none", "current");
    expect(leaky.overall.auc!.interval.low).toBeGreaterThan(0.55);
    expect(leaky.verdicts.some((v) => v.kind === "profiles_assumed")).toBe(true);
  });

  it("finds the lift planted in the data, with an AUC interval above chance", () => {
    const report = backtest("planted");
    expect(report.overall.auc!.interval.low).toBeGreaterThan(0.55);
    const top = report.tiers[0]!;
    expect(top.liftInterval!.low).toBeGreaterThan(1);
    expect(["lift_meets_benchmark", "lift_above_one_benchmark_unproven", "lift_below_benchmark"]).toContain(report.headline.kind);
  });
});
