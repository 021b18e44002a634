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
 * Custom CRM attributes (the profile's `custom`, declared by a mapping file) are attributes
 * like the built-in ones, under `attributes.<name>`: the rubric's `attributes` rules when it
 * has them, else every frequent value (categorical) or the quartiles of the values seen
 * (numeric) — so the learner weighs a lead source or a plan the hand rubric never scored.
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
  /** Where the attribute's rules live in the rubric: `firmographics` (built-in) or `attributes` (custom). */
  source?: "firmographics" | "attributes";
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

/** One categorical or numeric attribute the learner reads: built-in (firmographics) or custom. */
interface AttributeSource {
  source: "firmographics" | "attributes";
  attribute: string;
  categorical: boolean;
  read(p: AccountProfile): string | number | undefined;
  /** The rubric's rules for it, if it has any. */
  rules: ValueRules | BandRules | undefined;
}

/**
 * Quartile stretches of the values seen, as inclusive bands the rubric can hold: each from a
 * cut to just below the next (the last one open). Just below is `cut − 1` when every value is
 * a whole number (seats, employees), else the largest value seen below the cut — so a written
 * band reads `5–103`, never `5–103.99999999999997`.
 */
function quartileStretches(values: readonly number[]): { min: number; max: number | undefined }[] {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const cuts = [...new Set([0.25, 0.5, 0.75].map((q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number))].filter((c) => c > (sorted[0] as number));
  const bounds = [sorted[0] as number, ...cuts];
  const whole = sorted.every(Number.isInteger);
  const below = (cut: number) => (whole ? cut - 1 : (sorted.filter((v) => v < cut).at(-1) as number));
  return bounds.map((lo, i) => ({ min: lo, max: bounds[i + 1] === undefined ? undefined : below(bounds[i + 1] as number) }));
}

/** The attributes of a scorecard and a pool: the built-in ones the rubric scores, and every custom one the rubric scores or the profiles carry. */
function attributeSources(card: LoadedScorecard, profiles: readonly AccountProfile[]): AttributeSource[] {
  const firmo = card.fit.firmographics as Record<string, unknown> | undefined;
  const sources: AttributeSource[] = [];
  for (const attribute of Object.keys(CATEGORICAL)) {
    const rules = firmo?.[attribute] as ValueRules | undefined;
    if (rules) sources.push({ source: "firmographics", attribute, categorical: true, read: CATEGORICAL[attribute] as AttributeSource["read"], rules });
  }
  for (const attribute of Object.keys(NUMERIC)) {
    const rules = firmo?.[attribute] as BandRules | undefined;
    if (rules) sources.push({ source: "firmographics", attribute, categorical: false, read: NUMERIC[attribute] as AttributeSource["read"], rules });
  }
  const scored = card.fit.attributes?.rules ?? {};
  const names = new Set([...Object.keys(scored), ...profiles.flatMap((p) => Object.keys(p.custom ?? {}))]);
  for (const attribute of [...names].sort()) {
    const rules = scored[attribute] as ValueRules | BandRules | undefined;
    const categorical = rules ? "values" in (rules[0] as object) : profiles.some((p) => typeof p.custom?.[attribute] === "string");
    const read = (p: AccountProfile) => {
      const v = p.custom?.[attribute];
      return categorical ? (typeof v === "string" ? v : undefined) : typeof v === "number" ? v : undefined;
    };
    sources.push({ source: "attributes", attribute, categorical, read, rules });
  }
  return sources;
}

/** Every feature the scorecard could have, before frequency filtering. */
export function candidateFeatures(card: LoadedScorecard, profiles: readonly AccountProfile[]): Feature[] {
  const features: Feature[] = [];
  for (const src of attributeSources(card, profiles)) {
    const prefix = `${src.source}.${src.attribute}`;
    const base = { group: prefix, attribute: src.attribute, source: src.source };
    if (src.categorical) {
      const rules = (src.rules ?? []) as ValueRules;
      rules.forEach((r, i) => features.push({ id: `${prefix}[${i}]`, kind: "value", label: r.label ?? `${src.attribute} ${r.values.join(", ")}`, handPoints: r.points, entry: i, ...base }));
      const uncovered = new Set<string>();
      for (const p of profiles) {
        const v = src.read(p);
        if (typeof v === "string" && entryIndex(rules, v) < 0) uncovered.add(normalizeLabel(v));
      }
      for (const value of [...uncovered].sort()) features.push({ id: `${prefix}=${value}`, kind: "extra_value", label: `${src.attribute} ${value}`, handPoints: null, value, ...base });
    } else {
      const bands = src.rules as BandRules | undefined;
      bands?.forEach((b, i) => features.push({ id: `${prefix}[${i}]`, kind: "band", label: b.label ?? `${src.attribute} ${range(b.min ?? 0, b.max)}`, handPoints: b.points, entry: i, ...(b.min !== undefined ? { min: b.min } : {}), ...(b.max !== undefined ? { max: b.max } : {}), ...base }));
      const stretches = bands ? bandGaps(bands) : quartileStretches(profiles.flatMap((p) => { const v = src.read(p); return typeof v === "number" ? [v] : []; }));
      for (const g of stretches) features.push({ id: `${prefix}(${range(g.min, g.max)})`, kind: "band_gap", label: `${src.attribute} ${range(g.min, g.max)}`, handPoints: null, min: g.min, ...(g.max !== undefined ? { max: g.max } : {}), ...base });
    }
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
  const custom = card.fit.attributes?.rules ?? {};
  const rulesOf = (f: Feature) => (f.source === "attributes" ? custom[f.attribute as string] : firmo?.[f.attribute as string]) as ValueRules | BandRules | undefined;
  const readOf = (f: Feature): string | number | undefined => (f.source === "attributes" ? scored.profile.custom?.[f.attribute as string] : f.kind === "value" || f.kind === "extra_value" ? CATEGORICAL[f.attribute as string]?.(scored.profile) : NUMERIC[f.attribute as string]?.(scored.profile));
  const matched = new Map<string, { entry: number; value: string } | undefined>();
  const out: { index: number; value: number }[] = [];
  features.forEach((f, index) => {
    let value = 0;
    if (f.kind === "value" || f.kind === "extra_value") {
      if (!matched.has(f.group)) {
        const raw = readOf(f);
        matched.set(f.group, typeof raw !== "string" ? undefined : { entry: entryIndex((rulesOf(f) as ValueRules | undefined) ?? [], raw), value: normalizeLabel(raw) });
      }
      const m = matched.get(f.group);
      value = m && (f.kind === "value" ? m.entry === f.entry : m.entry < 0 && m.value === f.value) ? 1 : 0;
    } else if (f.kind === "band" || f.kind === "band_gap") {
      const v = readOf(f);
      if (typeof v === "number") {
        if (f.kind === "band") {
          const bands = (rulesOf(f) as BandRules | undefined) ?? [];
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
