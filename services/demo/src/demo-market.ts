import type { AccountProfileEventV1, ContactEventV1, SignalEventV1 } from "@icpstream/contracts";
import { generateMarket } from "@icpstream/ingest";
import type { InputTopicId } from "@icpstream/ingest";

/**
 * The demo's market, placed around the accelerated clock's start instant S:
 *
 * - profiles and a **backfill** of signals in the `backfillDays` before S (the synthetic
 *   feed with that window), so at S every account has a history and its tier, and as the
 *   clock runs the signals age across the 30/60/90-day decay boundaries;
 * - a **live** stream in the `liveDays` after S for the same accounts (the feed with another
 *   seed, generated for the backfill's profiles, so an account in motion before S behaves
 *   alike after it), sent as the clock reaches each signal's time, so tiers also move up
 *   while others decay.
 *
 * Only valid records: the feed's deliberately bad ones belong to dead-letter tests, not here.
 */
export interface DemoMarketOptions {
  seed: number;
  accounts: number;
  clockStartMs: number;
  backfillDays: number;
  liveDays: number;
}

export interface TimedSignal {
  topic: Exclude<InputTopicId, "firmographic" | "outcome">;
  event: SignalEventV1;
  atMs: number;
}

export interface DemoMarket {
  profiles: AccountProfileEventV1[];
  /** The people inside the accounts, dated in the backfill window: sent with the profiles. */
  contacts: ContactEventV1[];
  backfill: TimedSignal[];
  /** In time order. */
  live: TimedSignal[];
}

const DAY_MS = 86_400_000;

function signalsOf(records: ReturnType<typeof generateMarket>["signals"], rename: (event: SignalEventV1) => SignalEventV1): TimedSignal[] {
  const out: TimedSignal[] = [];
  for (const record of records) {
    if (!record.ok || record.topic === "firmographic" || record.topic === "outcome") continue;
    const event = rename(record.event as SignalEventV1);
    out.push({ topic: record.topic, event, atMs: Date.parse(event.occurredAt) });
  }
  return out.sort((a, b) => a.atMs - b.atMs || (a.event.eventId < b.event.eventId ? -1 : 1));
}

export function demoMarket(options: DemoMarketOptions): DemoMarket {
  const iso = (ms: number) => new Date(ms).toISOString();
  const past = generateMarket({ seed: options.seed, accounts: options.accounts, start: iso(options.clockStartMs - options.backfillDays * DAY_MS), days: options.backfillDays });
  const backfill = signalsOf(past.signals, (e) => e);
  if (options.liveDays <= 0) return { profiles: past.profiles, contacts: past.contacts, backfill, live: [] };
  const future = generateMarket({ seed: options.seed + 1, accounts: options.accounts, start: iso(options.clockStartMs), days: options.liveDays, profiles: past.profiles });
  const live = signalsOf(future.signals, (e) => ({ ...e, eventId: `live-${e.eventId}` }));
  return { profiles: past.profiles, contacts: past.contacts, backfill, live };
}

/** The live signals due at `nowMs`, from `from` on: [due, next index]. */
export function dueSignals(live: readonly TimedSignal[], from: number, nowMs: number): [TimedSignal[], number] {
  let end = from;
  while (end < live.length && (live[end] as TimedSignal).atMs <= nowMs) end++;
  return [live.slice(from, end), end];
}
