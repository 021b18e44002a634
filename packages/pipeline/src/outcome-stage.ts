import { z } from "zod";
import { OutcomeEventV1, OutcomeScoredEventV1, RubricVersionRef, TierRefV1 } from "@icpstream/contracts";
import type { OutcomeEventV1 as OutcomeEvent, OutcomeScoredEventV1 as OutcomeScored, TierAtInstantV1, TierChangedEventV1 } from "@icpstream/contracts";
import { foldOutcomeEvents } from "@icpstream/imports";
import { DAY_MS } from "@icpstream/scoring";
import { PipelineError } from "./errors.js";
import { toEpochMs, toIso } from "./instant.js";
import { outputEventId } from "./output-id.js";
import { tierChangeVersion } from "./combiner-handler.js";

/**
 * The outcome stage's decision (services/outcomes): outcome events and tier changes of one
 * account in (the two topics are co-partitioned by account), `outcome_scored` events and
 * running counts out. Pure: the account's state hash and shard-wide counts come in as
 * strings, the fields to write and the count changes go out.
 *
 * - **Tier at an instant** is the tier change in force then: the newest by `occurredAt`
 *   (then by version) with `occurredAt` at or before the instant. The tier-changed topic is
 *   stamped with the instant the pipeline decided each change, so this is the tier the
 *   pipeline gave the account when the opportunity was created / closed — the point-in-time
 *   tier `icp backtest` recomputes ("the account's score at the time of first sales
 *   engagement", icp-scoring-methodology).
 * - **Order does not matter**: outcome events and tier changes may arrive in any order
 *   between the two topics. A tier change dated at or before an instant an opportunity was
 *   already scored at re-scores it; what changed is published as a new revision and the
 *   counts move from the old record to the new one. The end state depends only on the set
 *   of events, not on their interleaving.
 * - **Opportunities** are folded from their events exactly as the backtest reads the topic
 *   (`foldOutcomeEvents`: latest event by `occurredAt` decides the stage; a reopened deal is
 *   open). An event that closes a deal before its creation is refused (`OUTCOME_INVALID`),
 *   as the fold would leave the deal out.
 * - **Counts** per scorecard × rubric version × tier at creation (the backtest's grouping):
 *   opportunities, open, won, lost, won amount (USD) and won deals with an amount, days to
 *   close summed over won deals. An opportunity created before any tier of its account is
 *   known on a scorecard is not counted there (the backtest leaves an account without a
 *   profile out, likewise) and is scored once a tier dated at or before its creation arrives.
 * - **Pool**: per scorecard × tier, the accounts whose newest tier change (by version) is
 *   in that tier — the share of the pool the model-health view compares with the band.
 *
 * Bounds: a scorecard's tier history keeps the newest `MAX_TIER_HISTORY` changes (an older
 * opportunity instant than the oldest kept finds no tier and keeps its last record); an
 * opportunity keeps its newest `MAX_OPPORTUNITY_EVENTS` events.
 */
export const MAX_TIER_HISTORY = 500;
export const MAX_OPPORTUNITY_EVENTS = 100;

export const TIERS_FIELD_PREFIX = "tiers:";
export const OPPORTUNITY_FIELD_PREFIX = "opp:";
/** The shard-wide hashes the stage keeps (see `HandlerResult.shared`). */
export const OUTCOME_COUNTS = "outcome-counts";
export const POOL_COUNTS = "pool-counts";

const TierPoint = z.object({
  eventId: z.string().min(1),
  occurredAt: z.string(),
  version: z.number().int().nonnegative(),
  tier: TierRefV1,
  total: z.number(),
  excluded: z.boolean(),
  rubricVersion: RubricVersionRef,
});
type TierPoint = z.infer<typeof TierPoint>;
const TierHistory = z.array(TierPoint);

const OpportunityState = z.object({
  events: z.array(OutcomeEventV1),
  /** scorecard → the last outcome_scored published for it. */
  published: z.record(z.string(), OutcomeScoredEventV1),
});
type OpportunityState = z.infer<typeof OpportunityState>;

/** Running counts of one scorecard × rubric version × tier (the tier the account was in when each opportunity was created). */
export const TierOutcomeCounts = z.object({
  scorecard: z.string(),
  rubricVersion: RubricVersionRef,
  tier: TierRefV1,
  excluded: z.boolean(),
  opportunities: z.number(),
  open: z.number(),
  won: z.number(),
  lost: z.number(),
  /** Sum of the won deals' amounts, USD. */
  wonAmountUsd: z.number(),
  /** Won deals that had an amount (the denominator of the average contract value). */
  wonWithAmount: z.number(),
  /** Sum over won deals of the days from creation to close. */
  wonDaysToClose: z.number(),
});
export type TierOutcomeCounts = z.infer<typeof TierOutcomeCounts>;

/** Accounts currently in one tier of a scorecard. */
export const PoolTierCount = z.object({ scorecard: z.string(), tier: TierRefV1, excluded: z.boolean(), accounts: z.number() });
export type PoolTierCount = z.infer<typeof PoolTierCount>;

export interface OutcomeStageResult {
  /** Account fields to write. */
  set: Record<string, string>;
  outputs: OutcomeScored[];
  /** Field → new value of the shard's `OUTCOME_COUNTS` hash (only the fields that changed). */
  counts: Record<string, string>;
  /** Field → new value of the shard's `POOL_COUNTS` hash. */
  pool: Record<string, string>;
  ignored?: "duplicate";
}

/** What the stage reads of the shard's counts (the fields of its two hashes it asks for). */
export interface SharedCounts {
  counts: Readonly<Record<string, string>>;
  pool: Readonly<Record<string, string>>;
}

export const countsField = (scorecard: string, rubricHash: string, tierId: string): string => `${scorecard}|${rubricHash}|${tierId}`;
export const poolField = (scorecard: string, tierId: string): string => `${scorecard}|${tierId}`;

function decode<T>(schema: z.ZodType<T>, text: string | undefined, what: string): T | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PipelineError("STATE_INVALID", `${what}: not JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new PipelineError("STATE_INVALID", `${what}: ${parsed.error.issues[0]?.message ?? "invalid"} at ${parsed.error.issues[0]?.path.join(".") ?? ""}`);
  return parsed.data;
}

const comparePoints = (a: TierPoint, b: TierPoint) => toEpochMs(a.occurredAt) - toEpochMs(b.occurredAt) || a.version - b.version;

/** The tier change in force at `atMs`: the newest (by instant, then version) at or before it; undefined when none is known. */
export function tierAt(history: readonly TierPoint[], atMs: number): TierPoint | undefined {
  let found: TierPoint | undefined;
  for (const point of history) if (toEpochMs(point.occurredAt) <= atMs && (!found || comparePoints(point, found) >= 0)) found = point;
  return found;
}

function histories(state: Readonly<Record<string, string>>): Map<string, TierPoint[]> {
  const out = new Map<string, TierPoint[]>();
  for (const [field, text] of Object.entries(state)) {
    if (!field.startsWith(TIERS_FIELD_PREFIX)) continue;
    out.set(field.slice(TIERS_FIELD_PREFIX.length), decode(TierHistory, text, `tier history ${field}`) ?? []);
  }
  return out;
}

function opportunities(state: Readonly<Record<string, string>>): Map<string, OpportunityState> {
  const out = new Map<string, OpportunityState>();
  for (const [field, text] of Object.entries(state)) {
    if (!field.startsWith(OPPORTUNITY_FIELD_PREFIX)) continue;
    out.set(field.slice(OPPORTUNITY_FIELD_PREFIX.length), decode(OpportunityState, text, `opportunity ${field}`) as OpportunityState);
  }
  return out;
}

function snapshot(point: TierPoint): TierAtInstantV1 {
  return { tier: point.tier, total: Math.min(100, Math.max(0, point.total)), excluded: point.excluded, rubricVersion: point.rubricVersion, tierChangedEventId: point.eventId, since: point.occurredAt };
}

/** What an outcome_scored says, without its envelope and revision: two records are the same when these are equal. */
function content(event: Pick<OutcomeScored, "stage" | "createdAt" | "closedAt" | "amountUsd" | "daysToClose" | "atCreation" | "atClose">): string {
  return JSON.stringify([event.stage, event.createdAt, event.closedAt ?? null, event.amountUsd ?? null, event.daysToClose ?? null, event.atCreation, event.atClose]);
}

/** The opportunity's record on one scorecard now; undefined when no tier was known at its creation. */
function recordFor(accountKey: string, opp: OpportunityState, scorecard: string, history: readonly TierPoint[], previous: OutcomeScored | undefined): OutcomeScored | undefined {
  const folded = foldOutcomeEvents(opp.events).opportunities[0];
  if (!folded) return undefined;
  const created = tierAt(history, toEpochMs(folded.createdAt));
  if (!created) return undefined;
  const closed = folded.closedAt !== undefined ? tierAt(history, toEpochMs(folded.closedAt)) : undefined;
  const days = folded.closedAt !== undefined ? (toEpochMs(folded.closedAt) - toEpochMs(folded.createdAt)) / DAY_MS : undefined;
  const body = {
    stage: folded.stage,
    createdAt: toIso(toEpochMs(folded.createdAt)),
    ...(folded.closedAt !== undefined ? { closedAt: toIso(toEpochMs(folded.closedAt)) } : {}),
    ...(folded.amount !== undefined ? { amountUsd: folded.amount } : {}),
    ...(days !== undefined ? { daysToClose: days } : {}),
    atCreation: snapshot(created),
    atClose: closed ? snapshot(closed) : null,
  };
  if (previous && content(previous) === content(body)) return previous;
  const revision = (previous?.revision ?? 0) + 1;
  const instants = [...opp.events.map((e) => toEpochMs(e.occurredAt)), toEpochMs(created.occurredAt), ...(closed ? [toEpochMs(closed.occurredAt)] : [])];
  const at = toIso(Math.max(...instants));
  return {
    type: "outcome_scored",
    eventId: outputEventId("os", [accountKey, folded.opportunityId, scorecard], `:r${revision}`),
    accountKey,
    occurredAt: at,
    observedAt: at,
    source: "outcomes",
    schemaVersion: 1,
    opportunityId: folded.opportunityId,
    scorecard,
    revision,
    ...body,
  };
}

function contribution(record: OutcomeScored): { field: string; add: Omit<TierOutcomeCounts, "scorecard" | "rubricVersion" | "tier" | "excluded"> } {
  const won = record.stage === "won";
  return {
    field: countsField(record.scorecard, record.atCreation.rubricVersion.hash, record.atCreation.tier.id),
    add: {
      opportunities: 1,
      open: record.stage === "open" ? 1 : 0,
      won: won ? 1 : 0,
      lost: record.stage === "lost" ? 1 : 0,
      wonAmountUsd: won ? (record.amountUsd ?? 0) : 0,
      wonWithAmount: won && record.amountUsd !== undefined ? 1 : 0,
      wonDaysToClose: won ? (record.daysToClose ?? 0) : 0,
    },
  };
}

const COUNT_KEYS = ["opportunities", "open", "won", "lost", "wonAmountUsd", "wonWithAmount", "wonDaysToClose"] as const;

/** Working copy of the shard's counts: reads through to what was passed in, records what changed. */
class CountsDraft {
  readonly counts: Record<string, string> = {};
  readonly pool: Record<string, string> = {};
  constructor(private readonly shared: SharedCounts) {}

  move(from: OutcomeScored | undefined, to: OutcomeScored | undefined): void {
    if (from) this.addRecord(from, -1);
    if (to) this.addRecord(to, 1);
  }

  private addRecord(record: OutcomeScored, sign: 1 | -1): void {
    const { field, add } = contribution(record);
    const text = this.counts[field] ?? this.shared.counts[field];
    const base: TierOutcomeCounts = decode(TierOutcomeCounts, text, `outcome counts ${field}`) ?? {
      scorecard: record.scorecard,
      rubricVersion: record.atCreation.rubricVersion,
      tier: record.atCreation.tier,
      excluded: record.atCreation.excluded,
      opportunities: 0,
      open: 0,
      won: 0,
      lost: 0,
      wonAmountUsd: 0,
      wonWithAmount: 0,
      wonDaysToClose: 0,
    };
    const next = { ...base };
    for (const key of COUNT_KEYS) next[key] = base[key] + sign * add[key];
    this.counts[field] = JSON.stringify(next);
  }

  movePool(scorecard: string, from: TierPoint | undefined, to: TierPoint): void {
    if (from?.tier.id === to.tier.id) return;
    if (from) this.addPool(scorecard, from, -1);
    this.addPool(scorecard, to, 1);
  }

  private addPool(scorecard: string, point: TierPoint, sign: 1 | -1): void {
    const field = poolField(scorecard, point.tier.id);
    const base = decode(PoolTierCount, this.pool[field] ?? this.shared.pool[field], `pool count ${field}`) ?? { scorecard, tier: point.tier, excluded: point.excluded, accounts: 0 };
    this.pool[field] = JSON.stringify({ ...base, accounts: base.accounts + sign });
  }
}

/** Re-scores the given opportunities on every scorecard with a tier history; publishes and counts what changed. */
function rescore(accountKey: string, opps: Map<string, OpportunityState>, tiers: Map<string, TierPoint[]>, draft: CountsDraft, set: Record<string, string>, outputs: OutcomeScored[]): void {
  for (const [id, opp] of opps) {
    let changed = false;
    const published = { ...opp.published };
    for (const [scorecard, history] of tiers) {
      const previous = published[scorecard];
      const next = recordFor(accountKey, opp, scorecard, history, previous);
      if (!next || next === previous) continue;
      draft.move(previous, next);
      published[scorecard] = next;
      outputs.push(next);
      changed = true;
    }
    if (changed) set[`${OPPORTUNITY_FIELD_PREFIX}${id}`] = JSON.stringify({ events: opp.events, published });
  }
}

/**
 * An outcome event: kept with its opportunity's events (a repeated event id is a
 * duplicate), the opportunity re-folded and re-scored on every scorecard.
 * Throws `PipelineError` `OUTCOME_INVALID` for a close before the creation, `STATE_INVALID`
 * for a state it cannot read (the service dead-letters the event with the code).
 */
export function applyOutcome(state: Readonly<Record<string, string>>, event: OutcomeEvent, shared: SharedCounts): OutcomeStageResult {
  // A close that names its creation (a CRM notification may not) must not come before it.
  if (event.type !== "opportunity_created" && event.createdAt !== undefined && toEpochMs(event.closedAt) < toEpochMs(event.createdAt)) {
    throw new PipelineError("OUTCOME_INVALID", `opportunity ${event.opportunityId}: ${event.type} closes at ${event.closedAt}, before its creation at ${event.createdAt}`);
  }
  const field = `${OPPORTUNITY_FIELD_PREFIX}${event.opportunityId}`;
  const stored = decode(OpportunityState, state[field], `opportunity ${field}`) ?? { events: [], published: {} };
  if (stored.events.some((e) => e.eventId === event.eventId)) return { set: {}, outputs: [], counts: {}, pool: {}, ignored: "duplicate" };
  const events = [...stored.events, event].sort((a, b) => toEpochMs(a.occurredAt) - toEpochMs(b.occurredAt) || (a.eventId < b.eventId ? -1 : 1)).slice(-MAX_OPPORTUNITY_EVENTS);
  const opp: OpportunityState = { events, published: stored.published };
  const set: Record<string, string> = { [field]: JSON.stringify(opp) };
  const outputs: OutcomeScored[] = [];
  const draft = new CountsDraft(shared);
  rescore(event.accountKey, new Map([[event.opportunityId, opp]]), histories(state), draft, set, outputs);
  return { set, outputs, counts: draft.counts, pool: draft.pool };
}

/**
 * A tier change: added to its scorecard's tier history (a repeated event id is a
 * duplicate); the pool moves when it is the account's newest change; every opportunity of
 * the account whose creation or close it may concern is re-scored.
 */
export function applyTierChange(state: Readonly<Record<string, string>>, event: TierChangedEventV1, shared: SharedCounts): OutcomeStageResult {
  const field = `${TIERS_FIELD_PREFIX}${event.scorecard}`;
  const history = decode(TierHistory, state[field], `tier history ${field}`) ?? [];
  if (history.some((p) => p.eventId === event.eventId)) return { set: {}, outputs: [], counts: {}, pool: {}, ignored: "duplicate" };
  const point: TierPoint = {
    eventId: event.eventId,
    occurredAt: toIso(toEpochMs(event.occurredAt)),
    version: versionOf(event),
    tier: event.tier,
    total: event.total,
    excluded: event.excluded,
    rubricVersion: event.rubricVersion,
  };
  const newestBefore = history.reduce<TierPoint | undefined>((a, p) => (!a || p.version > a.version ? p : a), undefined);
  const next = [...history, point].sort(comparePoints).slice(-MAX_TIER_HISTORY);
  const draft = new CountsDraft(shared);
  if (!newestBefore || point.version > newestBefore.version) draft.movePool(event.scorecard, newestBefore, point);

  const set: Record<string, string> = { [field]: JSON.stringify(next) };
  const outputs: OutcomeScored[] = [];
  const tiers = histories(state);
  tiers.set(event.scorecard, next);
  const atMs = toEpochMs(point.occurredAt);
  const concerned = new Map([...opportunities(state)].filter(([, opp]) => opp.events.some((e) => (e.createdAt !== undefined && toEpochMs(e.createdAt) >= atMs) || (e.type !== "opportunity_created" && toEpochMs(e.closedAt) >= atMs))));
  rescore(event.accountKey, concerned, new Map([[event.scorecard, next]]), draft, set, outputs);
  return { set, outputs, counts: draft.counts, pool: draft.pool };
}

/** The tier change's version (the combiner ends its event id with it); 0 for a change from elsewhere. */
function versionOf(event: TierChangedEventV1): number {
  try {
    return tierChangeVersion(event);
  } catch {
    return 0;
  }
}

/** Decodes a shard's counts hash (see `OUTCOME_COUNTS`). */
export function decodeOutcomeCounts(hash: Readonly<Record<string, string>>): TierOutcomeCounts[] {
  return Object.entries(hash).map(([field, text]) => decode(TierOutcomeCounts, text, `outcome counts ${field}`) as TierOutcomeCounts);
}

/** Decodes a shard's pool hash (see `POOL_COUNTS`). */
export function decodePoolCounts(hash: Readonly<Record<string, string>>): PoolTierCount[] {
  return Object.entries(hash).map(([field, text]) => decode(PoolTierCount, text, `pool count ${field}`) as PoolTierCount);
}

/** Sums the counts of several shards (every partition of the stage) into one row per scorecard × rubric version × tier. */
export function sumOutcomeCounts(shards: readonly (readonly TierOutcomeCounts[])[]): TierOutcomeCounts[] {
  const out = new Map<string, TierOutcomeCounts>();
  for (const rows of shards) {
    for (const row of rows) {
      const key = countsField(row.scorecard, row.rubricVersion.hash, row.tier.id);
      const seen = out.get(key);
      if (!seen) out.set(key, { ...row });
      else for (const k of COUNT_KEYS) seen[k] += row[k];
    }
  }
  return [...out.values()].sort((a, b) => (a.scorecard < b.scorecard ? -1 : a.scorecard > b.scorecard ? 1 : a.tier.rank - b.tier.rank));
}

/** Sums pool counts of several shards into one row per scorecard × tier. */
export function sumPoolCounts(shards: readonly (readonly PoolTierCount[])[]): PoolTierCount[] {
  const out = new Map<string, PoolTierCount>();
  for (const rows of shards) {
    for (const row of rows) {
      const key = poolField(row.scorecard, row.tier.id);
      const seen = out.get(key);
      if (!seen) out.set(key, { ...row });
      else seen.accounts += row.accounts;
    }
  }
  return [...out.values()].sort((a, b) => (a.scorecard < b.scorecard ? -1 : a.scorecard > b.scorecard ? 1 : a.tier.rank - b.tier.rank));
}
