import type { Adjustment, Contribution, LayerResult, Rubric, StrongSignal } from "@icpstream/scoring";
import { formatRubricVersion, QUADRANT_LABELS, scoreTiming } from "@icpstream/scoring";
import type { CombinerState } from "./combiner-handler.js";
import { combineCard } from "./combiner-handler.js";
import type { FitState } from "./fit-handler.js";
import type { TimingState } from "./timing-handler.js";

/**
 * Why an account has its tier, from the pipeline's live state (what the fit, timing and
 * combiner services hold in Redis), as data — the content of `icp explain --live` for the
 * web console's account page. Per scorecard:
 * - the tier, quadrant, total and its weighted components, as the combiner decides them from
 *   its stored fit and timing (`combineCard`), with the tier adjustments (exclusion, hold at
 *   the second tier, strong-intent lift, tier cap);
 * - fit: score, exclusions, tier caps and the largest contributions the combiner keeps, and
 *   the profile the fit service last applied;
 * - timing: every layer and rule with each signal behind it — its age and decay factor — as
 *   of the instant the timing service last evaluated them (so it is the score it published),
 *   the fresh strong-intent signals and when the score next changes on its own.
 * Pure: the caller reads and decodes the states. Instants ISO, ages in days, points as the rubric's.
 */
export interface LiveAccountStates {
  accountKey: string;
  fit?: FitState;
  timing?: TimingState;
  combiner?: CombinerState;
}

export interface LiveCardExplanation {
  scorecard: { id: string; name: string };
  rubric: { hash: string; version: string };
  /** Set when the combiner's state comes from another rubric than `rubric`. */
  rubricMismatch?: string;
  tier: { id: string; name: string; rank: number; action: string } | null;
  quadrant: { id: string; label: string } | null;
  total: number | null;
  components: { key: string; value: number; weight: number }[];
  adjustments: { kind: Adjustment["kind"]; from: string; to: string; reason: string }[];
  /** The last tier the combiner published, when it differs from the one recomputed here. */
  publishedTier?: { id: string; name: string; quadrant: string };
  fit: {
    score: number;
    scoredAt: string;
    profile?: { eventId: string; occurredAt: string };
    exclusions: { rule: string; reason: string }[];
    tierCaps: { tierId: string; rule: string; reason: string }[];
    reasons: { text: string; rule?: string | undefined; points?: number | undefined }[];
  } | null;
  timing: {
    score: number;
    points: number;
    outOf: number;
    asOf: string;
    nextChangeAt: string | null;
    strongSignals: StrongSignal[];
    layers: (Pick<LayerResult, "id" | "points" | "uncappedPoints" | "min" | "max"> & { contributions: Pick<Contribution, "rule" | "label" | "points" | "evidence">[] })[];
    duplicates: { eventId: string; duplicateOf: string }[];
  } | null;
  /** Why there is no tier yet, when there is none. */
  notTiered?: string;
}

export function explainLiveAccount(state: LiveAccountStates, rubric: Rubric): LiveCardExplanation[] {
  return rubric.scorecards.map((card) => {
    const stored = state.combiner?.scorecards[card.id];
    const result = stored ? combineCard(stored, card) : null;
    const mismatch = state.combiner && state.combiner.rubricHash !== null && state.combiner.rubricHash !== rubric.version.hash ? state.combiner.rubricHash : undefined;
    const timing = state.timing && state.timing.asOf !== null ? { asOf: state.timing.asOf, result: scoreTiming(state.timing.signals, card, Date.parse(state.timing.asOf)) } : null;
    const explanation: LiveCardExplanation = {
      scorecard: { id: card.id, name: card.name },
      rubric: { hash: rubric.version.hash, version: formatRubricVersion(rubric.version) },
      ...(mismatch ? { rubricMismatch: mismatch } : {}),
      tier: result ? { id: result.tier.id, name: result.tier.name, rank: result.tier.rank, action: result.tier.action } : null,
      quadrant: result ? { id: result.quadrant, label: QUADRANT_LABELS[result.quadrant] } : null,
      total: result?.total ?? null,
      components: result ? Object.keys(card.weights).sort().map((key) => ({ key, value: result.components[key] ?? 0, weight: card.weights[key] ?? 0 })) : [],
      adjustments: result ? result.adjustments.map((a) => ({ kind: a.kind, from: a.fromName, to: a.toName, reason: a.reason })) : [],
      ...(stored?.tier && result && (stored.tier.id !== result.tier.id || stored.tier.quadrant !== result.quadrant) ? { publishedTier: { id: stored.tier.id, name: stored.tier.name, quadrant: stored.tier.quadrant } } : {}),
      fit: stored?.fit
        ? {
            score: stored.fit.score,
            scoredAt: stored.fit.occurredAt,
            ...(state.fit ? { profile: state.fit.profile } : {}),
            exclusions: stored.fit.exclusions,
            tierCaps: stored.fit.tierCaps ?? [],
            reasons: stored.fit.reasons,
          }
        : null,
      timing: timing
        ? {
            score: timing.result.score,
            points: timing.result.points,
            outOf: timing.result.outOf,
            asOf: timing.asOf,
            nextChangeAt: timing.result.nextChangeAt,
            strongSignals: timing.result.strongSignals,
            layers: timing.result.layers.map((l) => ({
              id: l.id,
              points: l.points,
              uncappedPoints: l.uncappedPoints,
              min: l.min,
              max: l.max,
              contributions: timing.result.contributions.filter((c) => c.layer === l.id).map((c) => ({ rule: c.rule, label: c.label, points: c.points, evidence: c.evidence })),
            })),
            duplicates: timing.result.duplicates,
          }
        : null,
    };
    if (!result) explanation.notTiered = stored?.timing ? "the combiner has a timing score but no fit score (no profile seen)" : "the combiner holds no fit score for this account";
    return explanation;
  });
}
