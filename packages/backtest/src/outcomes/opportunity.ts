import { toEpochMs } from "@icpstream/scoring";

/**
 * The opportunity model (now in the scoring domain, so @icpstream/imports reads CRM exports
 * into it) and what the backtest asks of it. An opportunity (a CRM deal) as the backtest reads it: which account, when it was
 * created, whether and when it closed, and what it was worth. The vocabulary is the
 * outcome contract's (packages/contracts/src/events/outcome.ts): `opportunity_created`
 * makes an open opportunity, `opportunity_closed_won` / `opportunity_closed_lost` close it.
 *
 * - `createdAt` is the instant the opportunity is scored at ("the account's score at the
 *   time of first sales engagement", icp-scoring-methodology): nothing later may count.
 * - `closedAt` is required for won and lost, and is at or after `createdAt`. An open
 *   opportunity has none (a CRM's expected close date is not an outcome).
 * - `amount` in `currency` (ISO 4217, upper-case). The contract's events carry USD.
 *   Amounts are never converted: the report sums one currency and says how many it left out.
 */
export { Currency, Opportunity, OpportunityStage } from "@icpstream/scoring";
import type { Opportunity } from "@icpstream/scoring";

export const isClosed = (o: Pick<Opportunity, "stage">): boolean => o.stage !== "open";

/** Whole days from creation to close (fractional days kept), or undefined while open. */
export function daysToClose(o: Pick<Opportunity, "createdAt" | "closedAt">): number | undefined {
  if (o.closedAt === undefined) return undefined;
  return (toEpochMs(o.closedAt) - toEpochMs(o.createdAt)) / 86_400_000;
}

/** Creation order: created instant, then opportunity id. Every list of opportunities the package returns is in this order. */
export function compareByCreation(a: Pick<Opportunity, "createdAt" | "opportunityId">, b: Pick<Opportunity, "createdAt" | "opportunityId">): number {
  return toEpochMs(a.createdAt) - toEpochMs(b.createdAt) || (a.opportunityId < b.opportunityId ? -1 : a.opportunityId > b.opportunityId ? 1 : 0);
}
