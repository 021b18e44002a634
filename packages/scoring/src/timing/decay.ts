import { DAY_MS } from "../domain/time.js";
import type { Decay } from "../rubric/rubric-schema.js";

/**
 * Decay of one signal's points with its age. Boundaries are inclusive on the "younger"
 * side: with `upToDays: 30`, a signal exactly 30 days old still gets full points, and
 * the points change at the first millisecond after 30 days.
 *
 * `nextChange` answers "when does this factor next change if nothing else happens":
 * the factor is constant on [now, nextChange), and null means it never changes again.
 */
export interface DecayState {
  factor: number;
  /** Epoch ms of the next instant at which the factor may differ, or null. */
  nextChange: number | null;
}

export function decayAt(decay: Decay, occurredMs: number, nowMs: number): DecayState {
  const age = nowMs - occurredMs;
  if (age < 0) return { factor: 0, nextChange: occurredMs };
  switch (decay.kind) {
    case "step": {
      for (const step of decay.steps) {
        const boundary = step.upToDays * DAY_MS;
        if (age <= boundary) return { factor: step.factor, nextChange: occurredMs + Math.floor(boundary) + 1 };
      }
      return { factor: 0, nextChange: null };
    }
    case "half_life": {
      const cutoff = decay.maxAgeDays === undefined ? undefined : decay.maxAgeDays * DAY_MS;
      if (cutoff !== undefined && age > cutoff) return { factor: 0, nextChange: null };
      const wholeDays = Math.floor(age / DAY_MS);
      const nextDay = occurredMs + (wholeDays + 1) * DAY_MS;
      const end = cutoff === undefined ? Infinity : occurredMs + Math.floor(cutoff) + 1;
      return { factor: Math.pow(0.5, wholeDays / decay.halfLifeDays), nextChange: Math.min(nextDay, end) };
    }
    case "none": {
      if (decay.maxAgeDays === undefined) return { factor: 1, nextChange: null };
      const cutoff = decay.maxAgeDays * DAY_MS;
      return age > cutoff ? { factor: 0, nextChange: null } : { factor: 1, nextChange: occurredMs + Math.floor(cutoff) + 1 };
    }
  }
}
