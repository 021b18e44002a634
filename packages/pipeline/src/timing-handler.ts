import { z } from "zod";
import type { SignalEventV1, TimingScoredEventV1 } from "@icpstream/contracts";
import { AccountKey, canonicalJson, canonicalSignals, compareSignals, IsoDateTime, scoreTiming, Signal } from "@icpstream/scoring";
import type { Rubric } from "@icpstream/scoring";
import { assertSameAccount, PipelineError } from "./errors.js";
import type { EpochMs } from "./instant.js";
import { toEpochMs, toIso } from "./instant.js";
import { outputEventId } from "./output-id.js";
import { emptyTimingDigest, rubricRef, timingDigest, timingPayload } from "./score-events.js";
import { toSignal } from "./signal-event.js";
import { canStillContribute } from "./signal-retention.js";

/**
 * The timing service's decision: a signal arrives (`applySignal`) or a decay boundary
 * passes (`reevaluate`) → timing per scorecard at `now` → publish what changed, and say
 * when to look again (`nextChangeAt`, the earliest over the scorecards).
 *
 * State per account (JSON): the signals that can still matter (deduplicated by event id,
 * in canonical order), per scorecard the digest of the last published `timing_scored`,
 * the instant of the last evaluation and the next change. Signals that can no longer
 * contribute at `now` or later are dropped (see `canStillContribute`), so the state stays
 * bounded by the rubric's horizon while the score stays equal to scoring every signal.
 *
 * Time: `now` is epoch ms. Evaluation happens at `max(now, last evaluation)`, so a
 * service whose clock steps back never publishes a score the combiner would take as stale.
 * Outputs: `occurredAt` = `observedAt` = that instant; ids
 * `timing:<accountKey>:<scorecard>:<signal eventId>@<instant>` (a signal) and
 * `timing:<accountKey>:<scorecard>@<instant>` (the clock), followed by `#<position>` when the
 * service passes its input position (see `timingPosition`): two scores of one instant are
 * then ordered by what the service had read, not by when they reach the combiner.
 *
 * Changed = different digest (rubric, score, strong intent, timing signal, layers,
 * contributions without ages). Before anything is published the baseline is "no timing"
 * (the empty digest): a signal that scores nothing publishes nothing, and the combiner
 * reads a missing timing score as zero.
 */
export const TimingState = z.object({
  v: z.literal(1),
  accountKey: AccountKey,
  /** The instant of the last evaluation; evaluation never goes back before it. */
  asOf: IsoDateTime.nullable(),
  /** When the score may next change with no new event; null when nothing will age out. */
  nextChangeAt: IsoDateTime.nullable(),
  signals: z.array(Signal),
  /** Scorecard id → digest of the last published timing_scored. */
  published: z.record(z.string(), z.string()),
});
export type TimingState = z.infer<typeof TimingState>;

export interface TimingTransition {
  state: TimingState;
  outputs: TimingScoredEventV1[];
  /** Schedule a `reevaluate` at this instant (ISO), or none when null. */
  nextChangeAt: string | null;
  /** Why the input changed nothing: the same event again, or a signal too old to count at `now` or later. */
  ignored?: "duplicate" | "expired";
}

/** Of two copies of one event id, the one the engine keeps (`canonicalSignals`): the earliest, then the smaller canonical JSON. */
function preferred(a: Signal, b: Signal): Signal {
  const byTime = compareSignals(a, b);
  if (byTime !== 0) return byTime < 0 ? a : b;
  return canonicalJson(a) <= canonicalJson(b) ? a : b;
}

/** How far after its own `observedAt` a signal may say it happened (clock skew between feeds), by default: a day. */
export const DEFAULT_FUTURE_TOLERANCE_MS = 86_400_000;

export interface TimingOptions {
  /** Refuse a signal dated more than this after the instant it was observed (default a day). */
  futureToleranceMs?: number;
  /** The promotion of the rubric the scores are made under (`RubricPromotedEventV1.epoch`; default 0, the rubric the service started with). */
  rubricEpoch?: number;
}

/**
 * A signal is refused when it says it happened more than `toleranceMs` after it was observed
 * (a typo'd year, a feed that schedules events): it would sit in the state and start counting
 * one day without anyone having seen it happen. Judged against the event's own `observedAt`,
 * not the service clock, so a replay decides the same (the batch recompute applies it too).
 * @throws PipelineError SIGNAL_IN_FUTURE, which the service dead-letters with the reason
 */
export function assertNotFutureDated(event: Pick<SignalEventV1, "eventId" | "occurredAt" | "observedAt">, toleranceMs = DEFAULT_FUTURE_TOLERANCE_MS): void {
  const ahead = toEpochMs(event.occurredAt) - toEpochMs(event.observedAt);
  if (ahead > toleranceMs) {
    const days = Math.round((ahead / 86_400_000) * 100) / 100;
    throw new PipelineError("SIGNAL_IN_FUTURE", `signal ${event.eventId} is dated ${event.occurredAt}, ${days} days after it was observed (${event.observedAt}); at most ${toleranceMs / 3_600_000} hours ahead is accepted`);
  }
}

export function applySignal(state: TimingState | undefined, event: SignalEventV1, rubric: Rubric, now: EpochMs, position?: bigint, options: TimingOptions = {}): TimingTransition {
  assertSameAccount(state?.accountKey, event.accountKey, "a signal");
  assertNotFutureDated(event, options.futureToleranceMs);
  const signal = toSignal(event);
  const current: TimingState = state ?? { v: 1, accountKey: event.accountKey, asOf: null, nextChangeAt: null, signals: [], published: {} };
  const asOfMs = evaluationInstant(current, now);

  const stored = current.signals.find((s) => s.eventId === signal.eventId);
  if (stored && preferred(stored, signal) === stored) return { state: current, outputs: [], nextChangeAt: current.nextChangeAt, ignored: "duplicate" };
  if (!stored && !canStillContribute(signal, toEpochMs(signal.occurredAt), rubric, asOfMs)) {
    return { state: current, outputs: [], nextChangeAt: current.nextChangeAt, ignored: "expired" };
  }

  const signals = canonicalSignals([...current.signals.filter((s) => s.eventId !== signal.eventId), signal]);
  return evaluate({ ...current, signals }, rubric, asOfMs, signal.eventId, false, position, options.rubricEpoch);
}

/** Clock-driven: the schedule says a decay boundary passed (or the rubric changed); no new event. */
export function reevaluate(state: TimingState, rubric: Rubric, now: EpochMs, position?: bigint, rubricEpoch = 0): TimingTransition {
  return evaluate(state, rubric, evaluationInstant(state, now), undefined, false, position, rubricEpoch);
}

/**
 * After a quiet replay (Redis state lost and rebuilt without publishing): what subscribers
 * last heard of this account is unknown, so every scorecard's timing at `now` is published
 * again, changed or not — "no timing" included, which takes back a score that aged out
 * meanwhile. Ids take the clock form (`timing:<accountKey>:<scorecard>@<instant>`).
 */
export function republish(state: TimingState, rubric: Rubric, now: EpochMs, position?: bigint, rubricEpoch = 0): TimingTransition {
  return evaluate(state, rubric, evaluationInstant(state, now), undefined, true, position, rubricEpoch);
}

/** The input position a timing score's id ends with (`…#<position>`), or null. */
export function timingPosition(eventId: string): bigint | null {
  const match = /#(\d+)$/.exec(eventId);
  return match?.[1] ? BigInt(match[1]) : null;
}

function evaluationInstant(state: TimingState, now: EpochMs): EpochMs {
  return state.asOf === null ? now : Math.max(now, toEpochMs(state.asOf));
}

function evaluate(state: TimingState, rubric: Rubric, asOfMs: EpochMs, cause: string | undefined, always: boolean, position: bigint | undefined, epoch = 0): TimingTransition {
  const asOf = toIso(asOfMs);
  const rubricVersion = rubricRef(rubric.version);
  const published: Record<string, string> = {};
  const outputs: TimingScoredEventV1[] = [];
  let next: number | null = null;

  for (const card of rubric.scorecards) {
    const result = scoreTiming(state.signals, card, asOfMs);
    if (result.nextChangeAt !== null) {
      const ms = toEpochMs(result.nextChangeAt);
      if (next === null || ms < next) next = ms;
    }
    const payload = timingPayload(result);
    const digest = timingDigest({ ...payload, rubricVersion });
    published[card.id] = digest;
    if (!always && (state.published[card.id] ?? emptyTimingDigest(card, rubric.version)) === digest) continue;

    const parts = cause === undefined ? [state.accountKey, card.id] : [state.accountKey, card.id, cause];
    outputs.push({
      type: "timing_scored",
      // The epoch sits before the position, which ends the id (`timingPosition` reads it from there).
      eventId: outputEventId("timing", parts, `@${asOf}${epoch > 0 ? `~e${epoch}` : ""}${position === undefined ? "" : `#${position}`}`),
      accountKey: state.accountKey,
      occurredAt: asOf,
      observedAt: asOf,
      source: "timing",
      schemaVersion: 1,
      scorecard: card.id,
      rubricVersion,
      ...payload,
      nextChangeAt: result.nextChangeAt,
      ...(epoch > 0 ? { rubricEpoch: epoch } : {}),
      causingEventIds: causingIds(payload.contributions, cause),
    });
  }

  const signals = state.signals.filter((s) => canStillContribute(s, toEpochMs(s.occurredAt), rubric, asOfMs));
  const nextChangeAt = next === null ? null : toIso(next);
  return { state: { v: 1, accountKey: state.accountKey, asOf, nextChangeAt, signals, published }, outputs, nextChangeAt };
}

/** The signals behind the live contributions (oldest first), then the arriving signal last: newest last. */
function causingIds(contributions: TimingScoredEventV1["contributions"], cause: string | undefined): string[] {
  const seen = new Map<string, number>();
  for (const c of contributions) {
    for (const e of c.evidence) if (e.eventId !== undefined && e.eventId !== cause && e.occurredAt !== undefined) seen.set(e.eventId, toEpochMs(e.occurredAt));
  }
  const list = [...seen].sort(([a, ta], [b, tb]) => ta - tb || (a < b ? -1 : a > b ? 1 : 0)).map(([id]) => id);
  if (cause !== undefined) list.push(cause);
  return list.slice(-1000);
}
