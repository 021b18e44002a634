import type { OutcomeEventV1 } from "@icpstream/contracts";
import { toEpochMs } from "@icpstream/scoring";
import { compareByCreation } from "./opportunity.js";
import type { Opportunity } from "./opportunity.js";

/**
 * Folds outcome events (the `outcome` topic's vocabulary) into one opportunity per
 * opportunity id. The events may come in any order and more than once:
 * - an event id counts once;
 * - the opportunity's state is its latest event by `occurredAt` (ties: created before
 *   closed, then event id), so created → won is won, and won → created again (reopened) is open;
 * - account, creation date, name and amount come from the latest event that has them; an
 *   opportunity whose events disagree on its account or creation date gets a warning.
 * Amounts are the contract's USD. An opportunity that closes before it was created is left
 * out with a warning. The result is in creation order.
 */
export interface FoldedOutcomes {
  opportunities: Opportunity[];
  /** One line per opportunity whose events disagree. */
  warnings: string[];
}

const TYPE_ORDER: Record<OutcomeEventV1["type"], number> = { opportunity_created: 0, opportunity_closed_won: 1, opportunity_closed_lost: 1 };

function compareEvents(a: OutcomeEventV1, b: OutcomeEventV1): number {
  return toEpochMs(a.occurredAt) - toEpochMs(b.occurredAt) || TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);
}

export function foldOutcomeEvents(events: readonly OutcomeEventV1[]): FoldedOutcomes {
  const byId = new Map<string, Map<string, OutcomeEventV1>>();
  for (const event of events) {
    let seen = byId.get(event.opportunityId);
    if (!seen) byId.set(event.opportunityId, (seen = new Map()));
    if (!seen.has(event.eventId)) seen.set(event.eventId, event);
  }
  const opportunities: Opportunity[] = [];
  const warnings: string[] = [];
  for (const [id, unique] of byId) {
    const ordered = [...unique.values()].sort(compareEvents);
    const last = ordered[ordered.length - 1];
    if (!last) continue;
    const accounts = new Set(ordered.map((e) => e.accountKey));
    if (accounts.size > 1) warnings.push(`opportunity ${id}: events name ${accounts.size} accounts (${[...accounts].sort().join(", ")}); the latest, ${last.accountKey}, is used`);
    const created = new Set(ordered.map((e) => toEpochMs(e.createdAt)));
    if (created.size > 1) warnings.push(`opportunity ${id}: events give ${created.size} creation dates; the latest event's, ${last.createdAt}, is used`);
    const name = [...ordered].reverse().find((e) => e.name !== undefined)?.name;
    const amount = [...ordered].reverse().find((e) => e.amountUsd !== undefined)?.amountUsd;
    const base = { accountKey: last.accountKey, opportunityId: id, createdAt: last.createdAt, ...(name !== undefined ? { name } : {}), ...(amount !== undefined ? { amount, currency: "USD" } : {}) };
    if (last.type === "opportunity_created") opportunities.push({ ...base, stage: "open" });
    else if (toEpochMs(last.closedAt) < toEpochMs(last.createdAt)) warnings.push(`opportunity ${id}: closed (${last.closedAt}) before it was created (${last.createdAt}); left out`);
    else opportunities.push({ ...base, stage: last.type === "opportunity_closed_won" ? "won" : "lost", closedAt: last.closedAt });
  }
  return { opportunities: opportunities.sort(compareByCreation), warnings };
}
