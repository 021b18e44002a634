import type { LoadedScorecard } from "@icpstream/scoring";
import { isMap, isScalar } from "yaml";
import type { Document } from "yaml";
import type { Interval } from "../stats/proportions.js";
import type { Feature } from "./features.js";

/**
 * Learned coefficients written back into the rubric's own structure, so a RevOps lead reads
 * and edits points, not a model file:
 * - points = coefficient × 10 / ln 2, rounded: **10 points double the odds of winning** (the
 *   "points to double the odds" convention of credit scorecards), clamped to ±100;
 * - every rule keeps its matching (values, bands, technologies, signal conditions, decay) and
 *   gets new points, with its coefficient, 95% interval and how often it fired as a comment;
 * - frequent values and numeric stretches the rubric did not score become new entries;
 * - pooled (too rare) features get 0 points, the reference level, with a comment saying so;
 * - rules the format keeps non-negative (technology groups, organisational facts, a weak
 *   competitor) get 0 when the data say they lower the odds; soft deductions take the
 *   negative ones;
 * - layer caps become the sum of their positive points, so a cap never hides a learned
 *   effect, and the weights become fit : timing in proportion to their maximum points, so the
 *   total is proportional to the summed points (the model's log-odds, up to the intercept).
 * Tier thresholds are set afterwards by calibration.
 */
export const POINTS_PER_LOG_ODDS = 10 / Math.LN2;

export interface LearnedWeight {
  feature: Feature;
  /** Null when the feature was pooled or dropped (see `note`). */
  coefficient: number | null;
  interval: Interval | null;
  /** Training deals it fired for. */
  fired: number;
  points: number;
  note?: string;
}

export const toPoints = (coefficient: number): number => Math.max(-100, Math.min(100, Math.round(coefficient * POINTS_PER_LOG_ODDS))) || 0;

/** Rules the format keeps non-negative: technology groups, a weak competitor, organisational facts. */
const NON_NEGATIVE = /^(technographics\.|organisational\.)/;

/** Notes for weights the rubric format cannot carry as learned (a positive rule that lowers the odds, a deduction that raises them). Returns new objects. */
export function withFormatNotes(weights: readonly LearnedWeight[]): LearnedWeight[] {
  return weights.map((w) => {
    const add = (note: string) => ({ ...w, note: w.note ? `${w.note}; ${note}` : note });
    if (w.coefficient === null) return w;
    if (NON_NEGATIVE.test(w.feature.id) && w.points < 0) return add("lowers the odds, but this rule cannot subtract points: set to 0 (an anti-ICP deduction can express it)");
    if (w.feature.id.startsWith("antiIcp.") && w.points > 0) return add("raises the odds, but a deduction cannot add points: set to 0");
    return w;
  });
}
const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
const fixed = (x: number) => (Math.abs(x) < 0.005 ? "0.00" : x.toFixed(2));

export function describeWeight(w: LearnedWeight): string {
  const hand = w.feature.handPoints === null ? "not in the hand rubric" : `hand ${w.feature.handPoints}`;
  if (w.coefficient === null || !w.interval) return ` learned: ${w.note ?? "pooled"}; 0 points (${hand})`;
  const signal = w.interval.low > 0 || w.interval.high < 0 ? "" : ", no signal";
  return ` learned: β ${fixed(w.coefficient)} (95% ${fixed(w.interval.low)} to ${fixed(w.interval.high)})${signal}, fired for ${w.fired} training deals; ${hand}${w.note ? `; ${w.note}` : ""}`;
}

function annotate(doc: Document, path: readonly (string | number)[], text: string) {
  const node = doc.getIn(path, true);
  if (isMap(node) || isScalar(node)) node.comment = text;
}

function flowNode(doc: Document, value: Record<string, unknown>) {
  const node = doc.createNode(value);
  if (isMap(node)) node.flow = true;
  return node;
}

export function applyLearnedWeights(doc: Document, card: LoadedScorecard, weights: readonly LearnedWeight[]): { fitOutOf: number; timingOutOf: number } {
  const base = ["scorecards", card.id];
  const byId = new Map(weights.map((w) => [w.feature.id, w]));
  const get = (id: string) => byId.get(id);
  const fit = [...base, "fit"];

  // Firmographics: entries, bands, and the values and stretches the data added.
  let firmoMax = 0;
  const firmo = card.fit.firmographics as Record<string, unknown> | undefined;
  if (firmo) {
    for (const attribute of Object.keys(firmo)) {
      const list = firmo[attribute];
      if (!Array.isArray(list)) continue;
      let best = 0;
      list.forEach((_, i) => {
        const w = get(`firmographics.${attribute}[${i}]`);
        const points = w?.points ?? 0;
        doc.setIn([...fit, "firmographics", attribute, i, "points"], points);
        if (w) annotate(doc, [...fit, "firmographics", attribute, i], describeWeight(w));
        best = Math.max(best, points);
      });
      for (const w of weights) {
        if (w.feature.attribute !== attribute || w.feature.source === "attributes" || w.coefficient === null) continue;
        if (w.feature.kind === "extra_value") {
          doc.addIn([...fit, "firmographics", attribute], flowNode(doc, { values: [w.feature.value], points: w.points, label: `learned: ${w.feature.value}` }));
        } else if (w.feature.kind === "band_gap") {
          const band = { min: w.feature.min, ...(w.feature.max !== undefined ? { max: w.feature.max } : {}), points: w.points, label: `learned: ${w.feature.label}` };
          doc.addIn([...fit, "firmographics", attribute], flowNode(doc, band));
        } else continue;
        const items = (doc.getIn([...fit, "firmographics", attribute]) as { items: unknown[] }).items;
        annotate(doc, [...fit, "firmographics", attribute, items.length - 1], describeWeight(w));
        best = Math.max(best, w.points);
      }
      firmoMax += best;
    }
    doc.setIn([...fit, "firmographics", "max"], clamp(firmoMax, 0, 100));
  }

  // Groups and facts: non-negative in the format.
  const nonNegative = (id: string) => Math.max(0, get(id)?.points ?? 0);
  let techMax = 0;
  const tech = card.fit.technographics;
  if (tech) {
    for (const group of ["integrating", "adjacent"] as const) {
      const g = tech[group];
      if (!g) continue;
      const points = nonNegative(`technographics.${group}`);
      doc.setIn([...fit, "technographics", group, "max"], points);
      doc.setIn([...fit, "technographics", group, "pointsEach"], g.max > 0 ? Math.round((points * g.pointsEach) / g.max) : points);
      const w = get(`technographics.${group}`);
      if (w) annotate(doc, [...fit, "technographics", group], describeWeight(w));
      techMax += points;
    }
    if (tech.competing) {
      const points = nonNegative("technographics.competing");
      doc.setIn([...fit, "technographics", "competing", "weak"], points);
      const w = get("technographics.competing");
      if (w) annotate(doc, [...fit, "technographics", "competing"], describeWeight(w));
      techMax += points;
    }
    doc.setIn([...fit, "technographics", "max"], clamp(techMax, 0, 100));
  }
  let orgMax = 0;
  const org = card.fit.organisational;
  if (org) {
    if (org.buyingRoles) {
      const points = nonNegative("organisational.buyingRoles");
      doc.setIn([...fit, "organisational", "buyingRoles", "max"], points);
      doc.setIn([...fit, "organisational", "buyingRoles", "pointsEach"], org.buyingRoles.max > 0 ? Math.round((points * org.buyingRoles.pointsEach) / org.buyingRoles.max) : points);
      const w = get("organisational.buyingRoles");
      if (w) annotate(doc, [...fit, "organisational", "buyingRoles"], describeWeight(w));
      orgMax += points;
    }
    for (const key of ["championIdentified", "budgetHolderIdentified", "hasTechnicalTeam"] as const) {
      if (org[key] === undefined) continue;
      const points = nonNegative(`organisational.${key}`);
      doc.setIn([...fit, "organisational", key], points);
      const w = get(`organisational.${key}`);
      if (w) annotate(doc, [...fit, "organisational", key], describeWeight(w));
      orgMax += points;
    }
    doc.setIn([...fit, "organisational", "max"], clamp(orgMax, 0, 100));
  }
  const soft = card.fit.antiIcp.soft;
  if (soft) {
    let total = 0;
    for (const [kind, deduction] of Object.entries(soft.deductions)) {
      const w = get(`antiIcp.${kind}`);
      const points = w ? Math.max(0, -w.points) : 0;
      // A deduction that also caps the tier keeps its cap: only its points are learned.
      const path = deduction?.maxTier === undefined ? [...fit, "antiIcp", "soft", "deductions", kind] : [...fit, "antiIcp", "soft", "deductions", kind, "points"];
      if (deduction?.maxTier !== undefined && !doc.hasIn([...fit, "antiIcp", "soft", "deductions", kind, "points"])) doc.setIn([...fit, "antiIcp", "soft", "deductions", kind], { points, maxTier: deduction.maxTier });
      else doc.setIn(path, points);
      if (w) annotate(doc, path, describeWeight(w));
      total += points;
    }
    doc.setIn([...fit, "antiIcp", "soft", "max"], clamp(total, 0, 100));
  }
  // Custom attributes: the rubric's rules for them, and the values and stretches the data added
  // (also for attributes the hand rubric does not score yet: a lead source, a plan).
  let attributesMax = 0;
  const customWeights = weights.filter((w) => w.feature.source === "attributes");
  if (customWeights.length > 0 || card.fit.attributes) {
    const rulesPath = [...fit, "attributes", "rules"];
    if (!doc.hasIn([...fit, "attributes"])) doc.setIn([...fit, "attributes"], doc.createNode({ max: 0, rules: {} }));
    const names = [...new Set([...Object.keys(card.fit.attributes?.rules ?? {}), ...customWeights.map((w) => w.feature.attribute as string)])].sort();
    for (const name of names) {
      let best = 0;
      (card.fit.attributes?.rules[name] ?? []).forEach((_, i) => {
        const w = get(`attributes.${name}[${i}]`);
        const points = w?.points ?? 0;
        doc.setIn([...rulesPath, name, i, "points"], points);
        if (w) annotate(doc, [...rulesPath, name, i], describeWeight(w));
        best = Math.max(best, points);
      });
      for (const w of customWeights) {
        if (w.feature.attribute !== name || w.coefficient === null || (w.feature.kind !== "extra_value" && w.feature.kind !== "band_gap")) continue;
        const entry = w.feature.kind === "extra_value" ? { values: [w.feature.value], points: w.points, label: `learned: ${name} ${w.feature.value}` } : { min: w.feature.min, ...(w.feature.max !== undefined ? { max: w.feature.max } : {}), points: w.points, label: `learned: ${w.feature.label}` };
        if (!doc.hasIn([...rulesPath, name])) doc.setIn([...rulesPath, name], doc.createNode([]));
        doc.addIn([...rulesPath, name], flowNode(doc, entry));
        const items = (doc.getIn([...rulesPath, name]) as { items: unknown[] }).items;
        annotate(doc, [...rulesPath, name, items.length - 1], describeWeight(w));
        best = Math.max(best, w.points);
      }
      attributesMax += best;
    }
    doc.setIn([...fit, "attributes", "max"], clamp(attributesMax, 0, 100));
  }
  const fitOutOf = Math.max(1, clamp(firmoMax, 0, 100) + clamp(techMax, 0, 100) + clamp(orgMax, 0, 100) + clamp(attributesMax, 0, 100));
  doc.setIn([...fit, "outOf"], fitOutOf);

  // Timing rules: signed points; bursts and caps scaled with them.
  let timingOutOf = 0;
  for (const [layerId, layer] of Object.entries(card.timing.layers)) {
    let positive = 0;
    let negative = 0;
    layer.rules.forEach((rule, i) => {
      const path = [...base, "timing", "layers", layerId, "rules", i];
      const w = get(`timing.${layerId}.${rule.id}`);
      const points = w?.points ?? 0;
      const ratio = rule.points !== 0 ? points / rule.points : 0;
      doc.setIn([...path, "points"], points);
      let burst = 0;
      if (rule.burst) {
        burst = clamp(Math.round(rule.burst.points * ratio), -100, 100);
        doc.setIn([...path, "burst", "points"], burst);
      }
      let cap: number | undefined;
      if (rule.cap !== undefined) {
        cap = clamp(Math.round(rule.cap * Math.abs(ratio)), 0, 100);
        doc.setIn([...path, "cap"], cap);
      }
      if (w) annotate(doc, path, describeWeight(w));
      const full = rule.combine === "sum" && cap !== undefined ? Math.sign(points) * cap : Math.abs(burst) > Math.abs(points) ? burst : points;
      if (full > 0) positive += full;
      else negative += full;
    });
    const max = clamp(positive, 0, 100);
    doc.setIn([...base, "timing", "layers", layerId, "max"], max);
    if (negative < 0 || layer.min !== undefined) doc.setIn([...base, "timing", "layers", layerId, "min"], clamp(negative, -100, 0));
    timingOutOf += max;
  }
  timingOutOf = Math.max(1, timingOutOf);
  doc.setIn([...base, "timing", "outOf"], timingOutOf);

  const fitWeight = Math.round((fitOutOf / (fitOutOf + timingOutOf)) * 10_000) / 10_000;
  doc.setIn([...base, "weights"], flowNode(doc, { fit: fitWeight, timing: Math.round((1 - fitWeight) * 10_000) / 10_000 }));
  return { fitOutOf, timingOutOf };
}
