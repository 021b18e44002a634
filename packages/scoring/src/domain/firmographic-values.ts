import type { Firmographics, FundingStage } from "./account-profile.js";

/**
 * How fit reads firmographics that arrive as ranges or in finer words than a rubric uses.
 * Each rule is stated here once; fit and the explanation both cite it.
 */

/**
 * The employee count a rubric band is matched against: the exact count when known, else
 * the midpoint of a bounded range rounded to a whole number ("11-50" → 31), else the floor
 * of an open one ("10,001+" → 10001). The same rule as revenue ranges (`effectiveRevenue`).
 * `shown` says which was used, for explanations.
 */
export function effectiveEmployeeCount(f: Firmographics): { value: number; shown: string } | undefined {
  if (f.employeeCount !== undefined) return { value: f.employeeCount, shown: `employeeCount = ${f.employeeCount}` };
  const r = f.employeeRange;
  if (!r) return undefined;
  if (r.max === undefined) return { value: r.min, shown: `employee range ${r.min}+ (floor ${r.min} used)` };
  const mid = Math.round((r.min + r.max) / 2);
  return { value: mid, shown: `employee range ${r.min}–${r.max} (midpoint ${mid} used)` };
}

/** Stages a broader rubric value stands for: `series_d_plus` is "Series D or later". */
const COVERS: Readonly<Partial<Record<FundingStage, readonly FundingStage[]>>> = {
  series_d_plus: ["series_d", "series_e", "series_f", "series_g", "series_h", "series_i", "series_j"],
};

/** Does a rubric's list of stages accept this stage? Exact value, or a broader value that covers it. */
export function fundingStageMatches(accepted: readonly unknown[], stage: string): boolean {
  return accepted.some((value) => value === stage || (COVERS[value as FundingStage]?.includes(stage as FundingStage) ?? false));
}

/** The stages a rubric value stands for besides itself (`series_d_plus` → series_d … series_j; none for the rest). */
export function stagesCoveredBy(value: unknown): readonly FundingStage[] {
  return COVERS[value as FundingStage] ?? [];
}
