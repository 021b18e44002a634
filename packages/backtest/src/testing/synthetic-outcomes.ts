import { DAY_MS, parseRubric } from "@icpstream/scoring";
import type { AccountProfile, Rubric, Signal } from "@icpstream/scoring";
import type { Opportunity } from "../outcomes/opportunity.js";
import type { ProfileSnapshot } from "../outcomes/profile-history.js";
import { seededRandom } from "../stats/random.js";

/**
 * Generated outcome datasets whose ground truth we control, for tests and benches.
 *
 * - `none`: the outcome is a coin with a fixed bias, independent of every attribute and
 *   signal. An honest backtest must find no lift, and a learner no signal.
 * - `planted`: the log-odds of winning are `intercept + Σ effect × feature`, with effects
 *   only on "industry = software", "a demo request in the 30 days before creation" (full
 *   points under the default step decay) and the custom CRM attribute "lead source =
 *   partner", which the rubric does not score. A learner must recover all three.
 * Every account carries two custom attributes: `lead_source` (categorical) and `seats`
 * (numeric, no effect).
 *
 * Both carry leakage bait, so a backtest that peeks at the future fails them: every won
 * deal gets a demo request and a funding round AFTER its creation, and a profile snapshot
 * after its close with a champion identified and Salesforce installed (the "current"
 * profile). Scored point-in-time with the dated snapshots, none of that may count.
 *
 * One opportunity per account at most, so each opportunity's features are exactly the ones
 * the truth was drawn from. Seeded: the same options give the same dataset.
 */
export interface SyntheticOptions {
  seed: number;
  accounts: number;
  opportunities: number;
  effect: "none" | "planted";
  /** Win rate of the `none` dataset (default 0.3). */
  baseWinRate?: number;
  /** Share of opportunities still open (default 0.1). */
  openShare?: number;
}

export interface SyntheticDataset {
  rubric: Rubric;
  rubricText: string;
  /** The profile as of the end of the window (after the leakage bait): what an undated export holds. */
  currentProfiles: AccountProfile[];
  /** Dated snapshots: the initial profile before every opportunity, and the post-close one. */
  snapshots: ProfileSnapshot[];
  signals: Signal[];
  opportunities: Opportunity[];
  /** The log-odds model the outcomes were drawn from (planted), or the fixed win rate (none). */
  truth: { intercept: number; effects: Record<string, number> };
  asOf: string;
}

/** The scorecard the datasets are scored with: a small rubric of our own, not a shipped one. */
export const SYNTHETIC_RUBRIC = `# Generated-data rubric (packages/backtest/src/testing/synthetic-outcomes.ts)
label: synthetic ground truth
scorecards:
  synthetic:
    name: Synthetic
    fit:
      firmographics:
        max: 40
        industry:
          - { values: [software], points: 20 }
          - { values: [fintech], points: 10 }
        employeeCount:
          - { min: 50, max: 499, points: 10 }
          - { min: 500, points: 5 }
      technographics:
        max: 15
        integrating: { technologies: [salesforce, hubspot], pointsEach: 10, max: 15 }
      organisational:
        max: 10
        championIdentified: 10
    timing:
      layers:
        intent:
          max: 30
          rules:
            - { id: demo, signal: demo_request, points: 30 }
        triggers:
          max: 20
          rules:
            - { id: funding, signal: funding_round, points: 20 }
    weights: { fit: 0.6, timing: 0.4 }
    holdWithoutTiming: false
    strongIntentLift: false
    tiers:
      - { id: a, name: Tier A, min: 55, action: call today }
      - { id: b, name: Tier B, min: 30, action: sequence }
      - { id: c, name: Tier C, min: 0, action: nurture }
`;

/** The planted effects, in log-odds, by the learner's feature ids. */
export const PLANTED_EFFECTS = { "firmographics.industry[0]": 1.3, "timing.intent.demo": 1.1, "attributes.lead_source=partner": 0.9 } as const;
export const PLANTED_INTERCEPT = -1.4;

const INDUSTRIES = ["software", "fintech", "retail", "healthcare", "manufacturing"] as const;
/** Lead sources and their shares: inbound, the most common, is the learner's reference level. */
const LEAD_SOURCES: readonly [string, number][] = [["partner", 0.2], ["inbound", 0.35], ["outbound", 0.3], ["event", 0.15]];
function leadSource(u: number): string {
  let rest = u;
  for (const [source, share] of LEAD_SOURCES) if ((rest -= share) < 0) return source;
  return "event";
}
const START_MS = Date.parse("2025-01-01T00:00:00Z");
const WINDOW_DAYS = 450;
const AS_OF = "2026-09-01T00:00:00.000Z";

export function generateOutcomeDataset(options: SyntheticOptions): SyntheticDataset {
  if (options.opportunities > options.accounts) throw new RangeError(`expected at most one opportunity per account (${options.opportunities} opportunities, ${options.accounts} accounts)`);
  const random = seededRandom(options.seed);
  const chance = (p: number) => random.next() < p;
  const iso = (ms: number) => new Date(ms).toISOString();
  const initialAt = iso(START_MS - 30 * DAY_MS);

  const initial: AccountProfile[] = [];
  for (let i = 0; i < options.accounts; i++) {
    const technologies = [...(chance(0.3) ? [{ name: "Salesforce" }] : []), ...(chance(0.2) ? [{ name: "HubSpot" }] : [])];
    initial.push({
      accountKey: `company-${i.toString(36)}.com`,
      name: `Company ${i}`,
      firmographics: { industry: INDUSTRIES[random.int(0, INDUSTRIES.length - 1)] as string, employeeCount: Math.floor(Math.exp(Math.log(20) + random.next() * Math.log(250))) },
      technographics: { technologies, competitorContracts: [] },
      organisational: { buyingRolesPresent: [], ...(chance(0.3) ? { championIdentified: true } : {}) },
      antiIcp: {},
      custom: { lead_source: leadSource(random.next()), seats: random.int(5, 400) },
    });
  }

  const signals: Signal[] = [];
  const opportunities: Opportunity[] = [];
  const snapshots: ProfileSnapshot[] = initial.map((profile) => ({ at: initialAt, profile }));
  const current = new Map(initial.map((p) => [p.accountKey, p]));
  const baseRate = options.baseWinRate ?? 0.3;
  // Distinct accounts for the opportunities: a seeded partial shuffle of the account indices.
  const indices = Array.from({ length: options.accounts }, (_, i) => i);
  for (let k = 0; k < options.opportunities; k++) {
    const j = random.int(k, options.accounts - 1);
    [indices[k], indices[j]] = [indices[j] as number, indices[k] as number];
  }

  for (let k = 0; k < options.opportunities; k++) {
    const profile = initial[indices[k] as number] as AccountProfile;
    const key = profile.accountKey;
    const createdMs = START_MS + Math.floor(random.next() * WINDOW_DAYS * DAY_MS);
    const demo = chance(0.35);
    const funding = chance(0.3);
    if (demo) signals.push({ type: "demo_request", eventId: `demo-${k}`, accountKey: key, occurredAt: iso(createdMs - random.int(1, 29) * DAY_MS) });
    if (funding) signals.push({ type: "funding_round", eventId: `funding-${k}`, accountKey: key, occurredAt: iso(createdMs - random.int(1, 29) * DAY_MS), round: "series_b" });

    const logOdds =
      PLANTED_INTERCEPT +
      (profile.firmographics.industry === "software" ? PLANTED_EFFECTS["firmographics.industry[0]"] : 0) +
      (demo ? PLANTED_EFFECTS["timing.intent.demo"] : 0) +
      (profile.custom?.lead_source === "partner" ? PLANTED_EFFECTS["attributes.lead_source=partner"] : 0);
    const p = options.effect === "planted" ? 1 / (1 + Math.exp(-logOdds)) : baseRate;
    const won = chance(p);
    const open = chance(options.openShare ?? 0.1);
    const closedMs = createdMs + random.int(10, 150) * DAY_MS;
    const amount = Math.round(5_000 + random.next() * 95_000);
    const opportunity: Opportunity = open
      ? { accountKey: key, opportunityId: `opp-${k}`, createdAt: iso(createdMs), stage: "open", amount, currency: "USD" }
      : { accountKey: key, opportunityId: `opp-${k}`, createdAt: iso(createdMs), closedAt: iso(closedMs), stage: won ? "won" : "lost", amount, currency: "USD" };
    opportunities.push(opportunity);

    if (won && !open) {
      // Leakage bait: what a won deal brings after the fact.
      signals.push({ type: "demo_request", eventId: `late-demo-${k}`, accountKey: key, occurredAt: iso(createdMs + DAY_MS) });
      signals.push({ type: "funding_round", eventId: `late-funding-${k}`, accountKey: key, occurredAt: iso(createdMs + 2 * DAY_MS), round: "series_c" });
      const after: AccountProfile = {
        ...profile,
        technographics: { ...profile.technographics, technologies: [...profile.technographics.technologies.filter((t) => t.name !== "Salesforce"), { name: "Salesforce" }] },
        organisational: { ...profile.organisational, championIdentified: true },
      };
      snapshots.push({ at: iso(closedMs + DAY_MS), profile: after });
      current.set(key, after);
    }
  }

  const truth =
    options.effect === "planted" ? { intercept: PLANTED_INTERCEPT, effects: { ...PLANTED_EFFECTS } } : { intercept: Math.log(baseRate / (1 - baseRate)), effects: {} as Record<string, number> };
  return { rubric: parseRubric(SYNTHETIC_RUBRIC, "synthetic.yaml"), rubricText: SYNTHETIC_RUBRIC, currentProfiles: [...current.values()], snapshots, signals, opportunities, truth, asOf: AS_OF };
}
