import { toEpochMs } from "@icpstream/scoring";
import type { Signal } from "@icpstream/scoring";

/**
 * Signals per account in time order, so that "every signal of this account that occurred
 * strictly before instant t" is a binary search and a slice. Built once per backtest and
 * shared by every scorecard.
 */
export class SignalIndex {
  private constructor(private readonly byAccount: ReadonlyMap<string, { ms: number[]; signals: Signal[] }>) {}

  static from(signals: readonly Signal[]): SignalIndex {
    const groups = new Map<string, { ms: number; signal: Signal }[]>();
    for (const signal of signals) {
      const list = groups.get(signal.accountKey);
      const entry = { ms: toEpochMs(signal.occurredAt), signal };
      if (list) list.push(entry);
      else groups.set(signal.accountKey, [entry]);
    }
    const byAccount = new Map<string, { ms: number[]; signals: Signal[] }>();
    for (const [key, list] of groups) {
      list.sort((a, b) => a.ms - b.ms || (a.signal.eventId < b.signal.eventId ? -1 : a.signal.eventId > b.signal.eventId ? 1 : 0));
      byAccount.set(key, { ms: list.map((e) => e.ms), signals: list.map((e) => e.signal) });
    }
    return new SignalIndex(byAccount);
  }

  /** The account's signals that occurred strictly before `ms` (a signal at the very instant is not "before"). */
  before(accountKey: string, ms: number): Signal[] {
    const entry = this.byAccount.get(accountKey);
    if (!entry) return [];
    let lo = 0;
    let hi = entry.ms.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((entry.ms[mid] as number) < ms) lo = mid + 1;
      else hi = mid;
    }
    return entry.signals.slice(0, lo);
  }

  /** Every signal of the account, in time order. */
  all(accountKey: string): readonly Signal[] {
    return this.byAccount.get(accountKey)?.signals ?? [];
  }
}
