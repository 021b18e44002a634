import type { OutcomeEventV1 } from "@icpstream/contracts";

/**
 * The demo's CRM: opportunities on the demo accounts while the clock runs, so the outcome stage
 * and the console's model health have something to show. Each simulated day an account may get
 * an opportunity, more often the better its tier is at that moment (as the tier-changed topic
 * told the view); it closes 20–60 days later, won with a chance that falls with that tier —
 * the shape the references expect of a working model (Tier 1 well over 2× Tier 3), with noise.
 * Deterministic: a hash of (seed, account, day) decides, never Math.random.
 */
export interface DemoOutcomeRates {
  /** Chance per simulated day of an opportunity, by tier rank (the last entry for ranks beyond, and excluded). */
  createPerDay: readonly number[];
  /** Chance a deal is won, by the rank at creation. */
  winRate: readonly number[];
}

export const DEMO_OUTCOME_RATES: DemoOutcomeRates = { createPerDay: [0.006, 0.003, 0.001, 0.0004], winRate: [0.45, 0.25, 0.12, 0.05] };

const DAY_MS = 86_400_000;

/** FNV-1a to [0, 1). */
function chance(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h / 4294967296;
}

interface Pending {
  event: OutcomeEventV1;
  atMs: number;
}

export class DemoOutcomes {
  private readonly pending: Pending[] = [];
  private lastDay: number | undefined;

  constructor(
    private readonly seed: number,
    private readonly rates: DemoOutcomeRates = DEMO_OUTCOME_RATES,
  ) {}

  private rate(list: readonly number[], rank: number): number {
    return list[Math.min(rank, list.length) - 1] ?? 0;
  }

  /**
   * Moves the CRM to `nowMs`: for every whole simulated day passed since the last call, opens
   * opportunities (with their closing scheduled); returns every event whose instant has come,
   * in time order. `rankOf` gives an account's tier rank now (undefined: not tiered yet).
   */
  advance(nowMs: number, accounts: readonly string[], rankOf: (accountKey: string) => number | undefined): OutcomeEventV1[] {
    const today = Math.floor(nowMs / DAY_MS);
    for (let day = (this.lastDay ?? today - 1) + 1; day <= today; day++) {
      for (const accountKey of accounts) {
        const rank = rankOf(accountKey);
        if (rank === undefined || chance(`${this.seed}/${accountKey}/${day}/open`) >= this.rate(this.rates.createPerDay, rank)) continue;
        const id = `demo-opp-${this.seed}-${day}-${accountKey}`;
        const createdMs = day * DAY_MS + Math.floor(chance(`${id}/hour`) * 20) * 3_600_000;
        const closeMs = createdMs + (20 + Math.floor(chance(`${id}/days`) * 40)) * DAY_MS;
        const amountUsd = 5_000 * (2 + Math.floor(chance(`${id}/amount`) * 20));
        const created = new Date(createdMs).toISOString();
        const closed = new Date(closeMs).toISOString();
        const envelope = (kind: string, at: string) => ({ eventId: `${id}-${kind}`, accountKey, occurredAt: at, observedAt: at, source: "demo-crm", schemaVersion: 1 as const, opportunityId: id, createdAt: created });
        const won = chance(`${id}/won`) < this.rate(this.rates.winRate, rank);
        this.pending.push({ event: { type: "opportunity_created", ...envelope("created", created), amountUsd }, atMs: createdMs });
        this.pending.push({
          event: won ? { type: "opportunity_closed_won", ...envelope("won", closed), closedAt: closed, amountUsd } : { type: "opportunity_closed_lost", ...envelope("lost", closed), closedAt: closed, lostReason: "no_decision" },
          atMs: closeMs,
        });
      }
    }
    this.lastDay = today;
    this.pending.sort((a, b) => a.atMs - b.atMs);
    const due = this.pending.filter((p) => p.atMs <= nowMs);
    this.pending.splice(0, due.length);
    return due.map((p) => p.event);
  }
}
