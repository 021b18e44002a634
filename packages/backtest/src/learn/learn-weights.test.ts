import { parseRubric } from "@icpstream/scoring";
import { describe, expect, it } from "vitest";
import { ProfileHistory } from "../outcomes/profile-history.js";
import { runBacktest } from "../report/run-backtest.js";
import { PLANTED_EFFECTS, SYNTHETIC_RUBRIC, generateOutcomeDataset } from "../testing/synthetic-outcomes.js";
import { LearnRefusal, learnWeights } from "./learn-weights.js";

function learn(effect: "none" | "planted", opportunities = 2500, options = {}) {
  const data = generateOutcomeDataset({ seed: 21, accounts: opportunities + 500, opportunities, effect });
  const history = ProfileHistory.from({ snapshots: data.snapshots });
  const run = runBacktest({ rubrics: [data.rubric], history, signals: data.signals, opportunities: data.opportunities, asOf: data.asOf, options: { resamples: 20 } }).runs[0]!;
  return learnWeights({ rubric: data.rubric, card: run.card, sourceText: SYNTHETIC_RUBRIC, source: "synthetic.yaml", target: "learned.yaml", scored: run.pointInTime.scored, history, signals: data.signals, asOf: data.asOf, options: { resamples: 200, ...options } });
}

describe("learning weights from outcomes", () => {
  it("refuses with a clear message under 100 closed deals", () => {
    expect(() => learn("planted", 80)).toThrow(LearnRefusal);
    expect(() => learn("planted", 80)).toThrow(/not enough closed deals to learn weights: \d+ \(\d+ won, \d+ lost\) where at least 100 are needed/);
  });

  it("lets the bar be lowered on purpose", () => {
    expect(learn("planted", 80, { minClosedDeals: 50 }).split.train.deals).toBeGreaterThan(0);
  });

  describe("on data with planted effects", () => {
    const result = learn("planted");
    const weight = (id: string) => result.weights.find((w) => w.feature.id === id)!;

    it("recovers each planted effect within its 95% interval", () => {
      for (const [id, truth] of Object.entries(PLANTED_EFFECTS)) {
        const w = weight(id);
        expect(w.interval!.low, id).toBeLessThanOrEqual(truth);
        expect(w.interval!.high, id).toBeGreaterThanOrEqual(truth);
        expect(w.interval!.low, id).toBeGreaterThan(0);
      }
    });

    it("says the rules without a planted effect carry no signal", () => {
      const silent = result.noSignal.map((w) => w.feature.id);
      expect(silent).not.toContain("firmographics.industry[0]");
      expect(silent).not.toContain("timing.intent.demo");
      // The planted effects carry a signal; of the ~15 others, at 95% about one shows one by chance (at most three here).
      const weighed = result.weights.filter((w) => w.coefficient !== null).length;
      expect(silent.length).toBeGreaterThanOrEqual(weighed - Object.keys(PLANTED_EFFECTS).length - 3);
    });

    it("ranks the test deals better than chance, and reports the hand rubric and naive Bayes on the same deals", () => {
      expect(result.test.learnedRubric.auc!.interval.low).toBeGreaterThan(0.5);
      expect(result.test.logistic.auc!.value).toBeGreaterThan(0.6);
      expect(result.test.handRubric.auc).not.toBeNull();
      expect(result.test.naiveBayes.brier).toBeGreaterThan(0);
      expect(result.test.learnedRubric.lift.lift).toBeGreaterThan(1);
    });

    it("writes a readable rubric: points per rule with the coefficient and interval beside it, and a new version", () => {
      const { text, rubric } = result.written;
      expect(rubric.version.hash).not.toBe(parseRubric(SYNTHETIC_RUBRIC, "s.yaml").version.hash);
      expect(parseRubric(text, "again.yaml").version.hash).toBe(rubric.version.hash);
      expect(text).toMatch(/# Learned by icp learn on 2026-09-01 from synthetic\.yaml/);
      expect(text).toMatch(/10 points double the odds of winning/);
      const software = weight("firmographics.industry[0]");
      expect(text).toContain(`- { values: [ software ], points: ${software.points} } # learned: β ${software.coefficient!.toFixed(2)} (95% ${software.interval!.low.toFixed(2)} to ${software.interval!.high.toFixed(2)})`);
      const card = rubric.scorecards[0]!;
      const demo = card.timing.layers.intent!.rules[0]!;
      expect(demo.points).toBe(weight("timing.intent.demo").points);
    });

    it("weighs a custom CRM attribute the hand rubric does not score, and writes it into the rubric's attributes layer", () => {
      const partner = weight("attributes.lead_source=partner");
      expect(partner.interval!.low).toBeGreaterThan(0);
      expect(weight("attributes.lead_source=inbound").note).toMatch(/the reference level of lead_source/);
      const card = result.written.rubric.scorecards[0]!;
      const rules = card.fit.attributes?.rules.lead_source as { values: string[]; points: number }[];
      expect(rules.find((r) => r.values.includes("partner"))?.points).toBe(partner.points);
      expect(result.written.text).toMatch(/attributes:\n\s+max: \d+\n\s+rules:\n\s+lead_source:/);
    });

    it("learns on a time-ordered split and says how many deals straddled the cutoff", () => {
      expect(Date.parse(result.split.cutoff)).toBeGreaterThan(0);
      expect(result.split.train.deals + result.split.test.deals + result.split.leftOut).toBeLessThanOrEqual(2500);
      expect(result.notes.join("\n")).toMatch(/closed after it are left out/);
    });
  });

  describe("on data where the outcome is independent of every attribute", () => {
    const result = learn("none");

    it("finds no rule with a signal beyond chance and a test AUC whose interval includes 0.5", () => {
      const withSignal = result.weights.filter((w) => w.interval && (w.interval.low > 0 || w.interval.high < 0));
      expect(withSignal.length).toBeLessThanOrEqual(1);
      expect(result.test.learnedRubric.auc!.interval.low).toBeLessThan(0.5);
      expect(result.test.learnedRubric.auc!.interval.high).toBeGreaterThan(0.5);
      expect(result.test.logistic.auc!.interval.low).toBeLessThan(0.5);
    });
  });
});
