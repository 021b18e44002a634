/**
 * All arithmetic on points happens in integer hundredths ("centipoints"). Integer sums
 * are exact, so totals do not drift with the order in which contributions are added,
 * and rounding happens at exactly three places: a rule's points after decay, a score
 * scaled to 0–100, and the weighted total.
 */
export type Centi = number;

export const toCenti = (points: number): Centi => Math.round(points * 100);
export const fromCenti = (centi: Centi): number => centi / 100;
export const clamp = (value: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, value));

/** `points` out of `outOf` (both centi) as a 0–100 score in centi, rounded. */
export function scaleToScore(points: Centi, outOf: Centi): Centi {
  if (outOf <= 0) return 0;
  return Math.round((clamp(points, 0, outOf) * 10_000) / outOf);
}
