import { combine } from "@icpstream/scoring";
import type { AccountScore, LoadedScorecard, Tier } from "@icpstream/scoring";

/**
 * Re-tiering already computed scores under candidate thresholds, without scoring again:
 * the tier is the engine's own `combine` of the score's fit and timing with the candidate
 * tiers (so exclusion, the hold at the second tier and the strong-intent lift apply exactly
 * as in production). A threshold search asks this many times, so scores are grouped by the
 * parts `combine` reads — total, components, fit and timing scores, exclusion, timing
 * signal, strong intent — and each group is combined once per candidate.
 */
export class Retier {
  private readonly groups: { score: AccountScore; members: number[] }[];

  constructor(
    private readonly card: LoadedScorecard,
    scores: readonly AccountScore[],
  ) {
    const bySignature = new Map<string, { score: AccountScore; members: number[] }>();
    scores.forEach((score, i) => {
      const key = signature(score);
      const group = bySignature.get(key);
      if (group) group.members.push(i);
      else bySignature.set(key, { score, members: [i] });
    });
    this.groups = [...bySignature.values()];
  }

  /** Tier rank (1 = top; tiers + 1 = excluded) of every score, in input order, under these minimums (one per tier, top down). */
  ranks(mins: readonly number[], total: number): Int32Array {
    const tiers: Tier[] = this.card.tiers.map((t, i) => ({ ...t, min: mins[i] ?? t.min }));
    const candidate = { ...this.card, tiers };
    const ranks = new Int32Array(total);
    for (const group of this.groups) {
      const rank = combine(group.score.fit, group.score.timing, candidate).tier.rank;
      for (const i of group.members) ranks[i] = rank;
    }
    return ranks;
  }
}

function signature(s: AccountScore): string {
  const components = Object.keys(s.result.components)
    .sort()
    .map((k) => `${k}=${s.result.components[k]}`)
    .join(",");
  return `${s.result.total}|${components}|${s.fit.score}|${s.timing.score}|${s.fit.excluded}|${s.timing.hasTimingSignal}|${s.timing.strongIntent}`;
}
