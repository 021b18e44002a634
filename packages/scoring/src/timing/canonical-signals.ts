import type { Signal } from "../domain/signal.js";
import { canonicalJson } from "../rubric/canonical-json.js";

/**
 * Signals in canonical order — by instant, then event id — with each event id kept
 * once. When two copies of an id differ, the earliest (then the one whose canonical
 * JSON sorts first) wins, so the choice does not depend on arrival order either.
 */
export function canonicalSignals(signals: readonly Signal[]): Signal[] {
  return canonicalTimedSignals(signals).map((s) => s.signal);
}

/**
 * `canonicalSignals` with each signal's instant in epoch ms beside it (NaN when
 * `occurredAt` is not an instant), parsed once per signal instead of twice per comparison.
 * The order is `compareSignals`'s, then the canonical JSON.
 */
export function canonicalTimedSignals(signals: readonly Signal[]): { signal: Signal; ms: number }[] {
  const timed = signals.map((signal) => ({ signal, ms: Date.parse(signal.occurredAt) }));
  timed.sort((a, b) => {
    if (a.ms !== b.ms) return a.ms - b.ms;
    const ia = a.signal.eventId;
    const ib = b.signal.eventId;
    if (ia !== ib) return ia < ib ? -1 : 1;
    const ja = canonicalJson(a.signal);
    const jb = canonicalJson(b.signal);
    return ja < jb ? -1 : ja > jb ? 1 : 0;
  });
  const seen = new Set<string>();
  const out: { signal: Signal; ms: number }[] = [];
  for (const entry of timed) {
    if (seen.has(entry.signal.eventId)) continue;
    seen.add(entry.signal.eventId);
    out.push(entry);
  }
  return out;
}
