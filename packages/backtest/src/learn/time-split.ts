import { toEpochMs } from "@icpstream/scoring";
import { compareByCreation } from "../outcomes/opportunity.js";
import type { ScoredOpportunity } from "../score/point-in-time.js";

/**
 * A time-ordered split, never a random one: the newest `testShare` of the closed deals (by
 * creation) are the test set; the training set is the older deals whose outcome was known
 * by the cutoff (the first test deal's creation) — a deal created before the cutoff but
 * closed after it is left out of both, because at the cutoff its outcome was the future.
 */
export interface TimeSplit {
  cutoff: string;
  train: ScoredOpportunity[];
  test: ScoredOpportunity[];
  /** Created before the cutoff, closed after it. */
  leftOut: ScoredOpportunity[];
}

export function timeOrderedSplit(closed: readonly ScoredOpportunity[], testShare: number): TimeSplit {
  if (!(testShare > 0 && testShare < 1)) throw new RangeError(`expected a test share between 0 and 1, got ${testShare}`);
  const ordered = [...closed].sort((a, b) => compareByCreation(a.opportunity, b.opportunity));
  const cut = Math.min(ordered.length - 1, Math.max(1, Math.floor(ordered.length * (1 - testShare))));
  const first = ordered[cut];
  if (!first) return { cutoff: "", train: [], test: [], leftOut: [] };
  const cutoffMs = toEpochMs(first.opportunity.createdAt);
  const train: ScoredOpportunity[] = [];
  const test: ScoredOpportunity[] = [];
  const leftOut: ScoredOpportunity[] = [];
  for (const s of ordered) {
    if (toEpochMs(s.opportunity.createdAt) >= cutoffMs) test.push(s);
    else if (toEpochMs(s.opportunity.closedAt as string) < cutoffMs) train.push(s);
    else leftOut.push(s);
  }
  return { cutoff: first.opportunity.createdAt, train, test, leftOut };
}
