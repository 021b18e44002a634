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
import { compileWhere } from "./where.js";
import type { SignalPredicate } from "./where.js";

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

/**
 * A timing rubric compiled once into closures: rules grouped by the signal type they read,
 * `where` and `strong` conditions as predicates, points in centipoints, decays and strong
 * windows resolved, rule ids built. Kept beside the rubric object (a WeakMap), so it lives as
 * long as the rubric; a rubric is never changed after it is parsed.
 */
interface CompiledRule {
  /** Position among all the rubric's rules, in layer then rule order. */
  index: number;
  /** Position of its layer. */
  layerIndex: number;
  layer: string;
  rule: TimingRule;
  /** `timing.<layer>.<rule id>`. */
  id: string;
  label: string;
  decay: Decay;
  where: SignalPredicate;
  /** Is a single match strong (before its window is checked)? */
  strong: SignalPredicate | undefined;
  centi: number;
  burst: { count: number; withinDays: number; withinMs: number; centi: number } | undefined;
  /** How long after its instant a strong single match / burst stays strong (ms; Infinity: always; null: never). */
  strongFor: number | null;
  burstStrongFor: number | null;
  capCenti: number;
}

interface CompiledLayer {
  id: string;
  layer: TimingLayer;
  rules: readonly CompiledRule[];
  maxCenti: number;
  minCenti: number;
  /** `resetAfterInactiveDays` in ms. */
  resetMs: number | undefined;
}

interface CompiledTiming {
  layers: readonly CompiledLayer[];
  bySignalType: ReadonlyMap<string, readonly CompiledRule[]>;
  ruleCount: number;
  outOfCenti: number;
}

const compiledTimings = new WeakMap<TimingRubric, CompiledTiming>();

function compiledTiming(rubric: TimingRubric): CompiledTiming {
  let compiled = compiledTimings.get(rubric);
  if (!compiled) {
    compiled = compileTiming(rubric);
    compiledTimings.set(rubric, compiled);
  }
  return compiled;
}

/** The last instant of a strong window, as an offset from the match's instant (see `strongUntilMs`). */
function strongOffset(rule: TimingRule, decay: Decay, burst: boolean): number | null {
  if (rule.strongWithinDays !== undefined) return Math.floor(rule.strongWithinDays * DAY_MS);
  if (burst && rule.burst) return Math.floor(rule.burst.withinDays * DAY_MS);
  const window = fullPointsWindow(decay);
  if (window === null) return null;
  if (window.days === Infinity) return Infinity;
  return window.inclusive ? Math.floor(window.days * DAY_MS) : Math.ceil(window.days * DAY_MS) - 1;
}

function compileTiming(rubric: TimingRubric): CompiledTiming {
  let index = 0;
  const bySignalType = new Map<string, CompiledRule[]>();
  const layers = Object.entries(rubric.layers).map(([id, layer], layerIndex): CompiledLayer => {
    const rules = layer.rules.map((rule): CompiledRule => {
      const decay = rule.decay ?? layer.decay ?? rubric.decay;
      const compiled: CompiledRule = {
        index: index++,
        layerIndex,
        layer: id,
        rule,
        id: `timing.${id}.${rule.id}`,
        label: rule.label ?? rule.id,
        decay,
        where: compileWhere(rule.where),
        strong: rule.strong === undefined || rule.strong === "burst" ? undefined : rule.strong === true ? () => true : compileWhere(rule.strong),
        centi: toCenti(rule.points),
        burst: rule.burst ? { count: rule.burst.count, withinDays: rule.burst.withinDays, withinMs: rule.burst.withinDays * DAY_MS, centi: toCenti(rule.burst.points) } : undefined,
        strongFor: strongOffset(rule, decay, false),
        burstStrongFor: strongOffset(rule, decay, true),
        capCenti: rule.cap === undefined ? Infinity : toCenti(rule.cap),
      };
      const list = bySignalType.get(rule.signal);
      if (list) list.push(compiled);
      else bySignalType.set(rule.signal, [compiled]);
      return compiled;
    });
    return {
      id,
      layer,
      rules,
      maxCenti: layer.max === undefined ? Infinity : toCenti(layer.max),
      minCenti: layer.min === undefined ? -Infinity : toCenti(layer.min),
      resetMs: layer.resetAfterInactiveDays === undefined ? undefined : Math.ceil(layer.resetAfterInactiveDays * DAY_MS),
    };
  });
  return { layers, bySignalType, ruleCount: index, outOfCenti: toCenti(rubric.outOf) };
}

interface RuleOutcome {
  contribution: Contribution | undefined;
  centi: number;
  strong: StrongSignal | undefined;
  next: number | null;
}

function strongSignal(rule: CompiledRule, signal: Signal, ms: number, until: number, nowMs: number, description: string): StrongSignal {
  return {
    rule: rule.id,
    label: rule.label,
    eventId: signal.eventId,
    occurredAt: signal.occurredAt,
    description,
    ageDays: round2((nowMs - ms) / DAY_MS),
    strongUntil: until === Infinity ? "9999-12-31T23:59:59.999Z" : toIso(until),
  };
}

/** One rule over its live matches (canonical order, none after `nowMs`). */
function scoreRule(rule: CompiledRule, matched: readonly { signal: Signal; ms: number }[], nowMs: number): RuleOutcome {
  const { decay } = rule;
  let next: number | null = null;
  const singles: Candidate[] = [];
  for (const { signal, ms } of matched) {
    const state = decayAt(decay, ms, nowMs);
    next = earliest(next, state.nextChange, nowMs);
    const centi = Math.round(rule.centi * state.factor);
    if (centi === 0) continue;
    let strong: StrongSignal | undefined;
    if (centi > 0 && rule.strong !== undefined && rule.strongFor !== null && rule.strong(signal)) {
      const until = ms + rule.strongFor;
      if (nowMs <= until) {
        strong = strongSignal(rule, signal, ms, until, nowMs, describe(signal));
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
  const burstRule = rule.burst;
  if (burstRule) {
    const { count, withinDays } = burstRule;
    for (let i = count - 1; i < matched.length; i++) {
      const first = matched[i - count + 1];
      const last = matched[i];
      if (!first || !last || last.ms - first.ms > burstRule.withinMs) continue;
      const state = decayAt(decay, last.ms, nowMs);
      next = earliest(next, state.nextChange, nowMs);
      const centi = Math.round(burstRule.centi * state.factor);
      if (centi === 0) continue;
      const window = matched.slice(i - count + 1, i + 1);
      const description = `${count} × ${rule.rule.signal} within ${withinDays} days (${window.map((m) => m.signal.eventId).join(", ")})`;
      let strong: StrongSignal | undefined;
      const strongWindow = rule.rule.strong === "burst" || (rule.strong !== undefined && window.some((m) => (rule.strong as SignalPredicate)(m.signal)));
      if (centi > 0 && strongWindow && rule.burstStrongFor !== null) {
        const until = first.ms + rule.burstStrongFor;
        if (nowMs <= until) {
          strong = strongSignal(rule, first.signal, first.ms, until, nowMs, description);
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
  if (rule.rule.combine === "sum" && singles.length > 0) {
    chosen = { centi: singles.reduce((s, c) => s + c.centi, 0), strong: undefined, evidence: singles.flatMap((c) => c.evidence) };
  } else {
    chosen = strongest(singles);
  }
  const burst = strongest(bursts);
  if (burst && (!chosen || Math.abs(burst.centi) > Math.abs(chosen.centi))) chosen = burst;
  // Strong intent is the presence of a fresh strong match under the rule, whichever match
  // scored: a larger (or equal) ordinary signal must not hide it, or adding a signal could
  // take the tier lift away. Of several, the one that stays strong longest is named.
  let strong: StrongSignal | undefined;
  for (const c of singles) if (c.strong && (!strong || c.strong.strongUntil > strong.strongUntil)) strong = c.strong;
  for (const c of bursts) if (c.strong && (!strong || c.strong.strongUntil > strong.strongUntil)) strong = c.strong;
  if (!chosen) return { contribution: undefined, centi: 0, strong, next };

  const centi = clamp(chosen.centi, -rule.capCenti, rule.capCenti);
  return {
    centi,
    strong,
    next,
    contribution: { rule: rule.id, layer: rule.layer, label: rule.label, points: fromCenti(centi), uncappedPoints: fromCenti(chosen.centi), evidence: chosen.evidence },
  };
}

type Matches = ({ signal: Signal; ms: number }[] | undefined)[];

/**
 * One layer: its rules over the live matches the signals gave them (`matched`, by rule
 * index), the earliest instant a not-yet-happened match (`future`) starts to count, and the
 * layer's reset after inactivity.
 */
function scoreLayer(compiled: CompiledLayer, matched: Matches, future: number | null, nowMs: number) {
  const { id, layer } = compiled;
  let next = future;

  // "Reset behavioural scores to zero for accounts with no activity in the past 90 days"
  // (methodology): from exactly `resetAfterInactiveDays` after the newest match on, the layer counts nothing.
  let reset = false;
  if (compiled.resetMs !== undefined) {
    let last = -Infinity;
    for (const rule of compiled.rules) for (const m of matched[rule.index] ?? []) if (m.ms > last) last = m.ms;
    if (Number.isFinite(last)) {
      const boundary = last + compiled.resetMs;
      if (nowMs >= boundary) reset = true;
      else next = earliest(next, boundary, nowMs);
    }
  }

  const contributions: Contribution[] = [];
  const strong: StrongSignal[] = [];
  if (!reset) {
    for (const rule of compiled.rules) {
      const matches = matched[rule.index];
      if (matches === undefined) continue;
      const outcome = scoreRule(rule, matches, nowMs);
      next = earliest(next, outcome.next, nowMs);
      if (outcome.contribution) contributions.push(outcome.contribution);
      if (outcome.strong) strong.push(outcome.strong);
    }
  }
  const capped = allocateCaps(contributions, compiled.maxCenti, compiled.minCenti);
  const result: LayerResult = {
    id,
    points: fromCenti(capped.centi),
    uncappedPoints: fromCenti(capped.uncappedCenti),
    min: layer.min,
    max: layer.max,
    score: layerScore(capped.centi, layer),
  };
  return { result, centi: capped.centi, contributions: capped.contributions, strong, positive: capped.positiveCenti > 0, next };
}

/** Scores one account's signals (any order, duplicates allowed) at the instant `now`. The rubric is compiled on first use. */
export function scoreTiming(signals: readonly Signal[], card: { timing: TimingRubric }, now: string | number): TimingResult {
  const nowMs = typeof now === "number" ? now : toEpochMs(now);
  const rubric = card.timing;
  const compiled = compiledTiming(rubric);
  const canonical = canonicalTimedSignals(signals);
  for (const { signal, ms } of canonical) if (Number.isNaN(ms)) toEpochMs(signal.occurredAt); // throws, naming the instant
  const duplicates = findDuplicates(canonical);

  // Each signal goes to the rules of its type whose `where` it meets, in canonical order.
  // A match that has not happened yet at the as-of instant counts from the moment it does.
  const matched: Matches = new Array<undefined>(compiled.ruleCount);
  const future: (number | null)[] = compiled.layers.map(() => null);
  for (const entry of canonical) {
    if (duplicates.size > 0 && duplicates.has(entry.signal.eventId)) continue;
    const rules = compiled.bySignalType.get(entry.signal.type);
    if (rules === undefined) continue;
    for (const rule of rules) {
      if (!rule.where(entry.signal)) continue;
      if (entry.ms > nowMs) future[rule.layerIndex] = earliest(future[rule.layerIndex] ?? null, entry.ms, nowMs);
      else (matched[rule.index] ??= []).push(entry);
    }
  }

  const layers = compiled.layers.map((layer, i) => scoreLayer(layer, matched, future[i] ?? null, nowMs));
  const centi = layers.reduce((s, l) => s + l.centi, 0);
  const next = layers.reduce<number | null>((n, l) => (l.next !== null && (n === null || l.next < n) ? l.next : n), null);
  const strongSignals = layers
    .flatMap((l) => l.strong)
    .sort((a, b) => (a.strongUntil > b.strongUntil ? -1 : a.strongUntil < b.strongUntil ? 1 : a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  return {
    score: fromCenti(scaleSigned(centi, compiled.outOfCenti)),
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
