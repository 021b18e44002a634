import { DAY_MS, decayAt, duplicateReachMs } from "@icpstream/scoring";
import type { Rubric, Signal } from "@icpstream/scoring";

/**
 * Whether a stored signal can still change a timing score at `now` or any later instant,
 * whatever other signals arrive later (including late ones dated in the past). A signal
 * that cannot is dropped from the timing state; keeping the rest gives the same score as
 * keeping everything, which is what the batch recompute does.
 *
 * For every rule of every scorecard that takes this signal type (conservatively ignoring
 * `where`, which the engine does not export), the signal is finished only when both hold:
 * - **decayed for good**: its factor is 0 from now on. For a burst rule, the latest
 *   possible end of a window it belongs to (`occurredAt + withinDays`) must be decayed
 *   too, since a burst takes its decay from the window's last signal;
 * - **no longer keeps its layer awake**: with `resetAfterInactiveDays`, the newest match
 *   keeps older, still-decaying matches alive; past its own reset boundary it cannot.
 * Signals dated after `now` are never finished (they count from when they happen).
 *
 * A signal that makes a later sighting of the same thing a duplicate (the engine's
 * `findDuplicates`: a job posting on a second board, a redelivered visit) is kept until
 * everything within its duplicate window after it is finished too, so that dropping it never
 * lets a still-counting duplicate count twice: the reach covers that window as well.
 */
export function canStillContribute(signal: Signal, occurredMs: number, rubric: Rubric, nowMs: number): boolean {
  const duplicateReach = duplicateReachMs(signal.type);
  for (const { rule, layer, timing } of rulesFor(rubric, signal.type)) {
    const reach = Math.max(rule.burst ? rule.burst.withinDays * DAY_MS : 0, duplicateReach);
    const decay = decayAt(rule.decay ?? layer.decay ?? timing.decay, occurredMs + reach, nowMs);
    if (decay.factor !== 0 || decay.nextChange !== null) return true;
    if (layer.resetAfterInactiveDays !== undefined && nowMs < occurredMs + duplicateReach + Math.ceil(layer.resetAfterInactiveDays * DAY_MS)) return true;
  }
  return false;
}

type Timing = Rubric["scorecards"][number]["timing"];
type RuleRef = { rule: Timing["layers"][string]["rules"][number]; layer: Timing["layers"][string]; timing: Timing };

/**
 * The timing rules of every scorecard that take a signal type, in rubric order: asked for
 * each stored signal on every evaluation, so built once per rubric (a loaded rubric is not
 * modified; weak, so a replaced rubric takes its index with it).
 */
const rulesBySignal = new WeakMap<Rubric, Map<string, RuleRef[]>>();

function rulesFor(rubric: Rubric, type: string): readonly RuleRef[] {
  let index = rulesBySignal.get(rubric);
  if (!index) {
    index = new Map();
    for (const card of rubric.scorecards) {
      const timing = card.timing;
      for (const layer of Object.values(timing.layers)) {
        for (const rule of layer.rules) {
          const list = index.get(rule.signal) ?? [];
          list.push({ rule, layer, timing });
          index.set(rule.signal, list);
        }
      }
    }
    rulesBySignal.set(rubric, index);
  }
  return index.get(type) ?? [];
}
