import type { Contribution } from "./contribution.js";
import { fromCenti, toCenti } from "../points.js";

/**
 * A layer's caps, applied so that every contribution shows what it really added:
 * - positive contributions share the layer's `max`, negative ones its `min`, apart: a
 *   negative signal always lowers the layer, whatever the positives add up to (a layer clamped
 *   as one sum would let a capped-out positive hide a deduction);
 * - where a cap bites, the largest contributions keep their points first (ties by rule id)
 *   and the rest get what is left, down to 0, so the contributions' points add up to the
 *   layer's points and no reason is shown for points that were not applied.
 * `uncappedPoints` stays what the rule gave before any cap.
 *
 * @param maxCenti the most the positives may add, in centipoints (Infinity: no cap)
 * @param minCenti the most the negatives may subtract, as a negative number of centipoints (−Infinity: no cap)
 */
export function allocateCaps(contributions: readonly Contribution[], maxCenti: number, minCenti: number): { contributions: Contribution[]; centi: number; uncappedCenti: number; positiveCenti: number } {
  // Most layers stay inside their caps: then every contribution keeps its points as they are.
  let positive = 0;
  let negative = 0;
  for (const c of contributions) {
    const centi = toCenti(c.points);
    if (centi > 0) positive += centi;
    else negative += centi;
  }
  if (positive <= Math.max(0, maxCenti) && negative >= Math.min(0, minCenti)) return { contributions: [...contributions], centi: positive + negative, uncappedCenti: positive + negative, positiveCenti: positive };

  const applied = new Map<Contribution, number>();
  const byMagnitude = [...contributions].sort((a, b) => Math.abs(b.points) - Math.abs(a.points) || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  let room = Math.max(0, maxCenti);
  let negativeRoom = Math.min(0, minCenti);
  let positiveCenti = 0;
  let negativeCenti = 0;
  let uncappedCenti = 0;
  for (const c of byMagnitude) {
    const centi = toCenti(c.points);
    uncappedCenti += centi;
    if (centi > 0) {
      const given = Math.min(centi, room);
      room -= given;
      positiveCenti += given;
      applied.set(c, given);
    } else if (centi < 0) {
      const given = Math.max(centi, negativeRoom);
      negativeRoom -= given;
      negativeCenti += given;
      applied.set(c, given);
    } else {
      applied.set(c, 0);
    }
  }
  return {
    contributions: contributions.map((c) => {
      const given = applied.get(c) ?? 0;
      return given === toCenti(c.points) ? c : { ...c, points: fromCenti(given) };
    }),
    centi: positiveCenti + negativeCenti,
    uncappedCenti,
    positiveCenti,
  };
}
