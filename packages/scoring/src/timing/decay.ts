import { DAY_MS } from "../domain/time.js";
import type { Decay } from "../rubric/rubric-schema.js";

/**
 * Decay of one signal's points with its age (GTM article: "full points within 30 days, half
 * points at 60, zero at 90"). Boundaries are stated in the rubric, per step:
 * - `upToDays: 30` is inclusive: a signal exactly 30 days old still gets the step's factor,
 *   and the factor changes at the first millisecond after 30 days;
 * - `beforeDays: 90` is exclusive: the step ends at exactly 90 days, so "nothing from day 90
 *   on" is written `beforeDays: 90` on the last step;
 * - `maxAgeDays` (half-life and none) is exclusive too: exactly `maxAgeDays` old is 0.
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
        if (step.upToDays !== undefined) {
          const boundary = Math.floor(step.upToDays * DAY_MS);
          if (age <= boundary) return { factor: step.factor, nextChange: occurredMs + boundary + 1 };
        } else {
          const boundary = Math.ceil((step.beforeDays ?? 0) * DAY_MS);
          if (age < boundary) return { factor: step.factor, nextChange: occurredMs + boundary };
        }
      }
      return { factor: 0, nextChange: null };
    }
    case "half_life": {
      const cutoff = decay.maxAgeDays === undefined ? undefined : Math.ceil(decay.maxAgeDays * DAY_MS);
      if (cutoff !== undefined && age >= cutoff) return { factor: 0, nextChange: null };
      const wholeDays = Math.floor(age / DAY_MS);
      const nextDay = occurredMs + (wholeDays + 1) * DAY_MS;
      const end = cutoff === undefined ? Infinity : occurredMs + cutoff;
      return { factor: Math.pow(0.5, wholeDays / decay.halfLifeDays), nextChange: Math.min(nextDay, end) };
    }
    case "none": {
      if (decay.maxAgeDays === undefined) return { factor: 1, nextChange: null };
      const cutoff = Math.ceil(decay.maxAgeDays * DAY_MS);
      return age >= cutoff ? { factor: 0, nextChange: null } : { factor: 1, nextChange: occurredMs + cutoff };
    }
  }
}
