import type { TierChangedEventV1 } from "@icpstream/contracts";
import { tierChangeVersion } from "./combiner-handler.js";

/**
 * What the web console shows of the tier-changed topic, kept from its records in topic order
 * (a follower from the start): per scorecard each account's current tier (its change with the
 * highest version), the distribution now and by day (replayed from the kept changes in the
 * order they are dated), the newest changes for the live feed and, per account, its
 * last changes with their causing events. Pure and bounded: `historyPerAccount` changes per
 * account, `recent` changes in the feed, `days` days of distribution.
 */
export interface TierChangeSummary {
  eventId: string;
  accountKey: string;
  scorecard: string;
  occurredAt: string;
  rubricVersion: { hash: string; label?: string | undefined };
  previousTier: { id: string; name: string; rank: number } | null;
  tier: { id: string; name: string; rank: number };
  total: number;
  fit: number;
  timing: number;
  quadrant: string;
  excluded: boolean;
  strongIntent: boolean;
  reasons: { text: string; rule?: string | undefined; points?: number | undefined }[];
  causingEventIds: string[];
}

export interface TierShare {
  tier: string;
  name: string;
  rank: number;
  accounts: number;
  /** 0–1 of the scorecard's pool. */
  share: number;
}

export interface TierBoardOptions {
  historyPerAccount?: number;
  recent?: number;
  days?: number;
}

const DAY_MS = 86_400_000;

const versionOf = (event: Pick<TierChangedEventV1, "eventId">): number => {
  try {
    return tierChangeVersion(event);
  } catch {
    return 0;
  }
};

export function summarizeTierChange(event: TierChangedEventV1): TierChangeSummary {
  return {
    eventId: event.eventId,
    accountKey: event.accountKey,
    scorecard: event.scorecard,
    occurredAt: event.occurredAt,
    rubricVersion: event.rubricVersion,
    previousTier: event.previousTier,
    tier: event.tier,
    total: event.total,
    fit: event.fit,
    timing: event.timing,
    quadrant: event.quadrant,
    excluded: event.excluded,
    strongIntent: event.strongIntent,
    reasons: event.reasons.slice(0, 5),
    causingEventIds: event.causingEventIds.slice(-20),
  };
}

export class TierBoard {
  private readonly historyPerAccount: number;
  private readonly recentLimit: number;
  private readonly dayLimit: number;
  /** scorecard → account → current change (highest version). */
  private readonly current = new Map<string, Map<string, { version: number; change: TierChangeSummary }>>();
  /** scorecard → tier id → accounts. */
  private readonly counts = new Map<string, Map<string, { name: string; rank: number; accounts: number }>>();
  private readonly histories = new Map<string, TierChangeSummary[]>();
  private readonly feed: TierChangeSummary[] = [];
  private seen = 0;

  constructor(options: TierBoardOptions = {}) {
    this.historyPerAccount = options.historyPerAccount ?? 20;
    this.recentLimit = options.recent ?? 200;
    this.dayLimit = options.days ?? 400;
  }

  /** Applies one record of the tier-changed topic; returns its summary (what the live feed sends). */
  apply(event: TierChangedEventV1): TierChangeSummary {
    const change = summarizeTierChange(event);
    this.seen++;
    const version = versionOf(event);
    let accounts = this.current.get(change.scorecard);
    if (!accounts) this.current.set(change.scorecard, (accounts = new Map()));
    let counts = this.counts.get(change.scorecard);
    if (!counts) this.counts.set(change.scorecard, (counts = new Map()));
    const held = accounts.get(change.accountKey);
    if (!held || version >= held.version) {
      if (held) {
        const old = counts.get(held.change.tier.id);
        if (old) old.accounts--;
      }
      accounts.set(change.accountKey, { version, change });
      const entry = counts.get(change.tier.id) ?? { name: change.tier.name, rank: change.tier.rank, accounts: 0 };
      entry.accounts++;
      counts.set(change.tier.id, entry);
    }
    const history = this.histories.get(change.accountKey) ?? [];
    if (!history.some((h) => h.eventId === change.eventId)) {
      history.push(change);
      history.sort((a, b) => Date.parse(b.occurredAt) - Date.parse(a.occurredAt));
      this.histories.set(change.accountKey, history.slice(0, this.historyPerAccount));
    }
    this.feed.unshift(change);
    if (this.feed.length > this.recentLimit) this.feed.length = this.recentLimit;
    return change;
  }

  /** Records applied so far. */
  get applied(): number {
    return this.seen;
  }

  scorecards(): string[] {
    return [...this.current.keys()].sort();
  }

  /** The scorecard's tiers now, by rank. */
  distribution(scorecard: string): TierShare[] {
    const counts = [...(this.counts.get(scorecard) ?? [])];
    const pool = counts.reduce((n, [, c]) => n + c.accounts, 0);
    return counts.map(([tier, c]) => ({ tier, name: c.name, rank: c.rank, accounts: c.accounts, share: pool === 0 ? 0 : c.accounts / pool })).sort((a, b) => a.rank - b.rank);
  }

  /**
   * Accounts per tier at the end of every UTC day from the first change to the last (the last
   * `days` days at most), replayed from the accounts' kept changes in the order they are dated
   * (then by version). An account with more changes than `historyPerAccount` is missing from
   * the days before its oldest kept change. O(changes kept × log) per call.
   */
  overTime(scorecard: string): { day: string; tiers: Record<string, number> }[] {
    const entries: { at: number; version: number; accountKey: string; tier: string }[] = [];
    for (const history of this.histories.values()) {
      for (const h of history) if (h.scorecard === scorecard) entries.push({ at: Date.parse(h.occurredAt), version: versionOf(h), accountKey: h.accountKey, tier: h.tier.id });
    }
    if (entries.length === 0) return [];
    entries.sort((a, b) => a.at - b.at || a.version - b.version);
    const lastDay = Math.floor((entries[entries.length - 1] as { at: number }).at / DAY_MS);
    const firstDay = Math.max(Math.floor((entries[0] as { at: number }).at / DAY_MS), lastDay - this.dayLimit + 1);
    const current = new Map<string, string>();
    const counts: Record<string, number> = {};
    const out: { day: string; tiers: Record<string, number> }[] = [];
    let next = 0;
    for (let day = firstDay; day <= lastDay; day++) {
      const end = (day + 1) * DAY_MS;
      for (; next < entries.length && (entries[next] as { at: number }).at < end; next++) {
        const e = entries[next] as (typeof entries)[number];
        const held = current.get(e.accountKey);
        if (held !== undefined) counts[held] = (counts[held] ?? 1) - 1;
        current.set(e.accountKey, e.tier);
        counts[e.tier] = (counts[e.tier] ?? 0) + 1;
      }
      out.push({ day: new Date(day * DAY_MS).toISOString().slice(0, 10), tiers: { ...counts } });
    }
    return out;
  }

  /** The newest changes first. */
  recent(limit = this.recentLimit): TierChangeSummary[] {
    return this.feed.slice(0, limit);
  }

  /** The account's changes, newest first (every scorecard). */
  history(accountKey: string): TierChangeSummary[] {
    return this.histories.get(accountKey) ?? [];
  }

  /** The account's current change per scorecard. */
  currentOf(accountKey: string): TierChangeSummary[] {
    return this.scorecards().flatMap((s) => {
      const held = this.current.get(s)?.get(accountKey);
      return held ? [held.change] : [];
    });
  }

  /** Accounts whose key contains `query` (all when empty), best tiers first, at most `limit`. */
  search(scorecard: string, query: string, limit = 50): TierChangeSummary[] {
    const q = query.trim().toLowerCase();
    const out: TierChangeSummary[] = [];
    for (const { change } of this.current.get(scorecard)?.values() ?? []) if (q === "" || change.accountKey.includes(q)) out.push(change);
    return out.sort((a, b) => a.tier.rank - b.tier.rank || b.total - a.total || (a.accountKey < b.accountKey ? -1 : 1)).slice(0, limit);
  }

  /** Accounts per rubric version of their current tier, per scorecard. */
  rubricVersions(): { scorecard: string; hash: string; label?: string | undefined; accounts: number }[] {
    const out = new Map<string, { scorecard: string; hash: string; label?: string | undefined; accounts: number }>();
    for (const [scorecard, accounts] of this.current) {
      for (const { change } of accounts.values()) {
        const key = `${scorecard}|${change.rubricVersion.hash}`;
        const entry = out.get(key) ?? { scorecard, hash: change.rubricVersion.hash, ...(change.rubricVersion.label ? { label: change.rubricVersion.label } : {}), accounts: 0 };
        entry.accounts++;
        out.set(key, entry);
      }
    }
    return [...out.values()];
  }
}
