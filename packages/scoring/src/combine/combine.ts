import type { FitResult } from "../fit/fit-score.js";
import { fromCenti, toCenti } from "../points.js";
import type { Scorecard } from "../rubric/rubric-schema.js";
import type { TimingResult } from "../timing/timing-score.js";

/**
 * Combination: fit and timing become one total (a weighted sum of 0–100 components),
 * the total picks a tier, and three rules adjust it, in this order:
 * 1. a hard-disqualified account goes to the excluded tier, whatever else is true;
 * 2. strong fit (≥ holdWithoutTiming.minFit) with no live timing signal is held at the second tier;
 * 3. a live strong-intent signal lifts the account one tier (never past the top).
 * (2 and 3 cannot both apply: strong intent is a timing signal.)
 */

export type Quadrant = "top_priority" | "nurture_for_timing" | "qualify_carefully" | "deprioritize";

export const QUADRANT_LABELS: Record<Quadrant, string> = {
  top_priority: "top priority (high fit, high timing)",
  nurture_for_timing: "nurture for timing (high fit, low timing)",
  qualify_carefully: "qualify carefully (low fit, high timing)",
  deprioritize: "deprioritize (low fit, low timing)",
};

export interface TierRef {
  id: string;
  name: string;
  action: string;
  /** 1 for the top tier; the excluded tier ranks after every other. */
  rank: number;
}

export type Adjustment =
  | { kind: "excluded"; from: string; to: string; reason: string }
  | { kind: "held_without_timing"; from: string; to: string; reason: string }
  | { kind: "strong_intent_lift"; from: string; to: string; reason: string };

export interface CombinedResult {
  /** 0–100. */
  total: number;
  /** The weighted components, each 0–100, by weight key. */
  components: Record<string, number>;
  baseTier: TierRef;
  tier: TierRef;
  quadrant: Quadrant;
  adjustments: Adjustment[];
}

type CombineCard = Pick<Scorecard, "weights" | "tiers" | "excluded" | "quadrant" | "strongIntentLift" | "holdWithoutTiming">;

function component(key: string, fit: FitResult, timing: TimingResult): number {
  if (key === "fit") return fit.score;
  if (key === "timing") return timing.score;
  return timing.layers.find((l) => l.id === key)?.score ?? 0;
}

export function tierRef(card: CombineCard, index: number): TierRef {
  const tier = card.tiers[index];
  if (!tier) return { ...card.excluded, rank: card.tiers.length + 1 };
  return { id: tier.id, name: tier.name, action: tier.action, rank: index + 1 };
}

export function combine(fit: FitResult, timing: TimingResult, card: CombineCard): CombinedResult {
  const keys = Object.keys(card.weights).sort();
  const components: Record<string, number> = {};
  let weighted = 0;
  for (const key of keys) {
    const value = component(key, fit, timing);
    components[key] = value;
    weighted += (card.weights[key] ?? 0) * toCenti(value);
  }
  const totalCenti = Math.min(10_000, Math.max(0, Math.round(weighted)));
  const total = fromCenti(totalCenti);

  const baseIndex = Math.max(0, card.tiers.findIndex((t) => totalCenti >= toCenti(t.min)));
  const baseTier = tierRef(card, baseIndex);
  const quadrant: Quadrant =
    fit.score >= card.quadrant.fitHigh
      ? timing.score >= card.quadrant.timingHigh
        ? "top_priority"
        : "nurture_for_timing"
      : timing.score >= card.quadrant.timingHigh
        ? "qualify_carefully"
        : "deprioritize";

  const adjustments: Adjustment[] = [];
  if (fit.excluded) {
    const tier = tierRef(card, -1);
    adjustments.push({ kind: "excluded", from: baseTier.id, to: tier.id, reason: fit.exclusions.map((e) => `${e.reason} (${e.input})`).join("; ") });
    return { total, components, baseTier, tier, quadrant, adjustments };
  }

  let index = baseIndex;
  const hold = card.holdWithoutTiming;
  if (hold !== false && card.tiers.length > 1 && index < 1 && fit.score >= hold.minFit && !timing.hasTimingSignal) {
    adjustments.push({ kind: "held_without_timing", from: tierRef(card, index).id, to: tierRef(card, 1).id, reason: `fit ${fit.score} ≥ ${hold.minFit} but no live timing signal` });
    index = 1;
  }
  if (card.strongIntentLift && timing.strongIntent && index > 0) {
    adjustments.push({ kind: "strong_intent_lift", from: tierRef(card, index).id, to: tierRef(card, index - 1).id, reason: "a live strong-intent signal lifts one tier" });
    index -= 1;
  }
  return { total, components, baseTier, tier: tierRef(card, index), quadrant, adjustments };
}
