import type { Signal } from "../domain/signal.js";
import { DAY_MS, toEpochMs, toIso } from "../domain/time.js";
import type { Contribution, Evidence, LayerResult } from "../explain/contribution.js";
import { clamp, fromCenti, scaleToScore, toCenti } from "../points.js";
import type { Decay, TimingLayer, TimingRubric, TimingRule } from "../rubric/rubric-schema.js";
import { canonicalTimedSignals } from "./canonical-signals.js";
import { decayAt } from "./decay.js";
import { matchesWhere } from "./where.js";

/**
 * Timing: when the account is in motion. Computed from signals and the as-of instant
 * alone. The result says when it will next change on its own (`nextChangeAt`), so a
 * streaming service can schedule a re-evaluation instead of polling.
 */
export interface TimingResult {
  /** 0–100. */
  score: number;
  points: number;
  outOf: number;
  /** A live contribution from a rule marked strong (lifts the tier one step). */
  strongIntent: boolean;
  /** Any live positive contribution. */
  hasTimingSignal: boolean;
  /** The score is constant from the as-of instant until (not including) this instant; null when nothing will change. */
  nextChangeAt: string | null;
  layers: LayerResult[];
  contributions: Contribution[];
}

interface Candidate {
  centi: number;
  strong: boolean;
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

interface RuleOutcome {
  contribution: Contribution | undefined;
  centi: number;
  strong: boolean;
  next: number | null;
}

function scoreRule(rule: TimingRule, layerId: string, decay: Decay, matched: readonly { signal: Signal; ms: number }[], nowMs: number): RuleOutcome {
  let next: number | null = null;
  const singles: Candidate[] = [];
  for (const { signal, ms } of matched) {
    const state = decayAt(decay, ms, nowMs);
    next = earliest(next, state.nextChange, nowMs);
    const centi = Math.round(toCenti(rule.points) * state.factor);
    if (centi === 0) continue;
    singles.push({
      centi,
      strong: centi > 0 && isStrong(rule, signal),
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
      bursts.push({
        centi,
        strong: centi > 0 && (rule.strong === "burst" || window.some((m) => isStrong(rule, m.signal))),
        evidence: [
          {
            description: `${count} × ${rule.signal} within ${withinDays} days (${window.map((m) => m.signal.eventId).join(", ")})`,
            eventId: last.signal.eventId,
            occurredAt: last.signal.occurredAt,
            ageDays: round2((nowMs - last.ms) / DAY_MS),
            factor: round2(state.factor),
            points: fromCenti(centi),
          },
        ],
      });
    }
  }

  let chosen: Candidate | undefined;
  if (rule.combine === "sum" && singles.length > 0) {
    chosen = { centi: singles.reduce((s, c) => s + c.centi, 0), strong: singles.some((c) => c.strong), evidence: singles.flatMap((c) => c.evidence) };
  } else {
    chosen = strongest(singles);
  }
  const burst = strongest(bursts);
  if (burst && (!chosen || Math.abs(burst.centi) > Math.abs(chosen.centi))) chosen = burst;
  if (!chosen) return { contribution: undefined, centi: 0, strong: false, next };

  const cap = rule.cap === undefined ? Infinity : toCenti(rule.cap);
  const centi = clamp(chosen.centi, -cap, cap);
  // Strong intent is the presence of a live strong signal under the rule, whichever signal
  // scored: a larger (or equal) ordinary signal must not hide it, or adding a signal could
  // take the tier lift away.
  return {
    centi,
    strong: singles.some((c) => c.strong) || bursts.some((c) => c.strong),
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

  let reset = false;
  if (layer.resetAfterInactiveDays !== undefined) {
    const last = live.reduce((max, r) => r.matched.reduce((m, x) => Math.max(m, x.ms), max), -Infinity);
    if (Number.isFinite(last)) {
      const boundary = last + Math.floor(layer.resetAfterInactiveDays * DAY_MS);
      if (nowMs > boundary) reset = true;
      else next = earliest(next, boundary + 1, nowMs);
    }
  }

  const outcomes = reset ? [] : live.map(({ rule, matched }) => scoreRule(rule, id, rule.decay ?? layer.decay ?? rubric.decay, matched, nowMs));
  for (const o of outcomes) next = earliest(next, o.next, nowMs);
  const contributions = outcomes.flatMap((o) => (o.contribution ? [o.contribution] : []));
  const uncapped = outcomes.reduce((s, o) => s + o.centi, 0);
  const centi = clamp(uncapped, layer.min === undefined ? -Infinity : toCenti(layer.min), layer.max === undefined ? Infinity : toCenti(layer.max));
  const result: LayerResult = {
    id,
    points: fromCenti(centi),
    uncappedPoints: fromCenti(uncapped),
    min: layer.min,
    max: layer.max,
    score: layer.max && layer.max > 0 ? fromCenti(scaleToScore(centi, toCenti(layer.max))) : undefined,
  };
  return { result, centi, contributions, strong: outcomes.some((o) => o.strong), positive: outcomes.some((o) => o.centi > 0), next };
}

/** Scores one account's signals (any order, duplicates allowed) at the instant `now`. */
export function scoreTiming(signals: readonly Signal[], card: { timing: TimingRubric }, now: string | number): TimingResult {
  const nowMs = typeof now === "number" ? now : toEpochMs(now);
  const rubric = card.timing;
  const ordered = canonicalTimedSignals(signals);
  for (const { signal, ms } of ordered) if (Number.isNaN(ms)) toEpochMs(signal.occurredAt); // throws, naming the instant
  const layers = Object.entries(rubric.layers).map(([id, layer]) => scoreLayer(id, layer, rubric, ordered, nowMs));
  const centi = layers.reduce((s, l) => s + l.centi, 0);
  const next = layers.reduce<number | null>((n, l) => (l.next !== null && (n === null || l.next < n) ? l.next : n), null);
  return {
    score: fromCenti(scaleToScore(centi, toCenti(rubric.outOf))),
    points: fromCenti(centi),
    outOf: rubric.outOf,
    strongIntent: layers.some((l) => l.strong),
    hasTimingSignal: layers.some((l) => l.positive),
    nextChangeAt: next === null ? null : toIso(next),
    layers: layers.map((l) => l.result),
    contributions: layers.flatMap((l) => l.contributions),
  };
}
