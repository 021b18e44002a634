import type { FitResult, TierCap } from "../fit/fit-score.js";
import { fromCenti, toCenti } from "../points.js";
import type { Scorecard } from "../rubric/rubric-schema.js";
import type { StrongSignal, TimingResult } from "../timing/timing-score.js";

/**
 * Combination: fit and timing become one total (a weighted sum of −100–100 components,
 * clamped to 0–100 only at the end, so a deduction or negative behaviour always lowers it),
 * the total picks a base tier, and four rules adjust it, in this order:
 * 1. a hard-disqualified account goes to the excluded tier, whatever else is true;
 * 2. the hold line: fit ≥ `holdWithoutTiming.minFit` is never below the second tier, and
 *    with no live timing signal it sits exactly there (methodology: "a strong ICP-fit account
 *    with zero engagement and no intent signals might stay at Tier B rather than Tier A");
 * 3. a fresh strong-intent signal lifts the account one tier up from its fit-based tier (the
 *    tier its fit score alone reaches), when that is above where it stands; never into the top
 *    tier when fit is below the quadrant's fit line (methodology: "a Tier C account by
 *    firmographic fit alone can move to Tier B"; SPEC: never lifting a poor-fit account into
 *    the top tier). Intent is not counted twice: the lift starts from fit, not from a total
 *    that already holds the intent points;
 * 4. a soft disqualifier with `maxTier` caps the tier (GTM article: a prospect locked into a
 *    three-year contract with the main competitor "should not be in your Tier 1 pipeline").
 * (2's cap and 3 cannot both apply: strong intent is a timing signal.)
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

/** A move between tiers: ids (`from`, `to`) and the names people read (`fromName`, `toName`). */
interface Move {
  from: string;
  to: string;
  fromName: string;
  toName: string;
  reason: string;
}

export type Adjustment =
  | ({ kind: "excluded" } & Move)
  /** Strong fit and no live timing signal: placed at the second tier, from above or below. */
  | ({ kind: "held_without_timing" } & Move)
  /** Strong fit with timing signals but a total below the second tier: lifted to it. */
  | ({ kind: "strong_fit_floor" } & Move)
  /** One tier above the fit-based tier (`fitTierName`), from wherever the total had put it. */
  | ({ kind: "strong_intent_lift"; signal: StrongSignal; fitTierName: string } & Move)
  | ({ kind: "tier_cap"; rule: string } & Move);

export interface CombinedResult {
  /** 0–100: the weighted sum, clamped. */
  total: number;
  /** The weighted components, each −100–100, by weight key. */
  components: Record<string, number>;
  baseTier: TierRef;
  /** The tier the fit score alone reaches (what a strong-intent lift starts from). */
  fitTier: TierRef;
  tier: TierRef;
  quadrant: Quadrant;
  adjustments: Adjustment[];
}

type CombineCard = Pick<Scorecard, "weights" | "tiers" | "excluded" | "quadrant" | "strongIntentLift" | "holdWithoutTiming">;
type CombineFit = Pick<FitResult, "score" | "excluded" | "exclusions" | "tierCaps">;
type CombineTiming = Pick<TimingResult, "score" | "strongIntent" | "strongSignals" | "hasTimingSignal" | "layers">;

function component(key: string, fit: CombineFit, timing: CombineTiming): number {
  if (key === "fit") return fit.score;
  if (key === "timing") return timing.score;
  return timing.layers.find((l) => l.id === key)?.score ?? 0;
}

export function tierRef(card: CombineCard, index: number): TierRef {
  const tier = card.tiers[index];
  if (!tier) return { ...card.excluded, rank: card.tiers.length + 1 };
  return { id: tier.id, name: tier.name, action: tier.action, rank: index + 1 };
}

/** The index of the first tier whose `min` the score (centi) reaches. */
function tierIndexFor(card: CombineCard, centi: number): number {
  return Math.max(0, card.tiers.findIndex((t) => centi >= toCenti(t.min)));
}

/** Days for people: "3 d", "0.5 d". */
const days = (n: number) => `${Math.round(n * 10) / 10} d`;

// The weights' keys in order, once per rubric's weights object.
const sortedKeys = new WeakMap<object, readonly string[]>();
function weightKeys(weights: Record<string, number>): readonly string[] {
  let keys = sortedKeys.get(weights);
  if (!keys) {
    keys = Object.keys(weights).sort();
    sortedKeys.set(weights, keys);
  }
  return keys;
}

export function combine(fit: CombineFit, timing: CombineTiming, card: CombineCard): CombinedResult {
  const keys = weightKeys(card.weights);
  const components: Record<string, number> = {};
  let weighted = 0;
  for (const key of keys) {
    const value = component(key, fit, timing);
    components[key] = value;
    weighted += (card.weights[key] ?? 0) * toCenti(value);
  }
  const totalCenti = Math.min(10_000, Math.max(0, Math.round(weighted)));
  const total = fromCenti(totalCenti);

  const baseIndex = tierIndexFor(card, totalCenti);
  const baseTier = tierRef(card, baseIndex);
  const fitIndex = tierIndexFor(card, Math.max(0, toCenti(fit.score)));
  const fitTier = tierRef(card, fitIndex);
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
    adjustments.push({ kind: "excluded", from: baseTier.id, to: tier.id, fromName: baseTier.name, toName: tier.name, reason: fit.exclusions.map((e) => `${e.reason} (${e.input})`).join("; ") });
    return { total, components, baseTier, fitTier, tier, quadrant, adjustments };
  }

  let index = baseIndex;
  const move = (to: number) => {
    const from = tierRef(card, index);
    const target = tierRef(card, to);
    index = to;
    return { from: from.id, to: target.id, fromName: from.name, toName: target.name };
  };

  const hold = card.holdWithoutTiming;
  if (hold !== false && card.tiers.length > 1 && fit.score >= hold.minFit) {
    if (!timing.hasTimingSignal && index !== 1) {
      adjustments.push({ kind: "held_without_timing", ...move(1), reason: `fit ${fit.score} ≥ ${hold.minFit} with no live timing signal: nurture for timing at the second tier` });
    } else if (timing.hasTimingSignal && index > 1) {
      adjustments.push({ kind: "strong_fit_floor", ...move(1), reason: `fit ${fit.score} ≥ ${hold.minFit}: never below the second tier` });
    }
  }

  const signal = timing.strongSignals[0];
  if (card.strongIntentLift && timing.strongIntent && signal) {
    let target = Math.max(0, fitIndex - 1);
    if (fit.score < card.quadrant.fitHigh && card.tiers.length > 1) target = Math.max(target, 1);
    if (target < index) {
      const capped = fit.score < card.quadrant.fitHigh && target === 1 && fitIndex - 1 < 1 ? `; not into ${tierRef(card, 0).name} with fit ${fit.score} below ${card.quadrant.fitHigh}` : "";
      adjustments.push({
        kind: "strong_intent_lift",
        ...move(target),
        // Fit alone already reaches the top tier: the signal lifts the account to it (from where the total left it).
        reason: target === fitIndex ? `strong intent: ${signal.label} (${days(signal.ageDays)} old) lifts the account to ${fitTier.name}, where fit alone puts it` : `strong intent: ${signal.label} (${days(signal.ageDays)} old) lifts the fit-based ${fitTier.name} one tier${capped}`,
        signal,
        fitTierName: fitTier.name,
      });
    }
  }

  const cap = strictestCap(card, fit.tierCaps);
  if (cap && index < cap.index) {
    adjustments.push({ kind: "tier_cap", ...move(cap.index), reason: `${cap.cap.reason} caps the tier at ${tierRef(card, cap.index).name}`, rule: cap.cap.rule });
  }
  return { total, components, baseTier, fitTier, tier: tierRef(card, index), quadrant, adjustments };
}

/** Of the tier caps that apply, the lowest tier (highest index); unknown tier ids are ignored (the rubric checks them). */
function strictestCap(card: CombineCard, caps: readonly TierCap[]): { index: number; cap: TierCap } | undefined {
  let best: { index: number; cap: TierCap } | undefined;
  for (const cap of caps) {
    const index = card.tiers.findIndex((t) => t.id === cap.tierId);
    if (index >= 0 && (!best || index > best.index)) best = { index, cap };
  }
  return best;
}
