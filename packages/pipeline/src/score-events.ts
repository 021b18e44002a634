import type { CommitteeV1, ContributionV1, FitScoredEventV1, LayerScoreV1, ReasonV1, RubricVersionRef, StrongSignalV1, TimingScoredEventV1 } from "@icpstream/contracts";
import type { BuyingCommittee, Contribution, FitResult, LayerResult, RubricVersion, StrongSignal, TimingResult } from "@icpstream/scoring";
import { scoreTiming } from "@icpstream/scoring";
import type { LoadedScorecard } from "@icpstream/scoring";
import { digestOf } from "./output-id.js";

/**
 * Engine results → the payload of `fit_scored` / `timing_scored`, and the digests that
 * decide whether a score "changed". Shared by the handlers and the batch recompute, so
 * both describe a score in exactly the same words.
 */

/** The contract allows at most 100 evidence items per contribution; a `sum` rule over more signals keeps its newest 100. */
export const MAX_EVIDENCE = 100;
/** Top reasons kept per side in the combiner and sent on a tier change. */
export const MAX_REASONS = 5;
const MAX_REASON_TEXT = 500;
/** The score contracts' limits on a contribution's or strong signal's label and on an evidence description. */
const MAX_LABEL_TEXT = 500;
const MAX_DESCRIPTION_TEXT = 1000;

export function rubricRef(version: RubricVersion): RubricVersionRef {
  return version.label === undefined ? { hash: version.hash } : { hash: version.hash, label: version.label };
}

/** A copy without the members that are undefined (the wire has no undefined). */
function defined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) out[key] = member;
  }
  return out as T;
}

/**
 * Labels and evidence echo the input's own words (a job title, a topic, an industry as
 * sent), which the input contracts do not bound: they are clipped to the score contract's
 * limits here, so every event the input contract accepts can be scored and published
 * (a 6000-character job title was dead-lettered by the timing service instead).
 */
export function toContributionV1(c: Contribution): ContributionV1 {
  const from = Math.max(0, c.evidence.length - MAX_EVIDENCE);
  const evidence: ContributionV1["evidence"] = [];
  for (let i = from; i < c.evidence.length; i++) {
    const item = defined(c.evidence[i] as ContributionV1["evidence"][number]);
    evidence.push(item.description.length <= MAX_DESCRIPTION_TEXT ? item : { ...item, description: clip(item.description, MAX_DESCRIPTION_TEXT) });
  }
  return { rule: c.rule, layer: c.layer, label: clip(c.label, MAX_LABEL_TEXT), points: c.points, evidence };
}

export function toLayerV1(l: LayerResult): LayerScoreV1 {
  return l.score === undefined ? { id: l.id, points: l.points } : { id: l.id, points: l.points, score: l.score };
}

export type FitPayload = Pick<FitScoredEventV1, "fit" | "excluded" | "exclusions" | "tierCaps" | "layers" | "contributions" | "committee">;
export type TimingPayload = Pick<TimingScoredEventV1, "timing" | "strongIntent" | "strongSignals" | "hasTimingSignal" | "layers" | "contributions">;

/** At most this many strong signals travel with a timing score (the contract's limit). */
export const MAX_STRONG_SIGNALS = 50;

export function fitPayload(result: FitResult): FitPayload {
  return {
    fit: result.score,
    excluded: result.excluded,
    exclusions: result.exclusions.map((e) => ({ rule: e.rule, reason: e.reason })),
    tierCaps: result.tierCaps.map((c) => ({ tierId: c.tierId, rule: c.rule, reason: clip(c.reason) })),
    layers: result.layers.map(toLayerV1),
    contributions: result.contributions.map(toContributionV1),
    ...(result.committee ? { committee: toCommitteeV1(result.committee) } : {}),
  };
}

/** The committee on the wire: counts, coverage and the best contact (title and why clipped to the contract's limits). */
export function toCommitteeV1(c: BuyingCommittee): CommitteeV1 {
  const best = c.best;
  return {
    contacts: c.contacts.length,
    coverage: { held: c.coverage.held, of: c.coverage.of },
    ...(best ? { bestContact: { contactId: best.contactId, ...(best.title === undefined ? {} : { title: clip(best.title, 300) }), score: best.score, roles: best.roles, why: clip(best.why, MAX_REASON_TEXT) } } : {}),
  };
}

/** A strong signal on the wire: no age (it grows every millisecond; the receiver knows its own instant). */
export function toStrongSignalV1(s: StrongSignal): StrongSignalV1 {
  return { rule: s.rule, label: clip(s.label, MAX_LABEL_TEXT), eventId: s.eventId, occurredAt: s.occurredAt, description: clip(s.description, MAX_DESCRIPTION_TEXT), strongUntil: s.strongUntil };
}

export function timingPayload(result: TimingResult): TimingPayload {
  return {
    timing: result.score,
    strongIntent: result.strongIntent,
    strongSignals: result.strongSignals.slice(0, MAX_STRONG_SIGNALS).map(toStrongSignalV1),
    hasTimingSignal: result.hasTimingSignal,
    layers: result.layers.map(toLayerV1),
    contributions: result.contributions.map(toContributionV1),
  };
}

/** What a fit score is, for change detection: the rubric, the score, exclusions, tier caps and the explanation. */
export function fitDigest(event: FitPayload & { rubricVersion: RubricVersionRef }): string {
  const { fit, excluded, exclusions, layers, contributions } = event;
  const tierCaps = event.tierCaps ?? [];
  // Parts added later enter the digest only when present, so older scores keep their digests.
  return digestOf({ rubric: event.rubricVersion.hash, fit, excluded, exclusions, ...(tierCaps.length === 0 ? {} : { tierCaps }), layers, contributions, ...(event.committee ? { committee: event.committee } : {}) });
}

/**
 * What a timing score is, for change detection. Evidence ages every millisecond, so
 * `ageDays` is left out: the decay factor and points say everything that matters, and
 * they change only at decay boundaries. `nextChangeAt` is the service's schedule, not the score.
 */
export function timingDigest(event: TimingPayload & { rubricVersion: RubricVersionRef }): string {
  const { timing, strongIntent, hasTimingSignal, layers } = event;
  const strongSignals = event.strongSignals ?? [];
  const contributions = event.contributions.map((c) => ({ ...c, evidence: c.evidence.map(({ ageDays: _age, ...e }) => e) }));
  return digestOf(
    strongSignals.length === 0
      ? { rubric: event.rubricVersion.hash, timing, strongIntent, hasTimingSignal, layers, contributions }
      : { rubric: event.rubricVersion.hash, timing, strongIntent, strongSignals, hasTimingSignal, layers, contributions },
  );
}

/**
 * The empty digest per loaded scorecard and rubric hash: the timing service asks for it on
 * every evaluation of an account with nothing published yet, and it never changes (a loaded
 * rubric is not modified). Weak, so a replaced rubric takes its entries with it.
 */
const emptyTimingDigests = new WeakMap<LoadedScorecard, Map<string, string>>();

/**
 * The digest of "no timing at all" on a scorecard: an account without signals, or whose
 * signals all aged out. The timing service publishes only what differs from this, and the
 * combiner treats a missing timing score as exactly this.
 */
export function emptyTimingDigest(card: LoadedScorecard, version: RubricVersion): string {
  let byRubric = emptyTimingDigests.get(card);
  if (!byRubric) emptyTimingDigests.set(card, (byRubric = new Map()));
  let digest = byRubric.get(version.hash);
  if (digest === undefined) {
    digest = timingDigest({ ...timingPayload(scoreTiming([], card, 0)), rubricVersion: rubricRef(version) });
    byRubric.set(version.hash, digest);
  }
  return digest;
}

/** A contribution as a reason for people: `Funding round series_b +12`. */
export function contributionReason(c: Pick<ContributionV1, "rule" | "label" | "points">): ReasonV1 {
  return { text: clip(`${c.label} ${c.points > 0 ? "+" : ""}${c.points}`), rule: c.rule, points: c.points };
}

/** The contributions with the largest effect, largest first (ties by rule), as reasons. */
export function topContributionReasons(contributions: readonly Pick<ContributionV1, "rule" | "label" | "points">[], limit = MAX_REASONS): ReasonV1[] {
  return sortReasons(contributions.filter((c) => c.points !== 0).map(contributionReason)).slice(0, limit);
}

export function sortReasons(reasons: readonly ReasonV1[]): ReasonV1[] {
  return [...reasons].sort((a, b) => Math.abs(b.points ?? 0) - Math.abs(a.points ?? 0) || ((a.rule ?? "") < (b.rule ?? "") ? -1 : (a.rule ?? "") > (b.rule ?? "") ? 1 : 0));
}

/** `text`, or its first `max - 1` characters and an ellipsis when longer. */
export function clip(text: string, max = MAX_REASON_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
