import { canonicalJson, toEpochMs } from "@icpstream/scoring";
import type { AccountProfile } from "@icpstream/scoring";

/**
 * What was known about each account, and when. A point-in-time score needs the profile
 * as it was when the opportunity was created, not as it is now: an account enriched
 * after it became a customer (a champion found, a CRM installed by the deal itself)
 * would otherwise make the rubric look better than it was.
 *
 * Two kinds of input:
 * - dated snapshots (`at` = when the profile was known, e.g. an `account_profile` event's
 *   `occurredAt`, or an export's snapshot date): the profile at instant t is the newest
 *   snapshot with `at ≤ t`;
 * - undated profiles (an accounts export with no history): assumed unchanged over the whole
 *   backtest window. That assumption can leak later facts into earlier scores, so every
 *   opportunity scored that way is counted and reported.
 * An account whose snapshots all come after t is scored with its earliest snapshot (the
 * closest in time to t, so preferred to an undated profile), and counted apart too.
 *
 * Two snapshots of one account at the same instant: the one with the smaller canonical JSON
 * is kept, so the result does not depend on the input order.
 */
export interface ProfileSnapshot {
  at: string;
  profile: AccountProfile;
}

/** How the profile used for a score was chosen. */
export type ProfileBasis = "snapshot" | "undated" | "later_snapshot";

export interface ProfileAt {
  profile: AccountProfile;
  basis: ProfileBasis;
  /** The snapshot's date, for `snapshot` and `later_snapshot`. */
  knownAt?: string;
}

interface Timeline {
  ms: number[];
  at: string[];
  profiles: AccountProfile[];
}

export class ProfileHistory {
  private constructor(
    private readonly timelines: ReadonlyMap<string, Timeline>,
    private readonly undated: ReadonlyMap<string, AccountProfile>,
  ) {}

  static from(input: { undated?: readonly AccountProfile[]; snapshots?: readonly ProfileSnapshot[] }): ProfileHistory {
    const undated = new Map<string, AccountProfile>();
    for (const profile of input.undated ?? []) {
      const seen = undated.get(profile.accountKey);
      if (!seen || canonicalJson(profile) < canonicalJson(seen)) undated.set(profile.accountKey, profile);
    }
    const byKey = new Map<string, Map<number, { at: string; profile: AccountProfile }>>();
    for (const snapshot of input.snapshots ?? []) {
      const ms = toEpochMs(snapshot.at);
      const key = snapshot.profile.accountKey;
      let perInstant = byKey.get(key);
      if (!perInstant) byKey.set(key, (perInstant = new Map()));
      const seen = perInstant.get(ms);
      if (!seen || canonicalJson(snapshot.profile) < canonicalJson(seen.profile)) perInstant.set(ms, { at: snapshot.at, profile: snapshot.profile });
    }
    const timelines = new Map<string, Timeline>();
    for (const [key, perInstant] of byKey) {
      const entries = [...perInstant.entries()].sort((a, b) => a[0] - b[0]);
      timelines.set(key, { ms: entries.map(([ms]) => ms), at: entries.map(([, e]) => e.at), profiles: entries.map(([, e]) => e.profile) });
    }
    return new ProfileHistory(timelines, undated);
  }

  /** Every account with a profile, sorted. */
  accountKeys(): string[] {
    return [...new Set([...this.timelines.keys(), ...this.undated.keys()])].sort();
  }

  /** The profile known at `instant` (epoch ms or ISO), or undefined when the account has no profile at all. */
  at(accountKey: string, instant: number | string): ProfileAt | undefined {
    const ms = typeof instant === "number" ? instant : toEpochMs(instant);
    const timeline = this.timelines.get(accountKey);
    if (timeline) {
      const i = lastAtOrBefore(timeline.ms, ms);
      if (i >= 0) return { profile: timeline.profiles[i] as AccountProfile, basis: "snapshot", knownAt: timeline.at[i] as string };
    }
    if (timeline) return { profile: timeline.profiles[0] as AccountProfile, basis: "later_snapshot", knownAt: timeline.at[0] as string };
    const undated = this.undated.get(accountKey);
    return undated ? { profile: undated, basis: "undated" } : undefined;
  }
}

/** Index of the last element ≤ target in an ascending array, or -1. */
export function lastAtOrBefore(sorted: readonly number[], target: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
