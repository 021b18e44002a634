import type { AccountProfile } from "./domain/account-profile.js";
import type { Signal } from "./domain/signal.js";
import type { DatedContact } from "./contacts/score-contact.js";
import { toEpochMs, toIso } from "./domain/time.js";
import { combine } from "./combine/combine.js";
import type { Adjustment, CombinedResult } from "./combine/combine.js";
import { scoreFit } from "./fit/fit-score.js";
import type { FitResult } from "./fit/fit-score.js";
import type { LoadedScorecard, Rubric, RubricVersion } from "./rubric/load-rubric.js";
import { scoreTiming } from "./timing/timing-score.js";
import type { TimingResult } from "./timing/timing-score.js";

/** One account scored on one scorecard at one instant, with everything needed to explain it. */
export interface AccountScore {
  accountKey: string;
  scorecard: string;
  rubricVersion: RubricVersion;
  asOf: string;
  fit: FitResult;
  timing: TimingResult;
  result: CombinedResult;
}

/**
 * Fit, timing and combination for one scorecard. Signals and contacts of other accounts are
 * ignored; `contacts` undefined means contacts are not known (no committee), `[]` means none.
 */
export function scoreAccountOnScorecard(profile: AccountProfile, signals: readonly Signal[], card: LoadedScorecard, version: RubricVersion, asOf: string | number, contacts?: readonly DatedContact[]): AccountScore {
  const asOfMs = typeof asOf === "number" ? asOf : toEpochMs(asOf);
  const own = signals.filter((s) => s.accountKey === profile.accountKey);
  const fit = scoreFit(profile, card, contacts?.filter((c) => c.accountKey === profile.accountKey));
  const timing = scoreTiming(own, card, asOfMs);
  return { accountKey: profile.accountKey, scorecard: card.id, rubricVersion: version, asOf: toIso(asOfMs), fit, timing, result: combine(fit, timing, card) };
}

/** One score per scorecard of the rubric, in the rubric's order. */
export function scoreAccount(profile: AccountProfile, signals: readonly Signal[], rubric: Rubric, asOf: string | number, contacts?: readonly DatedContact[]): AccountScore[] {
  return rubric.scorecards.map((card) => scoreAccountOnScorecard(profile, signals, card, rubric.version, asOf, contacts));
}

/**
 * The reasons that matter most, for one-line summaries: exclusions first, then the
 * contributions with the largest effect (fit and timing alike), then tier adjustments.
 */
export function topReasons(score: AccountScore, limit = 3): string[] {
  const exclusions = score.fit.exclusions.map((e) => `excluded: ${e.reason}`);
  const contributions = [...score.fit.contributions.map((c) => ({ c, part: "fit" })), ...score.timing.contributions.map((c) => ({ c, part: "timing" }))]
    .filter(({ c }) => c.points !== 0)
    .sort((a, b) => Math.abs(b.c.points) - Math.abs(a.c.points) || (a.c.rule < b.c.rule ? -1 : 1))
    .map(({ c }) => `${c.label} ${c.points > 0 ? "+" : ""}${c.points}`);
  const adjustments = score.result.adjustments.flatMap((a) => {
    const text = adjustmentReason(a);
    return text === undefined ? [] : [text];
  });
  return [...exclusions, ...adjustments, ...contributions].slice(0, limit);
}

/**
 * A tier adjustment as a short reason for one-line summaries (exclusions are told apart):
 * `strong intent: demo request, 3 d old: one tier above the fit-based Tier 2, to Tier 1` (the
 * lift starts from the tier fit alone reaches, not from the total's). Shared with the streaming
 * combiner, so a tier change says it in the same words.
 */
export function adjustmentReason(a: Adjustment): string | undefined {
  switch (a.kind) {
    case "excluded":
      return undefined;
    case "strong_intent_lift":
      return a.toName === a.fitTierName
        ? `strong intent: ${a.signal.label}, ${Math.round(a.signal.ageDays * 10) / 10} d old: up to ${a.toName}, where fit alone puts it`
        : `strong intent: ${a.signal.label}, ${Math.round(a.signal.ageDays * 10) / 10} d old: one tier above the fit-based ${a.fitTierName}, to ${a.toName}`;
    case "held_without_timing":
      return `strong fit, no timing signal: held at ${a.toName}`;
    case "strong_fit_floor":
      return `strong fit: kept at ${a.toName}`;
    case "tier_cap":
      return `capped at ${a.toName}: ${a.reason.replace(/ caps the tier at .*$/, "")}`;
  }
}
