import { describe, expect, it } from "vitest";
import { fitLogistic, predictLogistic } from "./logistic.js";
import type { SparseRow } from "./logistic.js";

/** A 2×2 table as rows: `a` won and `b` lost with the feature, `c` won and `d` lost without. */
function table(a: number, b: number, c: number, d: number): SparseRow[] {
  const on = [{ index: 0, value: 1 }];
  return [
    ...Array.from({ length: a }, () => ({ x: on, won: true })),
    ...Array.from({ length: b }, () => ({ x: on, won: false })),
    ...Array.from({ length: c }, () => ({ x: [], won: true })),
    ...Array.from({ length: d }, () => ({ x: [], won: false })),
  ];
}

describe("ridge logistic regression by IRLS", () => {
  it("with a negligible penalty gives the 2×2 table's log odds ratio and its textbook standard error", () => {
    const fit = fitLogistic(table(30, 20, 10, 40), 1, { l2: 1e-9 });
    expect(fit.converged).toBe(true);
    expect(fit.coefficients[0]).toBeCloseTo(Math.log((30 * 40) / (20 * 10)), 6);
    expect(fit.intercept).toBeCloseTo(Math.log(10 / 40), 6);
    expect(fit.standardErrors[0]).toBeCloseTo(Math.sqrt(1 / 30 + 1 / 20 + 1 / 10 + 1 / 40), 5);
    expect(fit.intervals[0]!.low).toBeLessThan(fit.coefficients[0]!);
  });

  it("predicts the observed win rates of each group", () => {
    const fit = fitLogistic(table(30, 20, 10, 40), 1, { l2: 1e-9 });
    expect(predictLogistic(fit, [{ index: 0, value: 1 }])).toBeCloseTo(0.6, 6);
    expect(predictLogistic(fit, [])).toBeCloseTo(0.2, 6);
  });

  it("shrinks a coefficient towards 0 as the penalty grows, never past it", () => {
    const rows = table(30, 20, 10, 40);
    const betas = [1e-9, 1, 10, 100].map((l2) => fitLogistic(rows, 1, { l2 }).coefficients[0] as number);
    for (let i = 1; i < betas.length; i++) {
      expect(betas[i]).toBeLessThan(betas[i - 1] as number);
      expect(betas[i]).toBeGreaterThan(0);
    }
  });

  it("stays finite when a feature separates won from lost perfectly", () => {
    const fit = fitLogistic(table(20, 0, 0, 20), 1, { l2: 1 });
    expect(fit.converged).toBe(true);
    expect(Number.isFinite(fit.coefficients[0])).toBe(true);
    expect(fit.coefficients[0]).toBeGreaterThan(2);
  });
});
