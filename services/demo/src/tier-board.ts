import type { TierChangedEventV1 } from "@icpstream/contracts";
import { topTierHealth, topTierWarning } from "@icpstream/scoring";
import type { LoadedScorecard, TopTierHealth } from "@icpstream/scoring";

/**
 * The live view's memory: each account's current tier per scorecard (from the tier changes
 * seen so far), the distribution over the scorecard's tiers, and a per-second budget of
 * printed lines so a burst (the backlog being scored) does not flood the terminal.
 *
 * First placements (`previousTier` null) are counted, not printed: they are the initial
 * scoring of the market, not a change. Pure: the caller gives the time.
 */
export interface TierShareLine {
  tier: string;
  name: string;
  count: number;
  share: number;
}

export interface BoardDecision {
  /** Print this change as a line. */
  show: boolean;
  kind: "placed" | "up" | "down" | "moved";
}

export class TierBoard {
  private readonly current = new Map<string, Map<string, string>>();
  private windowStart = -Infinity;
  private shownInWindow = 0;
  /** Since the last summary. */
  private recent = { placed: 0, up: 0, down: 0, moved: 0, hidden: 0 };
  private placedTotal = 0;

  constructor(
    private readonly cards: readonly LoadedScorecard[],
    private readonly linesPerSecond: number,
  ) {}

  /** Records a change; says whether to print it (line budget per wall second). */
  record(event: TierChangedEventV1, nowMs: number): BoardDecision {
    let byAccount = this.current.get(event.scorecard);
    if (!byAccount) this.current.set(event.scorecard, (byAccount = new Map()));
    byAccount.set(event.accountKey, event.tier.id);
    const kind: BoardDecision["kind"] = !event.previousTier ? "placed" : event.tier.rank < event.previousTier.rank ? "up" : event.tier.rank > event.previousTier.rank ? "down" : "moved";
    this.recent[kind]++;
    if (kind === "placed") this.placedTotal++;
    if (kind === "placed" || kind === "moved") return { show: false, kind };
    if (nowMs - this.windowStart >= 1000) {
      this.windowStart = nowMs;
      this.shownInWindow = 0;
    }
    if (this.shownInWindow >= this.linesPerSecond) {
      this.recent.hidden++;
      return { show: false, kind };
    }
    this.shownInWindow++;
    return { show: true, kind };
  }

  /** An account's current tier rank on a scorecard (its position in the rubric, excluded last); undefined before its first placement. */
  rankOf(scorecard: string, accountKey: string): number | undefined {
    const id = this.current.get(scorecard)?.get(accountKey);
    const card = this.cards.find((c) => c.id === scorecard);
    if (id === undefined || !card) return undefined;
    const index = card.tiers.findIndex((t) => t.id === id);
    return index >= 0 ? index + 1 : card.tiers.length + 1;
  }

  /** First placements seen so far, over all scorecards (an account tiered for the first time). */
  placedCount(): number {
    return this.placedTotal;
  }

  /** The distribution of a scorecard over its tiers (then excluded), in rubric order. */
  distribution(card: LoadedScorecard): { total: number; shares: TierShareLine[]; health: TopTierHealth; warning?: string } {
    const byAccount = this.current.get(card.id) ?? new Map<string, string>();
    const counts = new Map<string, number>();
    for (const tier of byAccount.values()) counts.set(tier, (counts.get(tier) ?? 0) + 1);
    const total = byAccount.size;
    const shares = [...card.tiers.map((t) => ({ id: t.id, name: t.name })), { id: card.excluded.id, name: card.excluded.name }].map((t) => {
      const count = counts.get(t.id) ?? 0;
      return { tier: t.id, name: t.name, count, share: total === 0 ? 0 : count / total };
    });
    const health = topTierHealth(shares[0]?.share ?? 0, total, card);
    const warning = topTierWarning(health, card, total);
    return { total, shares, health, ...(warning ? { warning } : {}) };
  }

  /** One summary line per scorecard (plus a warning line when the top tier is too full); resets the recent counts. */
  summary(clockLabel: string): string[] {
    const lines: string[] = [];
    const r = this.recent;
    const activity = [`${r.up} up`, `${r.down} down`, ...(r.placed > 0 ? [`${r.placed} placed`] : []), ...(r.moved > 0 ? [`${r.moved} quadrant moves`] : []), ...(r.hidden > 0 ? [`${r.hidden} changes not shown`] : [])].join(", ");
    for (const card of this.cards) {
      const d = this.distribution(card);
      const shares = d.shares.map((s) => `${s.name} ${(s.share * 100).toFixed(1)}% (${s.count})`).join(" | ");
      const name = this.cards.length > 1 ? ` ${card.id}` : "";
      lines.push(`── ${clockLabel}${name} · ${d.total} accounts · ${shares} · since last: ${activity}`);
      if (d.warning) lines.push(`   warning: ${d.warning}`);
    }
    this.recent = { placed: 0, up: 0, down: 0, moved: 0, hidden: 0 };
    return lines;
  }
}

