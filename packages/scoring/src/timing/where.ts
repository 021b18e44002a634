import { fundingStageMatches } from "../domain/firmographic-values.js";
import { normalizeLabel, normalizedSet } from "../domain/label.js";
import { normalizeTitle } from "../domain/title.js";
import type { Signal } from "../domain/signal.js";
import type { Condition, Where } from "../rubric/rubric-schema.js";

/** Does the signal satisfy every condition? A missing field never satisfies a condition. */
export function matchesWhere(signal: Signal, where: Where | undefined): boolean {
  if (!where) return true;
  const fields = signal as unknown as Record<string, unknown>;
  for (const [field, condition] of Object.entries(where)) {
    // A funding round's stage is matched like a profile's: `series_d_plus` covers series_d … series_j.
    if (field === "round" && Array.isArray(condition) && typeof fields.round === "string" && fundingStageMatches(condition, fields.round)) continue;
    if (!matchesCondition(fields[field], condition)) return false;
  }
  return true;
}

function matchesCondition(value: unknown, condition: Condition): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(condition)) {
    if (typeof value === "string") return normalizedSet(condition).has(normalizeLabel(value));
    return condition.some((accepted) => accepted === value);
  }
  if ("contains" in condition) {
    // Whole words, with job-title normalisation ("Sr. RevOps Mgr" contains "revenue operations manager").
    if (typeof value !== "string") return false;
    const text = ` ${normalizeTitle(value)} `;
    return condition.contains.some((phrase) => {
      const wanted = normalizeTitle(phrase);
      return wanted.length > 0 && text.includes(` ${wanted} `);
    });
  }
  if (typeof value !== "number") return false;
  return (condition.min === undefined || value >= condition.min) && (condition.max === undefined || value <= condition.max);
}
