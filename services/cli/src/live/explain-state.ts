import type { CombinerState, FitState, TimingState } from "@icpstream/pipeline";
import { combineCard, datedContactsOf } from "@icpstream/pipeline";
import type { Contribution, LayerResult, LoadedScorecard, Rubric } from "@icpstream/scoring";
import { buyingCommittee, committeeLines, formatRubricVersion, QUADRANT_LABELS, scoreTiming } from "@icpstream/scoring";

/**
 * Why an account has its tier, from the pipeline's live state (what the fit, timing and
 * combiner services hold in Redis), per scorecard:
 *
 * - tier, quadrant, total and its formula: the combiner's stored fit and timing combined
 *   with the scorecard, exactly as the combiner decided (`combineCard`);
 * - fit: the score, exclusions and the largest contributions the combiner keeps, and the
 *   profile the fit service last applied;
 * - timing: every layer and rule with the signals behind it, recomputed from the signals
 *   the timing service holds at the instant it last evaluated them (so it is the score
 *   it published), and when it will next change on its own.
 *
 * Pure: the caller reads and decodes the states.
 */
export interface LiveAccountState {
  accountKey: string;
  fit?: FitState;
  timing?: TimingState;
  combiner?: CombinerState;
}

const signed = (n: number) => `${n > 0 ? "+" : n < 0 ? "−" : " "}${Math.abs(n)}`;
const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));

function layerLines(layer: LayerResult, contributions: readonly Contribution[]): string[] {
  const bound = layer.max !== undefined ? ` of max ${layer.max}` : layer.min !== undefined ? ` (at most ${layer.min})` : "";
  const capped = layer.points !== layer.uncappedPoints ? `, capped from ${layer.uncappedPoints}` : "";
  const own = contributions.filter((c) => c.layer === layer.id);
  const lines = [`    ${layer.id}: ${layer.points}${bound}${capped}`];
  if (own.length === 0) lines.push("      (nothing live)");
  for (const c of own) {
    lines.push(`      ${pad(signed(c.points), 7)} ${c.label}  [${c.rule}]`);
    for (const e of c.evidence) {
      const when = e.eventId ? `  event ${e.eventId}, ${e.ageDays ?? "?"} d old${e.factor !== undefined && e.factor !== 1 ? `, ×${e.factor}` : ""}` : "";
      lines.push(`                ${e.description}${when}`);
    }
  }
  return lines;
}

export function explainCardFromState(state: LiveAccountState, card: LoadedScorecard, rubric: Rubric): string {
  const lines = [`${state.accountKey} — scorecard ${card.id} (${card.name}), live state, rubric ${formatRubricVersion(rubric.version)}`];
  const stored = state.combiner?.scorecards[card.id];
  if (state.combiner && state.combiner.rubricHash !== null && state.combiner.rubricHash !== rubric.version.hash) {
    lines.push(`  note: the combiner's state is from another rubric (${state.combiner.rubricHash.slice(0, 12)}); pass the rubric the services run with (--rubric or ICP_RUBRIC)`);
  }
  const result = stored ? combineCard(stored, card) : null;
  if (!stored || !result || !stored.fit) {
    lines.push(stored?.timing ? "  not tiered yet: the combiner has a timing score but no fit score (no profile seen)" : "  not tiered yet: the combiner holds no fit score for this account");
  } else {
    const formula = Object.keys(card.weights)
      .sort()
      .map((k) => `${k} ${result.components[k] ?? 0} × ${card.weights[k]}`)
      .join(" + ");
    lines.push(`  ${result.tier.name} [${result.tier.id}]: ${result.tier.action}`);
    lines.push(`  total ${result.total} = ${formula}`);
    lines.push(`  quadrant: ${QUADRANT_LABELS[result.quadrant]}`);
    if (result.baseTier.id !== result.tier.id || result.adjustments.length > 0) {
      lines.push(`  base tier ${result.baseTier.name} (by total), fit-based tier ${result.fitTier.name} (by fit alone)`);
      for (const a of result.adjustments) lines.push(`    ${a.kind.replace(/_/g, " ")} ${a.from} → ${a.to}: ${a.reason}`);
    }
    if (stored.tier && (stored.tier.id !== result.tier.id || stored.tier.quadrant !== result.quadrant)) {
      lines.push(`  note: the last published tier change said ${stored.tier.name} (${stored.tier.quadrant})`);
    }
    const fit = stored.fit;
    const held = state.fit?.profile;
    const contacts = Object.keys(state.fit?.contacts ?? {}).length;
    const profile = `${held ? `; profile ${held.eventId} of ${held.occurredAt}` : state.fit ? "; no profile yet" : ""}${contacts > 0 ? `; ${contacts} contacts` : ""}`;
    lines.push(`  Fit ${fit.score} / 100 (scored ${fit.occurredAt}${profile})`);
    for (const e of fit.exclusions) lines.push(`    EXCLUDED: ${e.reason}  [${e.rule}]`);
    for (const cap of fit.tierCaps ?? []) lines.push(`    TIER CAP: never above ${cap.tierId}: ${cap.reason}  [${cap.rule}]`);
    if (fit.reasons.length > 0) lines.push("    largest contributions:");
    for (const r of fit.reasons) lines.push(`      ${r.text}${r.rule ? `  [${r.rule}]` : ""}`);
    // The committee, from the contact records the fit service holds (their engagement aged to each record's instant, as fit scored them).
    const records = datedContactsOf(state.fit?.contacts);
    if (records && card.contacts) lines.push(...committeeLines(buyingCommittee(records, card.contacts)));
  }
  lines.push(...timingLines(state, card, stored?.timing?.score));
  return lines.join("\n");
}

function timingLines(state: LiveAccountState, card: LoadedScorecard, combinerTiming: number | undefined): string[] {
  const timing = state.timing;
  if (!timing || timing.asOf === null) {
    return [`  Timing ${combinerTiming ?? 0} / 100: ${timing ? "no signal evaluated yet" : "no signals in the timing service's state"}`];
  }
  const asOfMs = Date.parse(timing.asOf);
  const result = scoreTiming(timing.signals, card, asOfMs);
  const next = result.nextChangeAt ? `; next change on its own at ${result.nextChangeAt}` : "; will not change on its own";
  const lines = [`  Timing ${result.score} / 100 (${result.points} of ${result.outOf} points, as of ${timing.asOf}${next})`];
  if (combinerTiming !== undefined && combinerTiming !== result.score) {
    lines.push(`    note: the combiner last applied timing ${combinerTiming}; this newer score has not reached it yet`);
  }
  for (const s of result.strongSignals) lines.push(`    strong intent: ${s.label}, ${s.description}, event ${s.eventId}, ${s.ageDays} d old, strong until ${s.strongUntil}  [${s.rule}]`);
  if (!result.strongIntent) lines.push("    no fresh strong-intent signal");
  for (const d of result.duplicates) lines.push(`    counted once: event ${d.eventId} is another sighting of ${d.duplicateOf}`);
  for (const layer of result.layers) lines.push(...layerLines(layer, result.contributions));
  return lines;
}

export function explainFromState(state: LiveAccountState, rubric: Rubric, scorecards?: readonly string[]): string {
  const cards = scorecards ? rubric.scorecards.filter((c) => scorecards.includes(c.id)) : rubric.scorecards;
  return cards.map((card) => explainCardFromState(state, card, rubric)).join("\n\n");
}
