import { describe, expect, it } from "vitest";
import { fitNaiveBayes, predictNaiveBayes } from "./naive-bayes.js";

const row = (industry: string, won: boolean) => ({ values: new Map([["industry", industry]]), won });

describe("the naive-Bayes baseline", () => {
  const rows = [row("software", true), row("software", true), row("software", false), row("retail", false), row("retail", false), row("retail", true)];
  const model = fitNaiveBayes(rows, ["industry"]);

  it("favours the value seen more often among won deals", () => {
    expect(predictNaiveBayes(model, new Map([["industry", "software"]]))).toBeGreaterThan(predictNaiveBayes(model, new Map([["industry", "retail"]])));
  });

  it("uses Laplace smoothing: software won 2 of 3, so P(software | won) = 3/6 and P(software | lost) = 2/6", () => {
    // prior: 3 won, 3 lost → log odds 0; value: (2+1)/(3+3) vs (1+1)/(3+3)
    expect(predictNaiveBayes(model, new Map([["industry", "software"]]))).toBeCloseTo(0.6, 10);
  });

  it("gives a value never seen in training the smoothing alone", () => {
    expect(predictNaiveBayes(model, new Map([["industry", "mining"]]))).toBeCloseTo(0.5, 10);
  });
});
