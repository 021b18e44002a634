import { stagesCoveredBy } from "../domain/firmographic-values.js";
import { normalizeLabel, normalizedSet } from "../domain/label.js";
import { normalizeTitle } from "../domain/title.js";
import type { Signal } from "../domain/signal.js";
import type { Condition, Where } from "../rubric/rubric-schema.js";

/** A compiled `where`: does the signal satisfy every condition? */
export type SignalPredicate = (signal: Signal) => boolean;
type ValuePredicate = (value: unknown) => boolean;

const always: SignalPredicate = () => true;
const compiled = new WeakMap<Where, SignalPredicate>();

/** Does the signal satisfy every condition? A missing field never satisfies a condition. */
export function matchesWhere(signal: Signal, where: Where | undefined): boolean {
  return compileWhere(where)(signal);
}

/**
 * A `where` compiled once into a predicate (value lists normalised into sets, phrases into
 * whole-word patterns), kept beside the rubric's object for as long as the rubric lives.
 */
export function compileWhere(where: Where | undefined): SignalPredicate {
  if (!where) return always;
  let predicate = compiled.get(where);
  if (!predicate) {
    const checks = Object.entries(where).map(([field, condition]) => ({ field, test: compileCondition(field, condition) }));
    predicate = (signal) => {
      const fields = signal as unknown as Record<string, unknown>;
      for (const { field, test } of checks) if (!test(fields[field])) return false;
      return true;
    };
    compiled.set(where, predicate);
  }
  return predicate;
}

function compileCondition(field: string, condition: Condition): ValuePredicate {
  const test = compileValueCondition(condition);
  // A funding round's stage is matched like a profile's: `series_d_plus` covers series_d … series_j.
  if (field === "round" && Array.isArray(condition)) {
    const stages = new Set<unknown>(condition.flatMap((value) => [value, ...stagesCoveredBy(value)]));
    return (value) => (typeof value === "string" && stages.has(value)) || test(value);
  }
  return test;
}

function compileValueCondition(condition: Condition): ValuePredicate {
  if (Array.isArray(condition)) {
    const normalized = normalizedSet(condition);
    return (value) => {
      if (value === undefined || value === null) return false;
      if (typeof value === "string") return normalized.has(normalizeLabel(value));
      return condition.some((accepted) => accepted === value);
    };
  }
  if ("contains" in condition) {
    // Whole words, with job-title normalisation ("Sr. RevOps Mgr" contains "revenue operations manager").
    const phrases = condition.contains.map((phrase) => normalizeTitle(phrase)).filter((wanted) => wanted.length > 0).map((wanted) => ` ${wanted} `);
    return (value) => {
      if (typeof value !== "string") return false;
      const text = ` ${normalizeTitle(value)} `;
      return phrases.some((phrase) => text.includes(phrase));
    };
  }
  const { min, max } = condition;
  return (value) => typeof value === "number" && (min === undefined || value >= min) && (max === undefined || value <= max);
}
