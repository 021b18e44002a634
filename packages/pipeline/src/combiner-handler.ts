import { z } from "zod";
import { BestContactV1, QuadrantV1, ReasonV1, StrongSignalV1, TierCapV1, tierChangeIdempotencyKey } from "@icpstream/contracts";
import type { FitScoredEventV1, TierChangedEventV1, TimingScoredEventV1 } from "@icpstream/contracts";
import { AccountKey, adjustmentReason, combine, DAY_MS, IsoDateTime } from "@icpstream/scoring";
import type { CombinedResult, LoadedScorecard, Rubric } from "@icpstream/scoring";
import { assertSameAccount } from "./errors.js";
import { timingPosition } from "./timing-handler.js";
import { toEpochMs } from "./instant.js";
import { clip, fitDigest, MAX_REASONS, rubricRef, sortReasons, timingDigest, topContributionReasons } from "./score-events.js";

/**
 * The combiner's decision: the latest fit and timing per scorecard → `combine` → a
 * `tier_changed` when the tier or the quadrant moved.
 *
 * - **Latest wins**: a score older than the stored one (by `occurredAt`) is ignored; the
 *   same event id again is a duplicate; on an equal instant the later arrival wins (the
 *   services publish one account's scores in order on one partition).
 * - **Missing timing is no timing**: an account with a fit and no timing score yet is
 *   tiered with timing 0, no timing signal and no strong intent — exactly what the engine
 *   gives for no signals. A timing score without a fit is kept and waits for the fit.
 * - **Rubric**: scores from another rubric version than the combiner's are ignored
 *   (`rubric_mismatch`); when the combiner's rubric changes, stored scores from the old
 *   one are dropped (tier and version are kept, so the next change says where it came from).
 * - **Version**: one counter per account over all its scorecards, +1 per tier change,
 *   gap-free. The contract has no field for it yet, so it ends the event id:
 *   `<idempotencyKey>:v<version>` (read it back with `tierChangeVersion`).
 * - **Deterministic**: no clock. `occurredAt` / `observedAt` are the arriving score's;
 *   `causingEventIds` the fit_scored and timing_scored ids the tier was computed from
 *   (oldest first); the idempotency key is `tierChangeIdempotencyKey` over them.
 *
 * `combine` needs a FitResult and a TimingResult; the events carry everything it reads
 * (fit score, exclusions, tier caps, timing score, strong intent and its signals, timing
 * signal, layer scores) except an exclusion's `input`, which only feeds the engine's
 * adjustment text (reasons here are built from the exclusion's rule and reason instead).
 * A strong signal's age in a reason is counted to the instant of the tier change.
 */
const FitSide = z.object({
  eventId: z.string().min(1),
  occurredAt: IsoDateTime,
  /** The profile the fit was scored from: breaks ties of `occurredAt` the way the fit service does (absent in older states). */
  profileEventId: z.string().optional(),
  score: z.number(),
  excluded: z.boolean(),
  exclusions: z.array(z.object({ rule: z.string(), reason: z.string() })),
  /** Soft disqualifiers that cap the tier (absent in states stored before they existed). */
  tierCaps: z.array(TierCapV1).optional(),
  /** The top contributions as reasons (at most MAX_REASONS): all a tier change needs of the explanation. */
  reasons: z.array(ReasonV1),
  digest: z.string(),
  /** The account's best contact, from the fit's committee (absent without contacts, and in older states). */
  bestContact: BestContactV1.optional(),
  /** Scored under an earlier promotion of the rubric than the account's: stands in until this side's score of the account's epoch arrives. */
  provisional: z.literal(true).optional(),
});
const TimingSide = z.object({
  eventId: z.string().min(1),
  occurredAt: IsoDateTime,
  score: z.number(),
  strongIntent: z.boolean(),
  /** The fresh strong-intent signals, freshest first (absent in states stored before they were kept, and when none). */
  strongSignals: z.array(StrongSignalV1).optional(),
  hasTimingSignal: z.boolean(),
  /** A live positive contribution of the `triggers` layer (absent in states stored before it was kept). */
  triggerActive: z.boolean().optional(),
  /** Layer id → its 0–100 score (the weight keys of formula scorecards). */
  layers: z.record(z.string(), z.number()),
  reasons: z.array(ReasonV1),
  digest: z.string(),
  /** See `FitSide.provisional`. */
  provisional: z.literal(true).optional(),
});
const EmittedTier = z.object({
  id: z.string(),
  name: z.string(),
  rank: z.number().int().positive(),
  quadrant: QuadrantV1,
  /** The best contact told with the last change (absent when none was, and in older states). */
  bestContactId: z.string().optional(),
});
const CardState = z.object({ fit: FitSide.optional(), timing: TimingSide.optional(), tier: EmittedTier.optional() });

export const CombinerState = z.object({
  v: z.literal(1),
  accountKey: AccountKey,
  /** The rubric the stored scores belong to. */
  rubricHash: z.string().nullable(),
  /** The version of the last tier change published for this account (0 before the first). */
  version: z.number().int().nonnegative(),
  /** The promotion of the rubric the account is tiered under (`rubric_promoted.epoch`; absent: 0, the rubric the service started with). */
  epoch: z.number().int().nonnegative().optional(),
  scorecards: z.record(z.string(), CardState),
});
export type CombinerState = z.infer<typeof CombinerState>;

export type CombinerCardState = z.infer<typeof CardState>;
type FitSide = z.infer<typeof FitSide>;
type TimingSide = z.infer<typeof TimingSide>;

/**
 * The timing layer of situational triggers (funding, new revenue leader, acquisition…) in the
 * shipped rubrics; a live contribution from it makes a tier change `triggerActive`.
 */
export const TRIGGER_LAYER = "triggers";

export interface CombinerTransition {
  state: CombinerState;
  /** In version order: `state.version - outputs.length + 1` … `state.version`. */
  outputs: TierChangedEventV1[];
  ignored?: "duplicate" | "stale" | "rubric_mismatch" | "unknown_scorecard" | "superseded";
}

export function applyFitScored(state: CombinerState | undefined, event: FitScoredEventV1, rubric: Rubric): CombinerTransition {
  const profileEventId = event.causingEventIds[0];
  // Built only for a score that is applied: the digest is most of the combiner's work.
  const side = (): FitSide => ({
    eventId: event.eventId,
    occurredAt: event.occurredAt,
    ...(profileEventId === undefined ? {} : { profileEventId }),
    score: event.fit,
    excluded: event.excluded,
    exclusions: event.exclusions.map((e) => ({ rule: e.rule, reason: e.reason })),
    ...(event.tierCaps.length === 0 ? {} : { tierCaps: event.tierCaps.map((c) => ({ tierId: c.tierId, rule: c.rule, reason: c.reason })) }),
    reasons: topContributionReasons(event.contributions),
    digest: fitDigest(event),
    ...(event.committee?.bestContact ? { bestContact: event.committee.bestContact } : {}),
  });
  // Of two fits for one instant, the one from the later profile by event id wins, as in the
  // fit service: a replayed fit of an older profile with the same instant is stale.
  const olderProfile = (stored: FitSide) => profileEventId !== undefined && stored.profileEventId !== undefined && profileEventId < stored.profileEventId;
  return applyScore(state, event, rubric, (card) => card.fit, (card) => ({ ...card, fit: side() }), (stored) => olderProfile(stored as FitSide));
}

export function applyTimingScored(state: CombinerState | undefined, event: TimingScoredEventV1, rubric: Rubric): CombinerTransition {
  const side = (): TimingSide => ({
    eventId: event.eventId,
    occurredAt: event.occurredAt,
    score: event.timing,
    strongIntent: event.strongIntent,
    ...(event.strongSignals.length === 0 ? {} : { strongSignals: event.strongSignals }),
    hasTimingSignal: event.hasTimingSignal,
    triggerActive: event.contributions.some((c) => c.layer === TRIGGER_LAYER && c.points > 0),
    layers: Object.fromEntries(event.layers.flatMap((l) => (l.score === undefined ? [] : [[l.id, l.score]]))),
    reasons: topContributionReasons(event.contributions),
    digest: timingDigest(event),
  });
  // Of two timing scores for one instant, the one computed further along the timing
  // service's inputs wins: a late copy of an older one (a fenced member's outbox) is stale.
  const position = timingPosition(event.eventId);
  const earlierRead = (stored: { eventId: string }) => {
    const held = timingPosition(stored.eventId);
    return position !== null && held !== null && position < held;
  };
  return applyScore(state, event, rubric, (card) => card.timing, (card) => ({ ...card, timing: side() }), earlierRead);
}

/** The version a tier change carries (the contract has no field for it yet; it ends the event id). */
export function tierChangeVersion(event: Pick<TierChangedEventV1, "eventId">): number {
  const match = /:v(\d+)$/.exec(event.eventId);
  if (!match?.[1]) throw new RangeError(`not a tier change id from the combiner: ${event.eventId}`);
  return Number(match[1]);
}

type ScoreEvent = FitScoredEventV1 | TimingScoredEventV1;

function applyScore(
  state: CombinerState | undefined,
  event: ScoreEvent,
  rubric: Rubric,
  stored: (card: CombinerCardState) => { eventId: string; occurredAt: string } | undefined,
  withSide: (card: CombinerCardState) => CombinerCardState,
  loses: (stored: { eventId: string; occurredAt: string }) => boolean = () => false,
): CombinerTransition {
  assertSameAccount(state?.accountKey, event.accountKey, `a ${event.type} event`);
  let current: CombinerState = state ?? { v: 1, accountKey: event.accountKey, rubricHash: null, version: 0, scorecards: {} };
  const epoch = event.rubricEpoch ?? 0;
  if (epoch < (current.epoch ?? 0)) return { state: current, outputs: [], ignored: "superseded" };
  if (event.rubricVersion.hash !== rubric.version.hash) return { state: current, outputs: [], ignored: "rubric_mismatch" };
  const card = rubric.scorecards.find((c) => c.id === event.scorecard);
  if (!card) return { state: current, outputs: [], ignored: "unknown_scorecard" };

  if (epoch > (current.epoch ?? 0)) current = enterEpoch(current, epoch, rubric);
  else if (current.rubricHash !== rubric.version.hash) current = forgetScores(current, rubric.version.hash);
  const cardState = current.scorecards[card.id] ?? {};
  const held = stored(cardState);
  // A side scored under an earlier promotion only stands in: whatever the new epoch says replaces it.
  const previous = held && !(held as { provisional?: true }).provisional ? held : undefined;
  if (previous) {
    if (previous.eventId === event.eventId) return { state: current, outputs: [], ignored: "duplicate" };
    const incoming = toEpochMs(event.occurredAt);
    const held = toEpochMs(previous.occurredAt);
    if (incoming < held || (incoming === held && loses(previous))) return { state: current, outputs: [], ignored: "stale" };
  }

  const next = withSide(cardState);
  const decided = decide(current, next, card, rubric, event);
  return { state: { ...current, version: decided.version, scorecards: { ...current.scorecards, [card.id]: decided.card } }, outputs: decided.outputs };
}

/**
 * The account moves to a later promotion of the rubric (its first score of `epoch` arrived):
 * the sides it holds stay, marked provisional, so the tier is decided under the new rubric
 * from the new score and the other side's old one until that side's score of the epoch
 * arrives too (fit and timing re-score every account after a promotion, each at its pace);
 * scorecards the new rubric does not have keep only their emitted tier.
 */
function enterEpoch(state: CombinerState, epoch: number, rubric: Rubric): CombinerState {
  const scorecards: Record<string, CombinerCardState> = {};
  for (const [id, card] of Object.entries(state.scorecards)) {
    if (!rubric.scorecards.some((c) => c.id === id)) {
      if (card.tier) scorecards[id] = { tier: card.tier };
      continue;
    }
    scorecards[id] = {
      ...(card.fit ? { fit: { ...card.fit, provisional: true as const } } : {}),
      ...(card.timing ? { timing: { ...card.timing, provisional: true as const } } : {}),
      ...(card.tier ? { tier: card.tier } : {}),
    };
  }
  return { ...state, epoch, rubricHash: rubric.version.hash, scorecards };
}

/** Scores from an older rubric mean nothing under the new one; the emitted tier stays as the baseline of the next change. */
function forgetScores(state: CombinerState, rubricHash: string): CombinerState {
  const scorecards: Record<string, CombinerCardState> = {};
  for (const [id, card] of Object.entries(state.scorecards)) if (card.tier) scorecards[id] = { tier: card.tier };
  return { ...state, rubricHash, scorecards };
}

function fitResult(side: FitSide): Parameters<typeof combine>[0] {
  return { score: side.score, excluded: side.excluded, exclusions: side.exclusions.map((e) => ({ ...e, input: "" })), tierCaps: side.tierCaps ?? [] };
}

/** The timing side as `combine` reads it; strong signals aged to `atMs` (the instant of the decision). */
function timingResult(side: TimingSide | undefined, atMs: number): Parameters<typeof combine>[1] {
  const layers = Object.entries(side?.layers ?? {}).map(([id, score]) => ({ id, points: 0, uncappedPoints: 0, min: undefined, max: undefined, score }));
  const strongSignals = (side?.strongSignals ?? []).map((s) => ({ ...s, ageDays: Math.round(((atMs - toEpochMs(s.occurredAt)) / DAY_MS) * 100) / 100 }));
  return { score: side?.score ?? 0, strongIntent: side?.strongIntent ?? false, strongSignals, hasTimingSignal: side?.hasTimingSignal ?? false, layers };
}

/**
 * Combines one scorecard's stored fit and timing as of `atMs` (which only ages the strong
 * signals named in reasons; default: the newer side's instant); null before there is a fit.
 */
export function combineCard(card: CombinerCardState, scorecard: LoadedScorecard, atMs?: number): CombinedResult | null {
  if (!card.fit) return null;
  const at = atMs ?? Math.max(toEpochMs(card.fit.occurredAt), card.timing ? toEpochMs(card.timing.occurredAt) : -Infinity);
  return combine(fitResult(card.fit), timingResult(card.timing, at), scorecard);
}

/** What subscribers have heard of an account: the last version, and per scorecard the last tier told. */
export interface PublishedTiers {
  version: number;
  tiers: Record<string, { id: string; name: string; rank: number; quadrant: QuadrantV1; bestContactId?: string }>;
}

/**
 * Folds tier changes as published (in topic order) into what subscribers last heard per
 * account. Versions only go up: a redelivered older change does not take a newer one back.
 */
export function foldPublishedTier(published: Map<string, PublishedTiers>, event: TierChangedEventV1): void {
  const version = tierChangeVersion(event);
  const account = published.get(event.accountKey) ?? { version: 0, tiers: {} };
  if (version < account.version) return;
  account.version = version;
  account.tiers[event.scorecard] = { id: event.tier.id, name: event.tier.name, rank: event.tier.rank, quadrant: event.quadrant, ...(event.bestContact ? { bestContactId: event.bestContact.contactId } : {}) };
  published.set(event.accountKey, account);
}

/**
 * After a quiet replay (Redis state lost and rebuilt from the score topics without
 * publishing): the stored fit and timing are right, but the tiers and the version the
 * replay went through are not what subscribers heard — the replay interleaved the two score
 * topics its own way. This puts back what was published (version and last tier per
 * scorecard; none if nothing was) and tells, with the next versions, only where the
 * account's tier now differs from it. Versions stay gap-free and are never reused.
 */
export function reconcileWithPublished(state: CombinerState, published: PublishedTiers | undefined, rubric: Rubric): CombinerTransition {
  let current: CombinerState = { ...state, version: published?.version ?? 0, scorecards: {} };
  for (const [id, card] of Object.entries(state.scorecards)) {
    const told = published?.tiers[id];
    const { tier: _replayed, ...sides } = card;
    current.scorecards[id] = told ? { ...sides, tier: told } : sides;
  }
  for (const [id, told] of Object.entries(published?.tiers ?? {})) current.scorecards[id] ??= { tier: told };
  if (current.rubricHash !== rubric.version.hash) return { state: current, outputs: [] };

  const outputs: TierChangedEventV1[] = [];
  for (const scorecard of rubric.scorecards) {
    const card = current.scorecards[scorecard.id];
    if (!card?.fit) continue;
    const newest = [card.fit, card.timing].filter((s): s is FitSide | TimingSide => s !== undefined).reduce((a, b) => (toEpochMs(b.occurredAt) > toEpochMs(a.occurredAt) ? b : a));
    const decided = decide(current, card, scorecard, rubric, { occurredAt: newest.occurredAt, observedAt: newest.occurredAt });
    current = { ...current, version: decided.version, scorecards: { ...current.scorecards, [scorecard.id]: decided.card } };
    outputs.push(...decided.outputs);
  }
  return { state: current, outputs };
}

function decide(state: CombinerState, card: CombinerCardState, scorecard: LoadedScorecard, rubric: Rubric, cause: Pick<ScoreEvent, "occurredAt" | "observedAt">): { card: CombinerCardState; version: number; outputs: TierChangedEventV1[] } {
  // Aged as of the newer side's instant, never the cause's alone: a profile dated before the
  // timing score's instant would otherwise show a strong signal as "−102 d old".
  const result = combineCard(card, scorecard);
  if (!result || !card.fit) return { card, version: state.version, outputs: [] };
  const previous = card.tier;
  const best = card.fit.bestContact;
  const sameTier = previous !== undefined && previous.id === result.tier.id && previous.quadrant === result.quadrant;
  // Inside the top tier, a new best contact — or a first one, for an account that entered the
  // tier before its contacts were known — is a change of its own: the sequencer enrolls
  // another person. Below the top tier the contact travels with the next tier change.
  const contactMoved = sameTier && result.tier.rank === 1 && best !== undefined && previous.bestContactId !== best.contactId;
  if (sameTier && !contactMoved) return { card, version: state.version, outputs: [] };

  const version = state.version + 1;
  const sides = [card.fit, card.timing].filter((s): s is FitSide | TimingSide => s !== undefined);
  const causingEventIds = [...sides].sort((a, b) => toEpochMs(a.occurredAt) - toEpochMs(b.occurredAt)).map((s) => s.eventId);
  const previousTier = previous ? { id: previous.id, name: previous.name, rank: previous.rank } : null;
  const tier = { id: result.tier.id, name: result.tier.name, rank: result.tier.rank };
  const rubricVersion = rubricRef(rubric.version);
  const idempotencyKey = tierChangeIdempotencyKey({
    accountKey: state.accountKey,
    scorecard: scorecard.id,
    rubricHash: rubricVersion.hash,
    previousTierId: previousTier?.id ?? null,
    tierId: tier.id,
    causingEventIds,
  });
  const output: TierChangedEventV1 = {
    type: "tier_changed",
    eventId: `${idempotencyKey}:v${version}`,
    accountKey: state.accountKey,
    occurredAt: cause.occurredAt,
    observedAt: cause.observedAt,
    source: "combiner",
    schemaVersion: 1,
    idempotencyKey,
    scorecard: scorecard.id,
    rubricVersion,
    previousTier,
    tier,
    total: result.total,
    fit: card.fit.score,
    timing: card.timing?.score ?? 0,
    components: result.components,
    quadrant: result.quadrant,
    excluded: card.fit.excluded,
    strongIntent: card.timing?.strongIntent ?? false,
    triggerActive: card.timing?.triggerActive ?? false,
    reasons: reasons(card, result),
    causingEventIds,
    ...(best ? { bestContact: best } : {}),
    ...(contactMoved ? { bestContactChanged: true, ...(previous.bestContactId === undefined ? {} : { previousBestContactId: previous.bestContactId }) } : {}),
  };
  return { card: { ...card, tier: { ...tier, quadrant: result.quadrant, ...(best ? { bestContactId: best.contactId } : {}) } }, version, outputs: [output] };
}

/** Exclusions first, then tier adjustments, then the largest contributions of fit and timing together. */
function reasons(card: CombinerCardState, result: CombinedResult): z.infer<typeof ReasonV1>[] {
  const exclusions = (card.fit?.exclusions ?? []).map((e) => ({ text: clip(`excluded: ${e.reason}`), rule: e.rule }));
  const adjustments = result.adjustments.flatMap((a) => {
    const text = adjustmentReason(a);
    if (text === undefined) return [];
    const rule = a.kind === "strong_intent_lift" ? a.signal.rule : a.kind === "tier_cap" ? a.rule : undefined;
    return [rule === undefined ? { text: clip(text) } : { text: clip(text), rule }];
  });
  const contributions = sortReasons([...(card.fit?.reasons ?? []), ...(card.timing?.reasons ?? [])]);
  return [...exclusions, ...adjustments, ...contributions].slice(0, MAX_REASONS);
}
