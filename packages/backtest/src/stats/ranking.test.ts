import fc from "fast-check";
import { wilcoxonRankSum } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { seededRandom } from "./random.js";
import { brierScore, rocAuc, rocAucWithInterval, rocCurve, scoreToCloseCorrelation } from "./ranking.js";

const deal = (score: number, won: boolean) => ({ score, won });

describe("ranking won deals above lost ones", () => {
  it("a score that puts every won deal above every lost one has an AUC of 1", () => {
    expect(rocAuc([deal(90, true), deal(80, true), deal(20, false), deal(10, false)])).toBe(1);
  });

  it("ties between a won and a lost deal count half", () => {
    expect(rocAuc([deal(50, true), deal(50, false)])).toBe(0.5);
  });

  it("there is no AUC without both won and lost deals", () => {
    expect(rocAuc([deal(50, true)])).toBeNull();
  });

  it("the AUC equals the Mann–Whitney statistic from simple-statistics' rank sum", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ score: fc.integer({ min: 0, max: 20 }), won: fc.boolean() }), { minLength: 2, maxLength: 60 }), (deals) => {
        const won = deals.filter((d) => d.won).map((d) => d.score);
        const lost = deals.filter((d) => !d.won).map((d) => d.score);
        if (won.length === 0 || lost.length === 0) return;
        const u = wilcoxonRankSum(won, lost) - (won.length * (won.length + 1)) / 2;
        expect(rocAuc(deals)).toBeCloseTo(u / (won.length * lost.length), 10);
      }),
    );
  });

  it("the bootstrap interval is the same for the same seed and holds the estimate", () => {
    const random = seededRandom(3);
    const deals = Array.from({ length: 400 }, () => deal(random.int(0, 100), random.next() < 0.4));
    const a = rocAucWithInterval(deals, { resamples: 300, seed: 11, random: seededRandom(11) });
    const b = rocAucWithInterval(deals, { resamples: 300, seed: 11, random: seededRandom(11) });
    expect(a).toEqual(b);
    expect(a!.interval.low).toBeLessThanOrEqual(a!.auc);
    expect(a!.interval.high).toBeGreaterThanOrEqual(a!.auc);
    expect(a!.interval.high - a!.interval.low).toBeGreaterThan(0);
  });

  it("the ROC curve runs from (0, 0) to (1, 1)", () => {
    const curve = rocCurve([deal(3, true), deal(2, false), deal(2, true), deal(1, false)]);
    expect(curve[0]).toEqual({ fpr: 0, tpr: 0 });
    expect(curve[curve.length - 1]).toEqual({ fpr: 1, tpr: 1 });
  });

  it("a long ROC curve is thinned to the asked number of points, keeping both ends", () => {
    const deals = Array.from({ length: 1000 }, (_, i) => deal(i, i % 3 === 0));
    const curve = rocCurve(deals, 50);
    expect(curve).toHaveLength(50);
    expect(curve[49]).toEqual({ fpr: 1, tpr: 1 });
  });

  it("the score-to-close correlation is positive when higher scores win", () => {
    expect(scoreToCloseCorrelation([deal(90, true), deal(70, true), deal(40, false), deal(10, false)])).toBeGreaterThan(0.8);
    expect(scoreToCloseCorrelation([deal(90, true), deal(70, true)])).toBeNull();
  });

  it("a coin-toss probability has a Brier score of 0.25", () => {
    expect(brierScore([{ probability: 0.5, won: true }, { probability: 0.5, won: false }])).toBe(0.25);
  });
});
