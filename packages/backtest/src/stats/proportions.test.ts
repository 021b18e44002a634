import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { differenceInterval, ratioInterval, wilsonInterval } from "./proportions.js";

describe("win-rate intervals", () => {
  it("the Wilson interval of 0 wins in 10 runs from 0 to 27.8% (Brown, Cai & DasGupta's table)", () => {
    const i = wilsonInterval(0, 10);
    expect(i?.low).toBe(0);
    expect(i?.high).toBeCloseTo(0.2775, 4);
  });

  it("the Wilson interval of 5 wins in 10 is 23.7% to 76.3%", () => {
    const i = wilsonInterval(5, 10);
    expect(i?.low).toBeCloseTo(0.2366, 4);
    expect(i?.high).toBeCloseTo(0.7634, 4);
  });

  it("a tier without closed deals has no interval", () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it("a Wilson interval always holds the observed rate and stays inside 0–1", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }).chain((n) => fc.tuple(fc.integer({ min: 0, max: n }), fc.constant(n))), ([x, n]) => {
        const i = wilsonInterval(x, n);
        expect(i).not.toBeNull();
        expect(i!.low).toBeGreaterThanOrEqual(0);
        expect(i!.high).toBeLessThanOrEqual(1);
        expect(i!.low).toBeLessThanOrEqual(x / n + 1e-12);
        expect(i!.high).toBeGreaterThanOrEqual(x / n - 1e-12);
      }),
    );
  });

  it("the interval of a difference of rates matches Newcombe's worked example (56/70 − 48/80 → 0.0524 to 0.3339)", () => {
    const d = differenceInterval(56, 70, 48, 80);
    expect(d?.low).toBeCloseTo(0.0524, 3);
    expect(d?.high).toBeCloseTo(0.3339, 3);
  });

  it("the lift of 30/100 over 10/100 is 3× with a Katz interval of 1.55× to 5.80×", () => {
    // se = √(1/30 − 1/100 + 1/10 − 1/100) = 0.33665; exp(ln 3 ± 1.96 × se)
    const { ratio, interval } = ratioInterval(30, 100, 10, 100);
    expect(ratio).toBeCloseTo(3, 10);
    expect(interval?.low).toBeCloseTo(1.5508, 3);
    expect(interval?.high).toBeCloseTo(5.8035, 3);
  });

  it("a lift over a tier that won nothing is infinite, and its interval is still finite", () => {
    const { ratio, interval } = ratioInterval(3, 10, 0, 10);
    expect(ratio).toBeNull();
    expect(Number.isFinite(interval!.high)).toBe(true);
    expect(interval!.low).toBeGreaterThan(0);
  });

  it("a lift interval always holds the observed lift when both tiers won something", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 }), (w1, w2, l1, l2) => {
        const { ratio, interval } = ratioInterval(w1, w1 + l1, w2, w2 + l2);
        if (w1 === w1 + l1 || w2 === w2 + l2) return; // the 0.5 correction moves the centre
        expect(interval!.low).toBeLessThanOrEqual(ratio! * (1 + 1e-9));
        expect(interval!.high).toBeGreaterThanOrEqual(ratio! * (1 - 1e-9));
      }),
    );
  });
});
