import type { Signal } from "../domain/signal.js";
import { compareSignals } from "../domain/signal.js";
import { canonicalJson } from "../rubric/canonical-json.js";

/**
 * Signals in canonical order — by instant, then event id — with each event id kept
 * once. When two copies of an id differ, the earliest (then the one whose canonical
 * JSON sorts first) wins, so the choice does not depend on arrival order either.
 */
export function canonicalSignals(signals: readonly Signal[]): Signal[] {
  const sorted = [...signals].sort((a, b) => {
    const byTime = compareSignals(a, b);
    if (byTime !== 0) return byTime;
    const ja = canonicalJson(a);
    const jb = canonicalJson(b);
    return ja < jb ? -1 : ja > jb ? 1 : 0;
  });
  const seen = new Set<string>();
  const out: Signal[] = [];
  for (const signal of sorted) {
    if (seen.has(signal.eventId)) continue;
    seen.add(signal.eventId);
    out.push(signal);
  }
  return out;
}
