/**
 * Intervals for win rates and their comparisons, all at 95% by default. Formulas, not
 * simulations, so a report is instant and exact to reproduce.
 */
export interface Interval {
  low: number;
  high: number;
}

/** The two-sided 95% normal quantile. */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval for a binomial proportion x/n (Wilson 1927; recommended over the
 * Wald interval by Brown, Cai & DasGupta 2001 because it stays inside [0, 1] and keeps
 * its coverage with few trials or rates near 0 or 1). Null when n = 0.
 */
export function wilsonInterval(x: number, n: number, z = Z95): Interval | null {
  if (n <= 0) return null;
  if (x < 0 || x > n) throw new RangeError(`expected 0 ≤ successes ≤ trials, got ${x} of ${n}`);
  const p = x / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

/**
 * Interval for the difference of two independent proportions x1/n1 − x2/n2: Newcombe's
 * hybrid score method (Newcombe 1998, method 10), built from the two Wilson intervals.
 * Null when either n is 0.
 */
export function differenceInterval(x1: number, n1: number, x2: number, n2: number, z = Z95): Interval | null {
  const a = wilsonInterval(x1, n1, z);
  const b = wilsonInterval(x2, n2, z);
  if (!a || !b) return null;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const d = p1 - p2;
  return { low: d - Math.sqrt((p1 - a.low) ** 2 + (b.high - p2) ** 2), high: d + Math.sqrt((a.high - p1) ** 2 + (p2 - b.low) ** 2) };
}

/**
 * The ratio of two proportions (x1/n1) / (x2/n2) — "lift" — with the Katz log interval
 * (Katz et al. 1978): exp(ln ratio ± z·√(1/x1 − 1/n1 + 1/x2 − 1/n2)). A zero count gets
 * the Haldane–Anscombe correction (0.5 added to every cell) for the interval only.
 * `ratio` is null when the second proportion is 0 (an infinite lift); the interval is null
 * when either n is 0.
 */
export function ratioInterval(x1: number, n1: number, x2: number, n2: number, z = Z95): { ratio: number | null; interval: Interval | null } {
  if (n1 <= 0 || n2 <= 0) return { ratio: null, interval: null };
  const ratio = x2 === 0 ? null : x1 / n1 / (x2 / n2);
  const corrected = x1 === 0 || x2 === 0 || x1 === n1 || x2 === n2;
  const [a, m, c, k] = corrected ? [x1 + 0.5, n1 + 1, x2 + 0.5, n2 + 1] : [x1, n1, x2, n2];
  const logRatio = Math.log(a / m / (c / k));
  const se = Math.sqrt(1 / a - 1 / m + 1 / c - 1 / k);
  return { ratio, interval: { low: Math.exp(logRatio - z * se), high: Math.exp(logRatio + z * se) } };
}

export const contains = (interval: Interval, value: number): boolean => interval.low <= value && value <= interval.high;
