import { z } from "zod";
import { AccountKey } from "./account-key.js";
import { IsoDateTime, toEpochMs } from "./time.js";

/**
 * An opportunity (a CRM deal): which account, when it was created, whether and when it
 * closed, and what it was worth. The vocabulary is the outcome contract's
 * (packages/contracts/src/events/outcome.ts): `opportunity_created` makes an open
 * opportunity, `opportunity_closed_won` / `opportunity_closed_lost` close it. Read from CRM
 * exports by @icpstream/imports and used by the backtest.
 *
 * - `createdAt` is the instant the opportunity is scored at ("the account's score at the
 *   time of first sales engagement", icp-scoring-methodology): nothing later may count.
 * - `closedAt` is required for won and lost, and is at or after `createdAt`. An open
 *   opportunity has none (a CRM's expected close date is not an outcome).
 * - `amount` in `currency` (ISO 4217, upper-case). Amounts are never converted.
 */
export const OpportunityStage = z.enum(["won", "lost", "open"]);
export type OpportunityStage = z.infer<typeof OpportunityStage>;

export const Currency = z.string().regex(/^[A-Z]{3}$/, "expected an ISO 4217 currency code such as USD");

export const Opportunity = z
  .object({
    accountKey: AccountKey,
    opportunityId: z.string().min(1).max(200),
    name: z.string().min(1).max(500).optional(),
    createdAt: IsoDateTime,
    closedAt: IsoDateTime.optional(),
    stage: OpportunityStage,
    amount: z.number().nonnegative().optional(),
    currency: Currency.optional(),
  })
  .superRefine((o, ctx) => {
    if (o.stage !== "open" && o.closedAt === undefined) ctx.addIssue({ code: "custom", path: ["closedAt"], message: `expected a close date for a ${o.stage} opportunity` });
    if (o.stage === "open" && o.closedAt !== undefined) ctx.addIssue({ code: "custom", path: ["closedAt"], message: "expected no close date for an open opportunity" });
    if (o.closedAt !== undefined && toEpochMs(o.closedAt) < toEpochMs(o.createdAt)) {
      ctx.addIssue({ code: "custom", path: ["closedAt"], message: `expected a close date at or after the creation date (${o.createdAt})` });
    }
  });
export type Opportunity = z.infer<typeof Opportunity>;
