import { describe, expect, it } from "vitest";
import { effectiveEmployeeCount, fundingStageMatches } from "./firmographic-values.js";

describe("effectiveEmployeeCount", () => {
  it("uses the exact count, else a range's rounded midpoint, else an open range's floor, and says which", () => {
    expect(effectiveEmployeeCount({ employeeCount: 420, employeeRange: { min: 1, max: 10 } })).toEqual({ value: 420, shown: "employeeCount = 420" });
    expect(effectiveEmployeeCount({ employeeRange: { min: 11, max: 50 } })).toEqual({ value: 31, shown: "employee range 11–50 (midpoint 31 used)" });
    expect(effectiveEmployeeCount({ employeeRange: { min: 10_001 } })).toEqual({ value: 10_001, shown: "employee range 10001+ (floor 10001 used)" });
    expect(effectiveEmployeeCount({})).toBeUndefined();
  });
});

describe("fundingStageMatches", () => {
  it("lets series_d_plus in a rubric cover every later series, and nothing else", () => {
    for (const stage of ["series_d", "series_e", "series_j", "series_d_plus"]) expect(fundingStageMatches(["series_d_plus"], stage)).toBe(true);
    expect(fundingStageMatches(["series_d_plus"], "series_c")).toBe(false);
    expect(fundingStageMatches(["series_e"], "series_d_plus")).toBe(false);
    expect(fundingStageMatches(["seed", "angel"], "angel")).toBe(true);
  });
});
