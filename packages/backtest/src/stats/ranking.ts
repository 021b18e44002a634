import { sampleRankCorrelation } from "simple-statistics";
import type { Interval } from "./proportions.js";
import type { Random } from "./random.js";

/**
 * How well a score ranks won deals above lost ones.
 *
 * ROC AUC is the Mann–Whitney probability that a random won deal scores above a random
 * lost one (ties count half). Its interval is a stratified percentile bootstrap (won and
 * lost deals resampled separately, as pROC does by default), seeded, so it is the same on
 * every run. Each resample is one pass over the deals sorted once by score, weighted by how
 * often the resample drew each deal, so 1000 resamples of 20k deals take well under a second.
 */
export interface Labelled {
  score: number;
  won: boolean;
}

interface Sorted {
  /** Indices into the deals, ascending by score. */
  order: Int32Array;
  /** For each position, one past the last position of its tie group. */
  groupEnd: Int32Array;
}

function sortByScore(deals: readonly Labelled[]): Sorted {
  const order = Int32Array.from(deals.keys()).sort((a, b) => (deals[a] as Labelled).score - (deals[b] as Labelled).score);
  const groupEnd = new Int32Array(order.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    const score = (deals[order[i] as number] as Labelled).score;
    while (j + 1 < order.length && (deals[order[j + 1] as number] as Labelled).score === score) j++;
    for (let k = i; k <= j; k++) groupEnd[k] = j + 1;
    i = j + 1;
  }
  return { order, groupEnd };
}

/** AUC with each deal weighted (a bootstrap multiplicity, or 1). Null when either class weighs nothing. */
function weightedAuc(deals: readonly Labelled[], sorted: Sorted, weight: (i: number) => number): number | null {
  let wonWeight = 0;
  let lostWeight = 0;
  let lostBelow = 0;
  let concordant = 0;
  const { order, groupEnd } = sorted;
  let i = 0;
  while (i < order.length) {
    const end = groupEnd[i] as number;
    let groupWon = 0;
    let groupLost = 0;
    for (let k = i; k < end; k++) {
      const index = order[k] as number;
      const w = weight(index);
      if ((deals[index] as Labelled).won) groupWon += w;
      else groupLost += w;
    }
    concordant += groupWon * (lostBelow + groupLost / 2);
    lostBelow += groupLost;
    wonWeight += groupWon;
    lostWeight += groupLost;
    i = end;
  }
  return wonWeight === 0 || lostWeight === 0 ? null : concordant / (wonWeight * lostWeight);
}

export function rocAuc(deals: readonly Labelled[]): number | null {
  return weightedAuc(deals, sortByScore(deals), () => 1);
}

export interface AucEstimate {
  auc: number;
  interval: Interval;
  resamples: number;
  seed: number;
}

/** AUC with a stratified bootstrap 95% percentile interval. Null when there is no won or no lost deal. */
export function rocAucWithInterval(deals: readonly Labelled[], options: { resamples: number; seed: number; random: Random }): AucEstimate | null {
  if (!Number.isInteger(options.resamples) || options.resamples < 1) throw new RangeError(`expected at least one bootstrap resample, got ${options.resamples}`);
  const sorted = sortByScore(deals);
  const auc = weightedAuc(deals, sorted, () => 1);
  if (auc === null) return null;
  // Work in sorted positions with typed arrays: a resample is a count per position.
  const n = deals.length;
  const won = new Uint8Array(n);
  const groupEnd = sorted.groupEnd;
  const wonPositions: number[] = [];
  const lostPositions: number[] = [];
  for (let k = 0; k < n; k++) {
    const isWon = (deals[sorted.order[k] as number] as Labelled).won;
    won[k] = isWon ? 1 : 0;
    (isWon ? wonPositions : lostPositions).push(k);
  }
  const counts = new Float64Array(n);
  const estimates = new Float64Array(options.resamples);
  for (let r = 0; r < options.resamples; r++) {
    counts.fill(0);
    for (const positions of [wonPositions, lostPositions]) {
      const last = positions.length - 1;
      for (let k = 0; k <= last; k++) {
        const drawn = positions[options.random.int(0, last)] as number;
        counts[drawn] = (counts[drawn] as number) + 1;
      }
    }
    let lostBelow = 0;
    let concordant = 0;
    let i = 0;
    while (i < n) {
      const end = groupEnd[i] as number;
      let groupWon = 0;
      let groupLost = 0;
      for (let k = i; k < end; k++) {
        if (won[k] === 1) groupWon += counts[k] as number;
        else groupLost += counts[k] as number;
      }
      concordant += groupWon * (lostBelow + groupLost / 2);
      lostBelow += groupLost;
      i = end;
    }
    estimates[r] = concordant / (wonPositions.length * lostPositions.length);
  }
  estimates.sort();
  const at = (q: number) => estimates[Math.min(estimates.length - 1, Math.max(0, Math.floor(q * estimates.length)))] as number;
  return { auc, interval: { low: at(0.025), high: at(0.975) }, resamples: options.resamples, seed: options.seed };
}

/** Points of the ROC curve (false positive rate, true positive rate), from the strictest threshold down, at most `maxPoints`. */
export function rocCurve(deals: readonly Labelled[], maxPoints = 200): { fpr: number; tpr: number }[] {
  const won = deals.filter((d) => d.won).length;
  const lost = deals.length - won;
  if (won === 0 || lost === 0) return [];
  const sorted = [...deals].sort((a, b) => b.score - a.score);
  const points = [{ fpr: 0, tpr: 0 }];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < sorted.length; i++) {
    const d = sorted[i] as Labelled;
    if (d.won) tp++;
    else fp++;
    const next = sorted[i + 1];
    if (!next || next.score !== d.score) points.push({ fpr: fp / lost, tpr: tp / won });
  }
  if (points.length <= maxPoints) return points;
  const step = (points.length - 1) / (maxPoints - 1);
  return Array.from({ length: maxPoints }, (_, k) => points[Math.round(k * step)] as { fpr: number; tpr: number });
}

/** Spearman's rank correlation between score and outcome (won 1, lost 0), tied ranks averaged (simple-statistics). Null when either side has no variation. */
export function scoreToCloseCorrelation(deals: readonly Labelled[]): number | null {
  if (deals.length < 3) return null;
  const rho = sampleRankCorrelation(
    deals.map((d) => d.score),
    deals.map((d) => (d.won ? 1 : 0)),
  );
  return Number.isFinite(rho) ? rho : null;
}

/** Brier score: the mean squared difference between a predicted probability and the outcome (0 is perfect, 0.25 is a coin). */
export function brierScore(predictions: readonly { probability: number; won: boolean }[]): number | null {
  if (predictions.length === 0) return null;
  let sum = 0;
  for (const p of predictions) sum += (p.probability - (p.won ? 1 : 0)) ** 2;
  return sum / predictions.length;
}
