import { scoreBatch, toEpochMs, toIso } from "@icpstream/scoring";
import type { LoadedScorecard, Rubric, Signal } from "@icpstream/scoring";
import { proposeThresholds } from "../calibrate/propose-thresholds.js";
import type { CalibrationResult } from "../calibrate/propose-thresholds.js";
import { applyCalibration, derivedLabel, editRubricText } from "../calibrate/rubric-edit.js";
import type { ProfileHistory } from "../outcomes/profile-history.js";
import { DEFAULT_MIN_CLOSED_DEALS } from "../report/build-report.js";
import { rescore } from "../score/point-in-time.js";
import type { ScoredOpportunity } from "../score/point-in-time.js";
import { SignalIndex } from "../score/signal-index.js";
import { ratioInterval } from "../stats/proportions.js";
import type { Interval } from "../stats/proportions.js";
import { seededRandom } from "../stats/random.js";
import { brierScore, rocAucWithInterval } from "../stats/ranking.js";
import { candidateFeatures, featureValues } from "./features.js";
import type { Feature } from "./features.js";
import { applyLearnedWeights, toPoints, withFormatNotes } from "./learned-rubric.js";
import type { LearnedWeight } from "./learned-rubric.js";
import { fitLogistic, predictLogistic } from "./logistic.js";
import type { LogisticFit, SparseRow } from "./logistic.js";
import { fitNaiveBayes, predictNaiveBayes } from "./naive-bayes.js";
import { timeOrderedSplit } from "./time-split.js";

/**
 * `icp learn` as a function: weights learned in the open from closed deals.
 * 1. refuse under `minClosedDeals` closed deals (default 100: "predictive scoring needs
 *    ≥ 100 closed deals", SPEC), or when the training window lacks won or lost deals;
 * 2. split by time (time-split.ts); build the rubric's own features (features.ts) from the
 *    scores made as of each deal's creation; pool features that fired for fewer than
 *    `minCount` training deals; drop those that never vary;
 * 3. fit a ridge logistic regression (logistic.ts) and, as a baseline, naive Bayes over the
 *    same features made discrete (naive-bayes.ts);
 * 4. write the coefficients into the rubric's structure (learned-rubric.ts), set its tier
 *    thresholds by calibration on the pool and the training deals only, and reload it with
 *    the engine (a new version);
 * 5. judge everything on the test deals alone: AUC (with a seeded bootstrap interval) of the
 *    hand rubric's totals, the fitted model, the written rubric's totals and naive Bayes; the
 *    Brier score of the two probability models; top-tier lift of the hand and learned rubrics.
 */
export interface LearnOptions {
  minClosedDeals?: number;
  /** Share of closed deals (newest) kept for the test (default 0.3). */
  testShare?: number;
  /** Ridge penalty λ (default 1). */
  l2?: number;
  /** Training deals a feature must fire for to get its own weight (default 10). */
  minCount?: number;
  targetShare?: { low: number; high: number };
  resamples?: number;
  seed?: number;
}

export class LearnRefusal extends Error {
  override readonly name = "LearnRefusal";
  constructor(
    readonly code: "TOO_FEW_CLOSED_DEALS" | "ONE_OUTCOME_IN_TRAINING" | "NO_FEATURES",
    message: string,
  ) {
    super(message);
  }
}

export interface ModelScore {
  auc: { value: number; interval: Interval } | null;
  brier?: number | null;
}
export interface TierLift {
  top: string;
  bottom: string | null;
  topWinRate: number | null;
  bottomWinRate: number | null;
  lift: number | null;
  interval: Interval | null;
}

export interface LearnResult {
  scorecard: { id: string; name: string };
  source: { version: string; hash: string };
  split: { cutoff: string; train: { deals: number; won: number }; test: { deals: number; won: number }; leftOut: number };
  intercept: { value: number; interval: Interval };
  model: Pick<LogisticFit, "iterations" | "converged" | "l2">;
  weights: LearnedWeight[];
  /** Features kept in the model whose 95% interval includes 0. */
  noSignal: LearnedWeight[];
  /** Features left out of the model, with the reason. */
  dropped: LearnedWeight[];
  test: {
    handRubric: ModelScore & { lift: TierLift };
    logistic: ModelScore;
    learnedRubric: ModelScore & { lift: TierLift };
    naiveBayes: ModelScore;
  };
  calibration: CalibrationResult;
  written: { text: string; rubric: Rubric };
  notes: string[];
}

export interface LearnInput {
  rubric: Rubric;
  card: LoadedScorecard;
  sourceText: string;
  source: string;
  target: string;
  /** Every opportunity scored as of its creation on `card` (score/point-in-time.ts). */
  scored: readonly ScoredOpportunity[];
  history: ProfileHistory;
  signals: readonly Signal[];
  asOf: string | number;
  options?: LearnOptions;
}

const share = (won: number, all: number) => (all === 0 ? null : won / all);
const isWon = (s: ScoredOpportunity) => s.opportunity.stage === "won";

function tierLift(deals: readonly ScoredOpportunity[], card: LoadedScorecard): TierLift {
  const byRank = new Map<number, { won: number; all: number }>();
  for (const d of deals) {
    const r = d.score.result.tier.rank;
    if (r > card.tiers.length) continue;
    const c = byRank.get(r) ?? { won: 0, all: 0 };
    c.all++;
    if (isWon(d)) c.won++;
    byRank.set(r, c);
  }
  const top = byRank.get(1) ?? { won: 0, all: 0 };
  const bottomRank = [...byRank.keys()].filter((r) => r > 1).sort((a, b) => b - a)[0];
  const bottom = bottomRank === undefined ? undefined : byRank.get(bottomRank);
  const { ratio, interval } = bottom ? ratioInterval(top.won, top.all, bottom.won, bottom.all) : { ratio: null, interval: null };
  return {
    top: card.tiers[0]?.name ?? "top",
    bottom: bottomRank === undefined ? null : (card.tiers[bottomRank - 1]?.name ?? null),
    topWinRate: share(top.won, top.all),
    bottomWinRate: bottom ? share(bottom.won, bottom.all) : null,
    lift: ratio,
    interval,
  };
}

export function learnWeights(input: LearnInput): LearnResult {
  const options = input.options ?? {};
  const minClosed = options.minClosedDeals ?? DEFAULT_MIN_CLOSED_DEALS;
  const minCount = options.minCount ?? 10;
  const resamples = options.resamples ?? 1000;
  const seed = options.seed ?? 1;
  const { card } = input;
  const notes: string[] = [];

  const closed = input.scored.filter((s) => s.opportunity.stage !== "open");
  const wonCount = closed.filter(isWon).length;
  if (closed.length < minClosed) {
    throw new LearnRefusal(
      "TOO_FEW_CLOSED_DEALS",
      `not enough closed deals to learn weights: ${closed.length} (${wonCount} won, ${closed.length - wonCount} lost) where at least ${minClosed} are needed. With fewer, the learned points would mostly be noise; keep the hand rubric, check it with icp backtest, and come back when more deals have closed (--min-closed lowers the bar, at your own risk).`,
    );
  }
  const split = timeOrderedSplit(closed, options.testShare ?? 0.3);
  const trainWon = split.train.filter(isWon).length;
  if (trainWon === 0 || trainWon === split.train.length) {
    throw new LearnRefusal("ONE_OUTCOME_IN_TRAINING", `the training window (deals created and closed before ${split.cutoff}) has ${trainWon} won of ${split.train.length}: a model cannot learn from one outcome alone`);
  }
  if (split.leftOut.length > 0) notes.push(`${split.leftOut.length} deals created before ${split.cutoff} but closed after it are left out: at the cutoff their outcome was still the future`);

  // Features: the rubric's own, kept when they fire for at least minCount training deals and vary.
  const candidates = candidateFeatures(card, split.train.map((s) => s.profile));
  const trainValues = split.train.map((s) => featureValues(candidates, s, card));
  const fired = new Array<number>(candidates.length).fill(0);
  const distinct = candidates.map(() => new Set<number>());
  for (const row of trainValues) {
    for (const { index, value } of row) {
      fired[index] = (fired[index] as number) + 1;
      distinct[index]?.add(value);
    }
  }
  const kept: Feature[] = [];
  const dropped: LearnedWeight[] = [];
  let pooledValues = 0;
  candidates.forEach((feature, i) => {
    const n = fired[i] as number;
    const reason =
      feature.nominal === 0
        ? "the hand rubric gives it 0 points, so its firing does not show in the scores: give it a point to let icp learn weigh it"
        : n === 0
          ? "never fired in the training window"
          : n < minCount
            ? `too rare (fired for ${n} training deals, fewer than ${minCount}): pooled with unknown values`
            : n === split.train.length && (distinct[i]?.size ?? 0) <= 1
              ? "fired the same way for every training deal: nothing to compare it with"
              : undefined;
    if (reason === undefined) kept.push(feature);
    else if (feature.kind === "extra_value") pooledValues++;
    else dropped.push({ feature, coefficient: null, interval: null, fired: n, points: 0, note: reason });
  });
  // A categorical or numeric attribute whose kept values cover (nearly) every training deal
  // needs a reference level, or its weights only trade places with the intercept: the most
  // common value the hand rubric does not score (else the most common one) becomes the
  // baseline at 0 points, like an unknown value.
  for (const group of new Set(kept.filter((f) => f.kind !== "rule" && f.kind !== "timing").map((f) => f.group))) {
    const members = kept.filter((f) => f.group === group);
    const covered = new Set<number>();
    trainValues.forEach((row, r) => {
      if (row.some(({ index }) => members.includes(candidates[index] as Feature))) covered.add(r);
    });
    if (split.train.length - covered.size >= minCount) continue;
    const count = (f: Feature) => fired[candidates.indexOf(f)] as number;
    const unscored = members.filter((f) => f.kind === "extra_value" || f.kind === "band_gap");
    const reference = (unscored.length > 0 ? unscored : members).reduce((a, b) => (count(b) > count(a) ? b : a));
    kept.splice(kept.indexOf(reference), 1);
    dropped.push({ feature: reference, coefficient: null, interval: null, fired: count(reference), points: 0, note: `the reference level of ${reference.attribute}: nearly every training deal has a known ${reference.attribute}, so the others are weighed against this one (0 points)` });
  }
  if (pooledValues > 0) notes.push(`${pooledValues} values no rubric entry covers were too rare to weigh and are pooled with unknown values (0 points)`);
  if (kept.length === 0) throw new LearnRefusal("NO_FEATURES", "no rubric rule fires often enough in the training window to be weighed");

  const keptIndex = new Map(kept.map((f, i) => [f.id, i]));
  const reindex = (values: { index: number; value: number }[]) =>
    values.flatMap(({ index, value }) => {
      const k = keptIndex.get((candidates[index] as Feature).id);
      return k === undefined ? [] : [{ index: k, value }];
    });
  const rows = (deals: readonly ScoredOpportunity[]): SparseRow[] => deals.map((s) => ({ x: reindex(featureValues(candidates, s, card)), won: isWon(s) }));
  const trainRows = trainValues.map((v, i) => ({ x: reindex(v), won: isWon(split.train[i] as ScoredOpportunity) }));
  const testRows = rows(split.test);
  const fit = fitLogistic(trainRows, kept.length, { l2: options.l2 ?? 1 });
  if (!fit.converged) notes.push(`the fit stopped after ${fit.iterations} iterations without converging: read the intervals with care`);

  const keptFired = kept.map((f) => fired[candidates.findIndex((c) => c.id === f.id)] as number);
  const learned: LearnedWeight[] = kept.map((feature, i) => ({ feature, coefficient: fit.coefficients[i] as number, interval: fit.intervals[i] as Interval, fired: keptFired[i] as number, points: toPoints(fit.coefficients[i] as number) }));
  const weights = withFormatNotes([...learned, ...dropped].sort((a, b) => candidates.indexOf(a.feature) - candidates.indexOf(b.feature)));

  // Naive Bayes over the same features, made discrete.
  const discrete = (row: SparseRow) => {
    const values = new Map<string, string>();
    for (const { index, value } of row.x) {
      const f = kept[index] as Feature;
      if (f.kind === "rule" || f.kind === "timing") values.set(f.group, value !== 0 ? "fired" : "not");
      else values.set(f.group, f.id);
    }
    return values;
  };
  const groups = [...new Set(kept.map((f) => f.group))];
  const nb = fitNaiveBayes(trainRows.map((r) => ({ values: discrete(r), won: r.won })), groups);

  // The learned rubric, its thresholds from the pool and the training deals only.
  const asOfMs = typeof input.asOf === "number" ? input.asOf : toEpochMs(input.asOf);
  const date = toIso(asOfMs).slice(0, 10);
  const label = derivedLabel(input.rubric, "learned", date);
  const draft = editRubricText(input.sourceText, input.source, (doc) => {
    applyLearnedWeights(doc, card, weights);
    doc.set("label", label);
  }, [], input.target);
  const draftCard = draft.rubric.scorecards.find((c) => c.id === card.id) as LoadedScorecard;
  const signals = SignalIndex.from(input.signals);
  const profiles = input.history.accountKeys().map((k) => input.history.at(k, asOfMs)?.profile).filter((p) => p !== undefined);
  const pool = scoreBatch({ profiles, signals: input.signals, rubric: draft.rubric, asOf: asOfMs, scorecards: [card.id] }).rankings[0]?.ranked ?? [];
  const calibration = proposeThresholds({ card: draftCard, pool, opportunities: rescore(split.train, signals, draftCard, draft.rubric.version), ...(options.targetShare ? { target: options.targetShare } : {}) });
  const build = (header: readonly string[]) =>
    editRubricText(input.sourceText, input.source, (doc) => {
      applyLearnedWeights(doc, card, weights);
      applyCalibration(doc, [calibration], date);
      doc.set("label", label);
    }, header, input.target);
  const final = build([]);
  const finalCard = final.rubric.scorecards.find((c) => c.id === card.id) as LoadedScorecard;

  // Judged on the test deals only.
  const auc = (scores: number[]) => {
    const est = rocAucWithInterval(split.test.map((s, i) => ({ score: scores[i] as number, won: isWon(s) })), { resamples, seed, random: seededRandom(seed) });
    return est ? { value: est.auc, interval: est.interval } : null;
  };
  const logisticP = testRows.map((r) => predictLogistic(fit, r.x));
  const nbP = testRows.map((r) => predictNaiveBayes(nb, discrete(r)));
  const learnedTest = rescore(split.test, signals, finalCard, final.rubric.version);
  const test = {
    handRubric: { auc: auc(split.test.map((s) => s.score.result.total)), lift: tierLift(split.test, card) },
    logistic: { auc: auc(logisticP), brier: brierScore(logisticP.map((p, i) => ({ probability: p, won: isWon(split.test[i] as ScoredOpportunity) }))) },
    learnedRubric: { auc: auc(learnedTest.map((s) => s.score.result.total)), lift: tierLift(learnedTest, finalCard) },
    naiveBayes: { auc: auc(nbP), brier: brierScore(nbP.map((p, i) => ({ probability: p, won: isWon(split.test[i] as ScoredOpportunity) }))) },
  };
  if (split.test.filter(isWon).length === 0 || split.test.every(isWon)) notes.push("the test set has only one outcome: no AUC can be computed on it");

  const noSignal = learned.filter((w) => w.interval && w.interval.low <= 0 && w.interval.high >= 0);
  const f2 = (x: number | null | undefined) => (x === null || x === undefined ? "–" : x.toFixed(2));
  const header = [
    `Learned by icp learn on ${date} from ${input.source} (version ${input.rubric.version.hash.slice(0, 12)}), scorecard ${card.id}.`,
    `Model: L2-regularised logistic regression (λ = ${fit.l2}) over the rubric's own rules, trained on the ${split.train.length} deals`,
    `created and closed before ${split.cutoff} (${trainWon} won), tested on the ${split.test.length} created after; a time-ordered split.`,
    "Points: 10 points double the odds of winning (points = coefficient × 10 / ln 2, rounded). The comment beside",
    "each rule gives its coefficient (log-odds), 95% interval and how many training deals it fired for.",
    `Intercept ${f2(fit.intercept)} (95% ${f2(fit.interceptInterval.low)} to ${f2(fit.interceptInterval.high)}): the log-odds of a deal with no points.`,
    `Test AUC: learned rubric ${f2(test.learnedRubric.auc?.value)}, fitted model ${f2(test.logistic.auc?.value)}, hand rubric ${f2(test.handRubric.auc?.value)}, naive Bayes ${f2(test.naiveBayes.auc?.value)}.`,
    `No signal (interval includes 0): ${noSignal.length === 0 ? "none" : noSignal.map((w) => w.feature.id).join(", ")}.`,
    "Tier thresholds calibrated on the pool and the training deals; hard disqualifiers, decay and tier adjustments are the source's.",
  ];
  const written = build(header);
  return {
    scorecard: { id: card.id, name: card.name },
    source: { version: input.rubric.version.label ? `${input.rubric.version.label} @ ${input.rubric.version.hash.slice(0, 12)}` : input.rubric.version.hash.slice(0, 12), hash: input.rubric.version.hash },
    split: { cutoff: split.cutoff, train: { deals: split.train.length, won: trainWon }, test: { deals: split.test.length, won: split.test.filter(isWon).length }, leftOut: split.leftOut.length },
    intercept: { value: fit.intercept, interval: fit.interceptInterval },
    model: { iterations: fit.iterations, converged: fit.converged, l2: fit.l2 },
    weights,
    noSignal,
    dropped,
    test,
    calibration,
    written,
    notes,
  };
}
