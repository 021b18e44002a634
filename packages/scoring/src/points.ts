/**
 * All arithmetic on points happens in integer hundredths ("centipoints"). Integer sums
 * are exact, so totals do not drift with the order in which contributions are added,
 * and rounding happens at exactly three places: a rule's points after decay, a score
 * scaled to −100–100, and the weighted total (clamped to 0–100).
 */
export type Centi = number;

export const toCenti = (points: number): Centi => Math.round(points * 100);
export const fromCenti = (centi: Centi): number => centi / 100;
export const clamp = (value: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, value));

/**
 * `points` out of `outOf` (both centi) as a −100–100 score in centi, rounded: a component
 * may be negative (deductions, negative behaviour) so that the weighted total sees it; only
 * the total is clamped to 0–100.
 */
export function scaleSigned(points: Centi, outOf: Centi): Centi {
  if (outOf <= 0) return 0;
  return Math.round((clamp(points, -outOf, outOf) * 10_000) / outOf);
}

/** `points` out of `outOf` (both centi) as a 0–100 score in centi, rounded. */
export function scaleToScore(points: Centi, outOf: Centi): Centi {
  if (outOf <= 0) return 0;
  return Math.round((clamp(points, 0, outOf) * 10_000) / outOf);
}

/** A layer as a −100–100 component: points (centi) over its max, or for a negative-only layer over |min|; undefined for a layer with neither. */
export function layerScore(centi: Centi, layer: { max?: number | undefined; min?: number | undefined }): number | undefined {
  if (layer.max !== undefined && layer.max > 0) return fromCenti(scaleSigned(centi, toCenti(layer.max)));
  if (layer.min !== undefined && layer.min < 0) return fromCenti(scaleSigned(centi, -toCenti(layer.min)));
  return undefined;
}
