import { OutcomeEventV1 } from "@icpstream/contracts";
import { Opportunity, toEpochMs } from "@icpstream/scoring";
import type { AccountProfile } from "@icpstream/scoring";
import type { RowContext, RowOutcome } from "./accounts.js";
import { accountFromView, accountKeyOf } from "./accounts.js";
import type { ImportIssue } from "./issues.js";
import { shownValue } from "./issues.js";
import type { RowView } from "./rows.js";
import { parseCurrency, parseMoney } from "./values/amounts.js";
import { textOf } from "./values/cell.js";
import { parseInstant } from "./values/instants.js";
import { parseBoolean, parseOpportunityStage } from "./values/vocabulary.js";

/**
 * Outcomes: a CRM opportunity export (a Salesforce opportunity report, a HubSpot deals
 * export, or our columns) → opportunities, the outcome vocabulary the backtest scores.
 *
 * A row needs its account (a usable domain, as for accounts), an opportunity id, a creation
 * date and a stage; a won or lost one needs its close date (an open one's expected close
 * date is ignored: it is not an outcome). A stage that is neither won, lost nor a known open
 * stage is read as open, with a warning (a deal is never counted as lost on a guess; map the
 * CRM's own closed stages in the mapping's `values`). An amount or currency not understood is
 * left unknown with a warning; an amount with no currency is read in the default currency
 * (one warning per file). NDJSON lines may also be the outcome topic's events
 * (`opportunity_created`, `opportunity_closed_won`, `opportunity_closed_lost`), folded per
 * opportunity; an opportunity given both as a row and as events is taken from the row.
 */
export interface OutcomeContext extends RowContext {
  defaultCurrency: string;
}

/** One opportunity row → an opportunity (and whether its currency was the default), or a reject. */
export function opportunityFromView(row: RowView, context: OutcomeContext): RowOutcome<Opportunity> & { defaultedCurrency?: boolean } {
  const warnings: ImportIssue[] = [];
  const reject = (reason: ImportIssue["reason"], column: string | undefined, raw: unknown, message: string) => ({
    ok: false as const,
    reject: { source: context.source, line: row.line, column, value: shownValue(raw), reason, message: `${message}; skipped` },
    warnings,
  });
  const warn = (reason: ImportIssue["reason"], column: string, raw: unknown, message: string) => warnings.push({ source: context.source, line: row.line, column, value: shownValue(raw), reason, message });

  const key = accountKeyOf(row.cells("domain"), row.line, context, warnings);
  if (!key.ok) return { ok: false, reject: key.reject, warnings };

  const idCell = row.cells("opportunity_id")[0];
  const id = idCell ? textOf(idCell.raw) : undefined;
  if (!idCell || id?.kind !== "value") return reject("missing_field", idCell?.header ?? "opportunity_id", idCell?.raw, "no opportunity (deal) id");
  if (id.value.length > 200) return reject("invalid_field", idCell.header, idCell.raw, "the opportunity id is longer than 200 characters");

  const createdCell = row.cells("created_at")[0];
  if (!createdCell) return reject("missing_field", "created_at", undefined, "no date the opportunity was created (created_at)");
  const created = parseInstant(createdCell.raw, context.dateOrder);
  if (created.kind !== "value") return reject("invalid_field", createdCell.header, createdCell.raw, `created_at ${JSON.stringify(shownValue(createdCell.raw))} ${created.kind === "unknown" ? created.why : "is empty"}`);

  // The stage column first; Salesforce's Won / Closed columns when it says neither.
  let stage: Opportunity["stage"] | undefined;
  const stageCell = row.cells("stage")[0];
  const readStage = stageCell ? parseOpportunityStage(stageCell.raw) : undefined;
  if (readStage?.kind === "value") stage = readStage.value;
  const closedFlag = row.cells("is_closed")[0];
  const wonFlag = row.cells("is_won")[0];
  if (stage === undefined && closedFlag) {
    const closed = parseBoolean(closedFlag.raw);
    const won = wonFlag ? parseBoolean(wonFlag.raw) : undefined;
    if (closed.kind === "value") stage = !closed.value ? "open" : won?.kind === "value" ? (won.value ? "won" : "lost") : undefined;
  }
  if (stage === undefined) {
    if (!stageCell && !closedFlag) return reject("missing_field", "stage", undefined, "no stage (won, lost or open)");
    const shown = stageCell ?? closedFlag;
    warn("unknown_value", shown?.header ?? "stage", shown?.raw, `stage ${JSON.stringify(shownValue(shown?.raw))} is not won, lost or a known open stage; read as open (never as lost) — map the CRM's closed stages in the mapping's values`);
    stage = "open";
  }

  let closedAt: string | undefined;
  if (stage !== "open") {
    const closedCell = row.cells("closed_at")[0];
    if (!closedCell) return reject("missing_field", "closed_at", undefined, `no close date for a ${stage} opportunity`);
    const closed = parseInstant(closedCell.raw, context.dateOrder);
    if (closed.kind !== "value") return reject("invalid_field", closedCell.header, closedCell.raw, `closed_at ${JSON.stringify(shownValue(closedCell.raw))} ${closed.kind === "unknown" ? closed.why : "is empty"}`);
    closedAt = closed.value;
  }

  let amount: number | undefined;
  let currency: string | undefined;
  const amountCell = row.cells("amount")[0];
  if (amountCell) {
    const money = parseMoney(amountCell.raw, context.numbers);
    if (money.kind === "value") {
      amount = money.value.value;
      currency = money.value.currency;
    } else if (money.kind === "unknown") warn(money.reason, amountCell.header, amountCell.raw, `value ${JSON.stringify(shownValue(amountCell.raw))} ${money.why}; amount left unknown`);
  }
  const currencyCell = row.cells("currency")[0];
  if (currencyCell) {
    const code = parseCurrency(currencyCell.raw);
    if (code.kind === "value") currency = code.value;
    else if (code.kind === "unknown") warn(code.reason, currencyCell.header, currencyCell.raw, `value ${JSON.stringify(shownValue(currencyCell.raw))} ${code.why}; the default currency is used`);
  }
  const defaultedCurrency = amount !== undefined && currency === undefined;
  const nameCell = row.cells("name")[0];
  const name = nameCell ? textOf(nameCell.raw) : undefined;

  const candidate = {
    accountKey: key.key,
    opportunityId: id.value,
    createdAt: created.value,
    stage,
    ...(closedAt !== undefined ? { closedAt } : {}),
    ...(amount !== undefined ? { amount, currency: currency ?? context.defaultCurrency } : {}),
    ...(name?.kind === "value" ? { name: name.value.slice(0, 500) } : {}),
  };
  const parsed = Opportunity.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? "");
    const column = field === "closedAt" ? (row.cells("closed_at")[0]?.header ?? "closed_at") : field === "createdAt" ? createdCell.header : undefined;
    return reject("invalid_outcome", column, field === "closedAt" ? closedAt : undefined, issue?.message ?? "not a valid opportunity");
  }
  return { ok: true, value: parsed.data, warnings, defaultedCurrency };
}

const OUTCOME_TYPES = new Set(["opportunity_created", "opportunity_closed_won", "opportunity_closed_lost"]);

/** Whether an NDJSON object is an outcome event (`type: opportunity_*`) rather than a row. */
export function isOutcomeEvent(object: Readonly<Record<string, unknown>> | undefined): boolean {
  return object !== undefined && typeof object.type === "string" && OUTCOME_TYPES.has(object.type);
}

/** An outcome event, validated against the contract, or the problem with it. */
export function outcomeEventOf(object: Readonly<Record<string, unknown>>, line: number, source: string): { ok: true; event: OutcomeEventV1 } | { ok: false; reject: ImportIssue } {
  const event = OutcomeEventV1.safeParse(object);
  if (event.success) return { ok: true, event: event.data };
  const issue = event.error.issues[0];
  return { ok: false, reject: { source, line, column: issue?.path.join("."), value: undefined, reason: "invalid_outcome", message: `${issue?.message ?? "not a valid outcome event"}; skipped` } };
}

/**
 * Folds outcome events (the `outcome` topic's vocabulary) into one opportunity per
 * opportunity id. The events may come in any order and more than once:
 * - an event id counts once;
 * - the opportunity's state is its latest event by `occurredAt` (ties: created before
 *   closed, then event id), so created → won is won, and won → created again (reopened) is open;
 * - account, creation date, name and amount come from the latest event that has them; an
 *   opportunity whose events disagree on its account or creation date gets a warning.
 * Amounts are the contract's USD. An opportunity that closes before it was created is left
 * out with a warning. The result is in creation order (then opportunity id).
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

function compareByCreation(a: Pick<Opportunity, "createdAt" | "opportunityId">, b: Pick<Opportunity, "createdAt" | "opportunityId">): number {
  return toEpochMs(a.createdAt) - toEpochMs(b.createdAt) || (a.opportunityId < b.opportunityId ? -1 : a.opportunityId > b.opportunityId ? 1 : 0);
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
    const dated = ordered.filter((e): e is typeof e & { createdAt: string } => e.createdAt !== undefined);
    const createdAt = dated[dated.length - 1]?.createdAt;
    if (createdAt === undefined) {
      warnings.push(`opportunity ${id}: no event gives its creation date (a close notification carries none); left out until its creation or a CRM export is read`);
      continue;
    }
    const created = new Set(dated.map((e) => toEpochMs(e.createdAt)));
    if (created.size > 1) warnings.push(`opportunity ${id}: events give ${created.size} creation dates; the latest one's, ${createdAt}, is used`);
    const name = [...ordered].reverse().find((e) => e.name !== undefined)?.name;
    const amount = [...ordered].reverse().find((e) => e.amountUsd !== undefined)?.amountUsd;
    const base = { accountKey: last.accountKey, opportunityId: id, createdAt, ...(name !== undefined ? { name } : {}), ...(amount !== undefined ? { amount, currency: "USD" } : {}) };
    if (last.type === "opportunity_created") opportunities.push({ ...base, stage: "open" });
    else if (toEpochMs(last.closedAt) < toEpochMs(createdAt)) warnings.push(`opportunity ${id}: closed (${last.closedAt}) before it was created (${createdAt}); left out`);
    else opportunities.push({ ...base, stage: last.type === "opportunity_closed_won" ? "won" : "lost", closedAt: last.closedAt });
  }
  return { opportunities: opportunities.sort(compareByCreation), warnings };
}

/** A profile as it was known at an instant (a dated snapshot of an account row). */
export interface ProfileSnapshotRow {
  at: string;
  profile: AccountProfile;
}

/** One dated account row (the accounts columns plus `as_of` or `snapshot_at`) → a snapshot, or a reject. */
export function snapshotFromView(row: RowView, context: RowContext): RowOutcome<ProfileSnapshotRow> {
  const atCell = row.cells("as_of")[0] ?? row.cells("snapshot_at")[0];
  if (!atCell) return { ok: false, reject: { source: context.source, line: row.line, column: "as_of", value: undefined, reason: "missing_field", message: "no date this profile was known (as_of); skipped" }, warnings: [] };
  const at = parseInstant(atCell.raw, context.dateOrder);
  if (at.kind !== "value") {
    return { ok: false, reject: { source: context.source, line: row.line, column: atCell.header, value: shownValue(atCell.raw), reason: "invalid_field", message: `as_of ${JSON.stringify(shownValue(atCell.raw))} ${at.kind === "unknown" ? at.why : "is empty"}; skipped` }, warnings: [] };
  }
  const profile = accountFromView(row, context);
  return profile.ok ? { ok: true, value: { at: at.value, profile: profile.value }, warnings: profile.warnings } : profile;
}
