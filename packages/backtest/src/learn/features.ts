import { normalizeLabel, normalizedSet } from "@icpstream/scoring";
import type { AccountProfile, LoadedScorecard } from "@icpstream/scoring";
import type { ScoredOpportunity } from "../score/point-in-time.js";

/**
 * The learner's features: the rubric's own, read from a score made as of the opportunity's
 * creation, so the learner weighs exactly what the rubric can express and nothing from later.
 *
 * - `value`: a categorical attribute matched one of the rubric's entries (industry entry 0:
 *   "computer software, saas…"); first match wins, labels normalized as the engine does;
 * - `extra_value`: a frequent value that no entry covers ("retail"), one-hot. Rare and unknown
 *   values are pooled as the reference (0 points), which is also how the rubric treats them;
 * - `band`: a numeric attribute fell in one of the rubric's bands (employeeCount 200–1999),
 *   and `band_gap` in a stretch no band covers, when enough deals fall there;
 * - `rule`: how much of a fit rule fired — its points over its full points (two of three
 *   integrating technologies is 0.8 of the group's maximum), soft deductions as 1 when they apply;
 * - `timing`: a timing rule's decayed points at creation over its points (1 = a fresh signal,
 *   0.5 = half decayed; bursts and sums can exceed 1).
 * Further attributes (custom CRM fields) slot in as more `value` / `extra_value` / `band`
 * accessors in CATEGORICAL / NUMERIC below.
 */
export type FeatureKind = "value" | "extra_value" | "band" | "band_gap" | "rule" | "timing";

export interface Feature {
  /** Stable id: `firmographics.industry[0]`, `firmographics.industry=retail`, `firmographics.employeeCount[1]`, `firmographics.employeeCount(500-999)`, `technographics.integrating`, `antiIcp.noBudgetHolder`, `timing.intent.demo`. */
  id: string;
  kind: FeatureKind;
  label: string;
  /** The naive-Bayes variable it belongs to: the attribute for categorical and numeric features, else the feature itself. */
  group: string;
  /** The hand rubric's points at full firing (deductions negative); null for a value or stretch the rubric does not score. */
  handPoints: number | null;
  attribute?: string;
  entry?: number;
  value?: string;
  min?: number;
  max?: number;
  /** Contribution rule id, for `rule` and `timing`. */
  rule?: string;
  /** Points at full firing in the hand rubric (the divisor for `rule` and `timing`). */
  nominal?: number;
}

type ValueRules = { values: string[]; points: number; label?: string | undefined }[];
type BandRules = { min?: number | undefined; max?: number | undefined; points: number; label?: string | undefined }[];

const CATEGORICAL: Record<string, (p: AccountProfile) => string | undefined> = {
  industry: (p) => p.firmographics.industry,
  country: (p) => p.firmographics.country,
  region: (p) => p.firmographics.region,
  businessModel: (p) => p.firmographics.businessModel,
  deliveryModel: (p) => p.firmographics.deliveryModel,
  fundingStage: (p) => p.firmographics.fundingStage,
};
/** Mirrors the engine's reading: exact revenue, else a bounded range's midpoint, else an open range's floor. */
const NUMERIC: Record<string, (p: AccountProfile) => number | undefined> = {
  employeeCount: (p) => p.firmographics.employeeCount,
  revenueUsd: (p) => {
    const f = p.firmographics;
    if (f.revenueUsd !== undefined) return f.revenueUsd;
    const r = f.revenueRange;
    if (!r) return undefined;
    return r.maxUsd === undefined ? r.minUsd : Math.round((r.minUsd + r.maxUsd) / 2);
  },
};

function entryIndex(rules: ValueRules, value: string): number {
  const key = normalizeLabel(value);
  return rules.findIndex((r) => normalizedSet(r.values).has(key));
}
const inBand = (b: { min?: number | undefined; max?: number | undefined }, v: number) => (b.min === undefined || v >= b.min) && (b.max === undefined || v <= b.max);

/** Stretches of [0, ∞) that no band covers, as inclusive whole-number ranges. */
export function bandGaps(bands: BandRules): { min: number; max: number | undefined }[] {
  const sorted = [...bands].map((b) => ({ min: b.min ?? 0, max: b.max ?? Infinity })).sort((a, b) => a.min - b.min);
  const gaps: { min: number; max: number | undefined }[] = [];
  let next = 0;
  for (const b of sorted) {
    if (b.min > next) gaps.push({ min: next, max: Math.ceil(b.min) - 1 });
    next = Math.max(next, b.max === Infinity ? Infinity : Math.floor(b.max) + 1);
  }
  if (next !== Infinity) gaps.push({ min: next, max: undefined });
  return gaps.filter((g) => g.max === undefined || g.max >= g.min);
}

const range = (min: number, max: number | undefined) => (max === undefined ? `${min}+` : `${min}-${max}`);

/** Every feature the scorecard could have, before frequency filtering. */
export function candidateFeatures(card: LoadedScorecard, profiles: readonly AccountProfile[]): Feature[] {
  const features: Feature[] = [];
  const firmo = card.fit.firmographics as Record<string, unknown> | undefined;
  for (const attribute of Object.keys(CATEGORICAL)) {
    const rules = firmo?.[attribute] as ValueRules | undefined;
    if (!rules) continue;
    rules.forEach((r, i) => features.push({ id: `firmographics.${attribute}[${i}]`, kind: "value", label: r.label ?? `${attribute} ${r.values.join(", ")}`, group: `firmographics.${attribute}`, handPoints: r.points, attribute, entry: i }));
    const uncovered = new Set<string>();
    for (const p of profiles) {
      const v = CATEGORICAL[attribute]?.(p);
      if (v !== undefined && entryIndex(rules, v) < 0) uncovered.add(normalizeLabel(v));
    }
    for (const value of [...uncovered].sort()) features.push({ id: `firmographics.${attribute}=${value}`, kind: "extra_value", label: `${attribute} ${value}`, group: `firmographics.${attribute}`, handPoints: null, attribute, value });
  }
  for (const attribute of Object.keys(NUMERIC)) {
    const bands = firmo?.[attribute] as BandRules | undefined;
    if (!bands) continue;
    bands.forEach((b, i) => features.push({ id: `firmographics.${attribute}[${i}]`, kind: "band", label: b.label ?? `${attribute} ${range(b.min ?? 0, b.max)}`, group: `firmographics.${attribute}`, handPoints: b.points, attribute, entry: i, ...(b.min !== undefined ? { min: b.min } : {}), ...(b.max !== undefined ? { max: b.max } : {}) }));
    for (const g of bandGaps(bands)) features.push({ id: `firmographics.${attribute}(${range(g.min, g.max)})`, kind: "band_gap", label: `${attribute} ${range(g.min, g.max)}`, group: `firmographics.${attribute}`, handPoints: null, attribute, min: g.min, ...(g.max !== undefined ? { max: g.max } : {}) });
  }
  const tech = card.fit.technographics;
  const rule = (id: string, label: string, nominal: number) => features.push({ id, kind: "rule", label, group: id, handPoints: nominal, rule: id, nominal });
  if (tech?.integrating) rule("technographics.integrating", "integrating technology", tech.integrating.max);
  if (tech?.adjacent) rule("technographics.adjacent", "adjacent technology", tech.adjacent.max);
  if (tech?.competing) rule("technographics.competing", "weak competitor to displace", tech.competing.weak);
  const org = card.fit.organisational;
  if (org?.buyingRoles) rule("organisational.buyingRoles", "buying roles present", org.buyingRoles.max);
  for (const key of ["championIdentified", "budgetHolderIdentified", "hasTechnicalTeam"] as const) {
    const points = org?.[key];
    if (points !== undefined) rule(`organisational.${key}`, key, points);
  }
  for (const [kind, deduction] of Object.entries(card.fit.antiIcp.soft?.deductions ?? {})) {
    const points = deduction?.points ?? 0;
    features.push({ id: `antiIcp.${kind}`, kind: "rule", label: `deduction: ${kind}`, group: `antiIcp.${kind}`, handPoints: -points, rule: `antiIcp.${kind}`, nominal: points });
  }
  for (const [layerId, layer] of Object.entries(card.timing.layers)) {
    for (const r of layer.rules) {
      const id = `timing.${layerId}.${r.id}`;
      features.push({ id, kind: "timing", label: r.label ?? r.id, group: id, handPoints: r.points, rule: id, nominal: Math.abs(r.points) });
    }
  }
  return features;
}

/** The features' values for one scored opportunity, as (feature index, value) pairs with value ≠ 0. */
export function featureValues(features: readonly Feature[], scored: ScoredOpportunity, card: LoadedScorecard): { index: number; value: number }[] {
  const points = new Map<string, number>();
  for (const c of scored.score.fit.contributions) points.set(c.rule, (points.get(c.rule) ?? 0) + c.points);
  for (const c of scored.score.timing.contributions) points.set(c.rule, (points.get(c.rule) ?? 0) + c.points);
  const firmo = card.fit.firmographics as Record<string, unknown> | undefined;
  const matched = new Map<string, { entry: number; value: string } | { number: number } | undefined>();
  const out: { index: number; value: number }[] = [];
  features.forEach((f, index) => {
    let value = 0;
    if (f.kind === "value" || f.kind === "extra_value") {
      const attribute = f.attribute as string;
      if (!matched.has(attribute)) {
        const raw = CATEGORICAL[attribute]?.(scored.profile);
        matched.set(attribute, raw === undefined ? undefined : { entry: entryIndex((firmo?.[attribute] as ValueRules | undefined) ?? [], raw), value: normalizeLabel(raw) });
      }
      const m = matched.get(attribute) as { entry: number; value: string } | undefined;
      value = m && (f.kind === "value" ? m.entry === f.entry : m.entry < 0 && m.value === f.value) ? 1 : 0;
    } else if (f.kind === "band" || f.kind === "band_gap") {
      const v = NUMERIC[f.attribute as string]?.(scored.profile);
      if (v !== undefined) {
        if (f.kind === "band") {
          const bands = (firmo?.[f.attribute as string] as BandRules | undefined) ?? [];
          value = bands.findIndex((b) => inBand(b, v)) === f.entry ? 1 : 0;
        } else value = inBand(f, v) ? 1 : 0;
      }
    } else {
      const p = points.get(f.rule as string) ?? 0;
      value = f.nominal ? Math.abs(p) / f.nominal : 0;
      if (f.kind === "timing" && p !== 0 && Math.sign(p) !== Math.sign(f.handPoints ?? 0)) value = -value;
    }
    if (value !== 0) out.push({ index, value });
  });
  return out;
}
