import type { TierChangedEventV1 } from "@icpstream/contracts";
import { topTierHealth, topTierWarning } from "@icpstream/scoring";
import type { LoadedScorecard, TopTierHealth } from "@icpstream/scoring";

/**
 * The pool's tier distribution, kept from the current-tier records (the compacted topic holds
 * each account's latest tier per scorecard; reading it from the start gives every current
 * tier). Pure: the caller feeds records in topic order. The health of the top tier follows the
 * scorecard's `topTierShare` band, the same rule as `icp score` and the demo's summary.
 */
export class TierCensus {
  /** scorecard → account → tier id. */
  private readonly current = new Map<string, Map<string, string>>();
  /** scorecard → tier id → accounts, kept as records arrive. */
  private readonly tally = new Map<string, Map<string, number>>();

  /** Records an account's current tier on a scorecard (a later record replaces an earlier one). O(1). */
  apply(event: Pick<TierChangedEventV1, "accountKey" | "scorecard" | "tier">): void {
    let accounts = this.current.get(event.scorecard);
    if (!accounts) this.current.set(event.scorecard, (accounts = new Map()));
    let counts = this.tally.get(event.scorecard);
    if (!counts) this.tally.set(event.scorecard, (counts = new Map()));
    const previous = accounts.get(event.accountKey);
    if (previous !== undefined) counts.set(previous, (counts.get(previous) ?? 1) - 1);
    accounts.set(event.accountKey, event.tier.id);
    counts.set(event.tier.id, (counts.get(event.tier.id) ?? 0) + 1);
  }

  /** Accounts per tier id of a scorecard, the excluded tier included (tiers left empty are absent). */
  counts(scorecard: string): Map<string, number> {
    return new Map([...(this.tally.get(scorecard) ?? [])].filter(([, n]) => n > 0));
  }

  /** The scorecards seen so far. */
  scorecards(): string[] {
    return [...this.current.keys()];
  }

  /** Accounts tiered on a scorecard. */
  size(scorecard: string): number {
    return this.current.get(scorecard)?.size ?? 0;
  }

  /** The top tier's share of the pool against the scorecard's healthy band, and the warning when outside it. */
  health(card: LoadedScorecard): { health: TopTierHealth; warning: string | undefined } {
    const pool = this.size(card.id);
    const top = card.tiers[0]?.id ?? "";
    const share = pool === 0 ? 0 : (this.counts(card.id).get(top) ?? 0) / pool;
    const health = topTierHealth(share, pool, card);
    return { health, warning: topTierWarning(health, card, pool) };
  }
}
