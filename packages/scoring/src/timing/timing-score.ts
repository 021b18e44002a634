import type { Signal } from "../domain/signal.js";
import { DAY_MS, toEpochMs, toIso } from "../domain/time.js";
import type { Contribution, Evidence, LayerResult } from "../explain/contribution.js";
import { allocateCaps } from "../explain/allocate-caps.js";
import { clamp, fromCenti, layerScore, scaleSigned, toCenti } from "../points.js";
import { fullPointsWindow } from "../rubric/rubric-schema.js";
import type { Decay, TimingLayer, TimingRubric, TimingRule } from "../rubric/rubric-schema.js";
import { canonicalTimedSignals } from "./canonical-signals.js";
import { decayAt } from "./decay.js";
import { findDuplicates } from "./duplicates.js";
import { matchesWhere } from "./where.js";

/**
 * Timing: when the account is in motion. Computed from signals and the as-of instant
 * alone. The result says when it will next change on its own (`nextChangeAt`), so a
 * streaming service can schedule a re-evaluation instead of polling.
 */
export interface TimingResult {
  /** −100–100: points over `outOf`; negative when negative behaviour outweighs the rest. */
  score: number;
  points: number;
  outOf: number;
  /** A fresh strong-intent signal (inside its rule's strong window): lifts the tier one step. */
  strongIntent: boolean;
  /** The fresh strong-intent signals behind `strongIntent`, freshest first (at most one per rule). */
  strongSignals: StrongSignal[];
  /** Any live positive contribution. */
  hasTimingSignal: boolean;
  /** The score is constant from the as-of instant until (not including) this instant; null when nothing will change. */
  nextChangeAt: string | null;
  layers: LayerResult[];
  contributions: Contribution[];
  /** Signals counted once because an earlier sighting of the same thing is there (event id → the earlier one's). */
  duplicates: { eventId: string; duplicateOf: string }[];
}

/** A strong-intent signal that is fresh at the as-of instant, and until when it stays strong. */
export interface StrongSignal {
  /** The rule, `timing.<layer>.<rule id>`. */
  rule: string;
  label: string;
  /** The signal (for a burst: its first signal, from which its freshness counts). */
  eventId: string;
  occurredAt: string;
  description: string;
  /** Age at the as-of instant, in days (two decimals). */
  ageDays: number;
  /** The last instant at which it is still strong (ISO). */
  strongUntil: string;
}

interface Candidate {
  centi: number;
  strong: StrongSignal | undefined;
  evidence: Evidence[];
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The earlier of two "next change" instants, ignoring those not after now. */
function earliest(current: number | null, t: number | null, nowMs: number): number | null {
  return t !== null && t > nowMs && (current === null || t < current) ? t : current;
}

/** The candidate with the largest absolute points; ties go to the earliest in canonical order. */
function strongest(cands: readonly Candidate[]): Candidate | undefined {
  let best: Candidate | undefined;
  for (const c of cands) if (best === undefined || Math.abs(c.centi) > Math.abs(best.centi)) best = c;
  return best;
}

function describe(signal: Signal): string {
  const s = signal as unknown as Record<string, unknown>;
  const detail = ["round", "title", "role", "kind", "department", "topic", "category", "asset", "webinarId", "sentiment"]
    .map((k) => s[k])
    .filter((v): v is string => typeof v === "string");
  const score = typeof s.score === "number" ? ` score ${s.score}` : "";
  return `${signal.type}${detail.length > 0 ? ` ${detail.join(" / ")}` : ""}${score}`;
}

function isStrong(rule: TimingRule, signal: Signal): boolean {
  if (rule.strong === undefined || rule.strong === "burst") return false;
  return rule.strong === true || matchesWhere(signal, rule.strong);
}

/**
 * The last instant (epoch ms) at which a match that started at `fromMs` is still strong, or
 * null when the rule has no strong window (not strong, or a decay without full points).
 */
function strongUntilMs(rule: TimingRule, decay: Decay, fromMs: number, burst: boolean): number | null {
  if (rule.strongWithinDays !== undefined) return fromMs + Math.floor(rule.strongWithinDays * DAY_MS);
  if (burst && rule.burst) return fromMs + Math.floor(rule.burst.withinDays * DAY_MS);
  const window = fullPointsWindow(decay);
  if (window === null) return null;
  if (window.days === Infinity) return Infinity;
  return window.inclusive ? fromMs + Math.floor(window.days * DAY_MS) : fromMs + Math.ceil(window.days * DAY_MS) - 1;
}

interface RuleOutcome {
  contribution: Contribution | undefined;
  centi: number;
  strong: StrongSignal | undefined;
  next: number | null;
}

function strongSignal(rule: TimingRule, layerId: string, signal: Signal, ms: number, until: number, nowMs: number, description: string): StrongSignal {
  return {
    rule: `timing.${layerId}.${rule.id}`,
    label: rule.label ?? rule.id,
    eventId: signal.eventId,
    occurredAt: signal.occurredAt,
    description,
    ageDays: round2((nowMs - ms) / DAY_MS),
    strongUntil: until === Infinity ? "9999-12-31T23:59:59.999Z" : toIso(until),
  };
}

function scoreRule(rule: TimingRule, layerId: string, decay: Decay, matched: readonly { signal: Signal; ms: number }[], nowMs: number): RuleOutcome {
  let next: number | null = null;
  const singles: Candidate[] = [];
  for (const { signal, ms } of matched) {
    const state = decayAt(decay, ms, nowMs);
    next = earliest(next, state.nextChange, nowMs);
    const centi = Math.round(toCenti(rule.points) * state.factor);
    if (centi === 0) continue;
    let strong: StrongSignal | undefined;
    if (centi > 0 && isStrong(rule, signal)) {
      const until = strongUntilMs(rule, decay, ms, false);
      if (until !== null && nowMs <= until) {
        strong = strongSignal(rule, layerId, signal, ms, until, nowMs, describe(signal));
        next = earliest(next, until === Infinity ? null : until + 1, nowMs);
      }
    }
    singles.push({
      centi,
      strong,
      evidence: [{ description: describe(signal), eventId: signal.eventId, occurredAt: signal.occurredAt, ageDays: round2((nowMs - ms) / DAY_MS), factor: round2(state.factor), points: fromCenti(centi) }],
    });
  }

  const bursts: Candidate[] = [];
  if (rule.burst) {
    const { count, withinDays, points } = rule.burst;
    for (let i = count - 1; i < matched.length; i++) {
      const first = matched[i - count + 1];
      const last = matched[i];
      if (!first || !last || last.ms - first.ms > withinDays * DAY_MS) continue;
      const state = decayAt(decay, last.ms, nowMs);
      next = earliest(next, state.nextChange, nowMs);
      const centi = Math.round(toCenti(points) * state.factor);
      if (centi === 0) continue;
      const window = matched.slice(i - count + 1, i + 1);
      const description = `${count} × ${rule.signal} within ${withinDays} days (${window.map((m) => m.signal.eventId).join(", ")})`;
      let strong: StrongSignal | undefined;
      if (centi > 0 && (rule.strong === "burst" || window.some((m) => isStrong(rule, m.signal)))) {
        const until = strongUntilMs(rule, decay, first.ms, true);
        if (until !== null && nowMs <= until) {
          strong = strongSignal(rule, layerId, first.signal, first.ms, until, nowMs, description);
          next = earliest(next, until === Infinity ? null : until + 1, nowMs);
        }
      }
      bursts.push({
        centi,
        strong,
        evidence: [{ description, eventId: last.signal.eventId, occurredAt: last.signal.occurredAt, ageDays: round2((nowMs - last.ms) / DAY_MS), factor: round2(state.factor), points: fromCenti(centi) }],
      });
    }
  }

  let chosen: Candidate | undefined;
  if (rule.combine === "sum" && singles.length > 0) {
    chosen = { centi: singles.reduce((s, c) => s + c.centi, 0), strong: undefined, evidence: singles.flatMap((c) => c.evidence) };
  } else {
    chosen = strongest(singles);
  }
  const burst = strongest(bursts);
  if (burst && (!chosen || Math.abs(burst.centi) > Math.abs(chosen.centi))) chosen = burst;
  // Strong intent is the presence of a fresh strong match under the rule, whichever match
  // scored: a larger (or equal) ordinary signal must not hide it, or adding a signal could
  // take the tier lift away. Of several, the one that stays strong longest is named.
  const strong = [...singles, ...bursts].reduce<StrongSignal | undefined>((best, c) => (c.strong && (!best || c.strong.strongUntil > best.strongUntil) ? c.strong : best), undefined);
  if (!chosen) return { contribution: undefined, centi: 0, strong, next };

  const cap = rule.cap === undefined ? Infinity : toCenti(rule.cap);
  const centi = clamp(chosen.centi, -cap, cap);
  return {
    centi,
    strong,
    next,
    contribution: { rule: `timing.${layerId}.${rule.id}`, layer: layerId, label: rule.label ?? rule.id, points: fromCenti(centi), uncappedPoints: fromCenti(chosen.centi), evidence: chosen.evidence },
  };
}

function scoreLayer(id: string, layer: TimingLayer, rubric: TimingRubric, signals: readonly { signal: Signal; ms: number }[], nowMs: number) {
  let next: number | null = null;
  const perRule = layer.rules.map((rule) => ({ rule, matched: signals.filter((s) => s.signal.type === rule.signal && matchesWhere(s.signal, rule.where)) }));

  // Signals that have not happened yet at the as-of instant count from the moment they do.
  for (const { matched } of perRule) for (const m of matched) if (m.ms > nowMs) next = earliest(next, m.ms, nowMs);
  const live = perRule.map(({ rule, matched }) => ({ rule, matched: matched.filter((m) => m.ms <= nowMs) }));

  // "Reset behavioural scores to zero for accounts with no activity in the past 90 days"
  // (methodology): from exactly `resetAfterInactiveDays` after the newest match on, the layer counts nothing.
  let reset = false;
  if (layer.resetAfterInactiveDays !== undefined) {
    const last = live.reduce((max, r) => r.matched.reduce((m, x) => Math.max(m, x.ms), max), -Infinity);
    if (Number.isFinite(last)) {
      const boundary = last + Math.ceil(layer.resetAfterInactiveDays * DAY_MS);
      if (nowMs >= boundary) reset = true;
      else next = earliest(next, boundary, nowMs);
    }
  }

  const outcomes = reset ? [] : live.map(({ rule, matched }) => scoreRule(rule, id, rule.decay ?? layer.decay ?? rubric.decay, matched, nowMs));
  for (const o of outcomes) next = earliest(next, o.next, nowMs);
  const capped = allocateCaps(
    outcomes.flatMap((o) => (o.contribution ? [o.contribution] : [])),
    layer.max === undefined ? Infinity : toCenti(layer.max),
    layer.min === undefined ? -Infinity : toCenti(layer.min),
  );
  const result: LayerResult = {
    id,
    points: fromCenti(capped.centi),
    uncappedPoints: fromCenti(capped.uncappedCenti),
    min: layer.min,
    max: layer.max,
    score: layerScore(capped.centi, layer),
  };
  return { result, centi: capped.centi, contributions: capped.contributions, strong: outcomes.flatMap((o) => (o.strong ? [o.strong] : [])), positive: capped.positiveCenti > 0, next };
}

/** Scores one account's signals (any order, duplicates allowed) at the instant `now`. */
export function scoreTiming(signals: readonly Signal[], card: { timing: TimingRubric }, now: string | number): TimingResult {
  const nowMs = typeof now === "number" ? now : toEpochMs(now);
  const rubric = card.timing;
  const canonical = canonicalTimedSignals(signals);
  for (const { signal, ms } of canonical) if (Number.isNaN(ms)) toEpochMs(signal.occurredAt); // throws, naming the instant
  const duplicates = findDuplicates(canonical);
  const ordered = duplicates.size === 0 ? canonical : canonical.filter((s) => !duplicates.has(s.signal.eventId));
  const layers = Object.entries(rubric.layers).map(([id, layer]) => scoreLayer(id, layer, rubric, ordered, nowMs));
  const centi = layers.reduce((s, l) => s + l.centi, 0);
  const next = layers.reduce<number | null>((n, l) => (l.next !== null && (n === null || l.next < n) ? l.next : n), null);
  const strongSignals = layers
    .flatMap((l) => l.strong)
    .sort((a, b) => (a.strongUntil > b.strongUntil ? -1 : a.strongUntil < b.strongUntil ? 1 : a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  return {
    score: fromCenti(scaleSigned(centi, toCenti(rubric.outOf))),
    points: fromCenti(centi),
    outOf: rubric.outOf,
    strongIntent: strongSignals.length > 0,
    strongSignals,
    hasTimingSignal: layers.some((l) => l.positive),
    nextChangeAt: next === null ? null : toIso(next),
    layers: layers.map((l) => l.result),
    contributions: layers.flatMap((l) => l.contributions),
    duplicates: [...duplicates].map(([eventId, duplicateOf]) => ({ eventId, duplicateOf })).sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0)),
  };
}
