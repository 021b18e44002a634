import { AccountProfile } from "../domain/account-profile.js";
import type { AccountProfileInput } from "../domain/account-profile.js";
import { Signal } from "../domain/signal.js";
import { DAY_MS } from "../domain/time.js";
import { rubricFromValue } from "../rubric/load-rubric.js";
import type { LoadedScorecard, Rubric } from "../rubric/load-rubric.js";

/** Builders for tests: small rubrics and signals with readable defaults. */
export const AS_OF = "2026-11-01T00:00:00.000Z";
export const AS_OF_MS = Date.parse(AS_OF);

/** An instant `days` before the as-of time (fractions allowed). */
export const daysAgo = (days: number, from = AS_OF_MS) => new Date(from - days * DAY_MS).toISOString();

let counter = 0;
export function signal(fields: Record<string, unknown> & { type: string }, ageDays = 1): Signal {
  counter += 1;
  return Signal.parse({ eventId: `evt-${counter}`, accountKey: "acme.com", occurredAt: daysAgo(ageDays), ...fields });
}

export function profile(input: Partial<AccountProfileInput> = {}): AccountProfile {
  return AccountProfile.parse({ accountKey: "acme.com", ...input });
}

/** A scorecard with a fit and timing section you override; everything else minimal. */
export function scorecard(overrides: Record<string, unknown> = {}): LoadedScorecard {
  return rubric({ scorecards: { test: baseCard(overrides) } }).scorecards[0] as LoadedScorecard;
}

export function baseCard(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "Test",
    fit: { firmographics: { max: 30, industry: [{ values: ["software"], points: 30 }] } },
    timing: { layers: { triggers: { max: 20, rules: [{ id: "funding", signal: "funding_round", points: 20 }] } } },
    tiers: [
      { id: "tier1", name: "Tier 1", min: 75, action: "route" },
      { id: "tier2", name: "Tier 2", min: 50, action: "sequence" },
      { id: "tier3", name: "Tier 3", min: 0, action: "nurture" },
    ],
    ...overrides,
  };
}

export function rubric(value: unknown): Rubric {
  return rubricFromValue(value, "test.yaml");
}
