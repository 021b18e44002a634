import { Gauge } from "prom-client";
import type { Registry } from "prom-client";
import { liveModelHealth } from "@icpstream/backtest";
import type { LiveHealth } from "@icpstream/backtest";
import { decodeOutcomeCounts, decodePoolCounts, OUTCOME_COUNTS, POOL_COUNTS, sumOutcomeCounts, sumPoolCounts } from "@icpstream/pipeline";
import type { PartitionStateStore, ShardRef } from "@icpstream/redis-kit";

/**
 * Live model health, beside the outcome stage: its running counts (every partition's
 * `outcome-counts` and `pool-counts`, summed) through the backtest's statistics and verdicts
 * (`liveModelHealth`), read afresh at most once a second, served two ways:
 * - `GET /model-health` on the ops server: `{ generatedAt, models: LiveHealth[] }`, one per
 *   scorecard × rubric version that has opportunities (a scorecard with a pool and none yet
 *   gets one with `rubricVersion: null`);
 * - Prometheus gauges on `/metrics` (`rubric` is the first 12 hex digits of the rubric hash):
 *   `outcome_opportunities{scorecard,rubric,tier,stage}` (stage open|won|lost),
 *   `outcome_win_rate{scorecard,rubric,tier}` (0–1) and `outcome_win_rate_interval{…,bound}`
 *   (95% Wilson), `outcome_top_tier_lift{scorecard,rubric}` and `…_interval{…,bound}` (Katz),
 *   `outcome_won_amount_usd{…,tier}`, `outcome_mean_days_to_close{…,tier}`,
 *   `pool_tier_share{scorecard,tier}` (0–1), `pool_top_tier_share_band{scorecard,bound}`, and
 *   `model_verdict{scorecard,rubric,kind,severity}` = 1 for each verdict that holds now —
 *   alert on `model_verdict{kind="adjacent_same_rate"}` (the top two tiers close at the same rate).
 * Every instance reads the same Redis counts: aggregate with `max`, not `sum`.
 */
export interface ModelHealthOptions {
  store: Pick<PartitionStateStore, "readShared">;
  /** The stage's consumer group and shard stream (where its counts live). */
  groupId: string;
  stream: string;
  /** The partition count of the stage's inputs (read once from the broker). */
  partitions(): Promise<number>;
  registry: Registry;
  targetTopShare?: { low: number; high: number };
  minClosedDeals?: number;
  /** For tests; the current time as ISO. */
  now?: () => string;
}

export interface ModelHealthView {
  generatedAt: string;
  models: (Omit<LiveHealth, "rubricVersion"> & { rubricVersion: LiveHealth["rubricVersion"] | null })[];
}

export interface ModelHealth {
  read(): Promise<ModelHealthView>;
  routes: Record<string, () => Promise<ModelHealthView>>;
}

const short = (hash: string | undefined) => (hash ?? "none").slice(0, 12);

export function startModelHealth(options: ModelHealthOptions): ModelHealth {
  const now = options.now ?? (() => new Date().toISOString());
  let cached: { at: number; view: Promise<ModelHealthView> } | undefined;

  const compute = async (): Promise<ModelHealthView> => {
    const count = await options.partitions();
    const shards: ShardRef[] = Array.from({ length: count }, (_, partition) => ({ group: options.groupId, stream: options.stream, partition }));
    const counts = sumOutcomeCounts(await Promise.all(shards.map(async (s) => decodeOutcomeCounts(await options.store.readShared(s, OUTCOME_COUNTS)))));
    const pool = sumPoolCounts(await Promise.all(shards.map(async (s) => decodePoolCounts(await options.store.readShared(s, POOL_COUNTS)))));
    const scorecards = [...new Set([...counts.map((c) => c.scorecard), ...pool.map((p) => p.scorecard)])].sort();
    const models: ModelHealthView["models"] = [];
    for (const scorecard of scorecards) {
      const cardPool = pool.filter((p) => p.scorecard === scorecard);
      const rubrics = [...new Map(counts.filter((c) => c.scorecard === scorecard).map((c) => [c.rubricVersion.hash, c.rubricVersion])).values()];
      const settings = { ...(options.targetTopShare ? { targetTopShare: options.targetTopShare } : {}), ...(options.minClosedDeals !== undefined ? { minClosedDeals: options.minClosedDeals } : {}) };
      if (rubrics.length === 0) {
        models.push({ ...liveModelHealth({ scorecard, rubricVersion: { hash: "" }, tiers: [], pool: cardPool, ...settings }), rubricVersion: null });
        continue;
      }
      for (const rubricVersion of rubrics) {
        const tiers = counts.filter((c) => c.scorecard === scorecard && c.rubricVersion.hash === rubricVersion.hash);
        models.push(liveModelHealth({ scorecard, rubricVersion, tiers, pool: cardPool, ...settings }));
      }
    }
    return { generatedAt: now(), models };
  };

  // One read of the counts serves a scrape's gauges and any request within the same second.
  const read = (): Promise<ModelHealthView> => {
    const at = Date.now();
    if (!cached || at - cached.at > 1000) {
      const view = compute();
      cached = { at, view };
      view.catch(() => (cached = undefined));
    }
    return cached.view;
  };

  const registers = [options.registry];
  const gauge = (name: string, help: string, labelNames: string[], fill: (set: (labels: Record<string, string>, value: number) => void, view: ModelHealthView) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        const view = await read();
        this.reset();
        fill((labels, value) => this.set(labels, value), view);
      },
    });
  const eachTier = (view: ModelHealthView, f: (labels: Record<string, string>, row: LiveHealth["tiers"][number]) => void) => {
    for (const m of view.models) for (const row of m.tiers) f({ scorecard: m.scorecard, rubric: short(m.rubricVersion?.hash), tier: row.tier }, row);
  };

  gauge("outcome_opportunities", "Opportunities by the tier the account was in when each was created, by stage (open, won, lost).", ["scorecard", "rubric", "tier", "stage"], (set, view) =>
    eachTier(view, (labels, row) => {
      set({ ...labels, stage: "open" }, row.open);
      set({ ...labels, stage: "won" }, row.won);
      set({ ...labels, stage: "lost" }, row.lost);
    }),
  );
  gauge("outcome_win_rate", "Won / closed by the tier at creation, 0-1 (absent without a closed deal).", ["scorecard", "rubric", "tier"], (set, view) =>
    eachTier(view, (labels, row) => {
      if (row.winRate !== null) set(labels, row.winRate);
    }),
  );
  gauge("outcome_win_rate_interval", "The win rate's 95% Wilson interval, 0-1.", ["scorecard", "rubric", "tier", "bound"], (set, view) =>
    eachTier(view, (labels, row) => {
      if (!row.winRateInterval) return;
      set({ ...labels, bound: "low" }, row.winRateInterval.low);
      set({ ...labels, bound: "high" }, row.winRateInterval.high);
    }),
  );
  gauge("outcome_won_amount_usd", "Won amount (USD) by the tier at creation.", ["scorecard", "rubric", "tier"], (set, view) => eachTier(view, (labels, row) => set(labels, row.wonAmountUsd)));
  gauge("outcome_mean_days_to_close", "Mean days from creation to close of won deals, by the tier at creation.", ["scorecard", "rubric", "tier"], (set, view) =>
    eachTier(view, (labels, row) => {
      if (row.meanDaysToClose !== null) set(labels, row.meanDaysToClose);
    }),
  );
  gauge("outcome_top_tier_lift", "The top tier's win rate over the baseline tier's (the references ask for 2x or more).", ["scorecard", "rubric"], (set, view) => {
    for (const m of view.models) if (m.topLift?.ratio !== null && m.topLift?.ratio !== undefined && Number.isFinite(m.topLift.ratio)) set({ scorecard: m.scorecard, rubric: short(m.rubricVersion?.hash) }, m.topLift.ratio);
  });
  gauge("outcome_top_tier_lift_interval", "The top tier lift's 95% Katz log interval.", ["scorecard", "rubric", "bound"], (set, view) => {
    for (const m of view.models) {
      const interval = m.topLift?.interval;
      if (!interval) continue;
      const labels = { scorecard: m.scorecard, rubric: short(m.rubricVersion?.hash) };
      if (Number.isFinite(interval.low)) set({ ...labels, bound: "low" }, interval.low);
      if (Number.isFinite(interval.high)) set({ ...labels, bound: "high" }, interval.high);
    }
  });
  gauge("pool_tier_share", "Share of the pool (accounts with a tier on the scorecard) in each tier now, 0-1.", ["scorecard", "tier"], (set, view) => {
    const seen = new Set<string>();
    for (const m of view.models) {
      if (seen.has(m.scorecard)) continue;
      seen.add(m.scorecard);
      for (const row of m.tiers) set({ scorecard: m.scorecard, tier: row.tier }, row.poolShare);
    }
  });
  gauge("pool_top_tier_share_band", "The healthy share of the pool in the top tier (methodology: roughly 10-15%).", ["scorecard", "bound"], (set, view) => {
    for (const m of view.models) {
      set({ scorecard: m.scorecard, bound: "min" }, m.pool.target.low);
      set({ scorecard: m.scorecard, bound: "max" }, m.pool.target.high);
    }
  });
  gauge("model_verdict", "1 for each backtest verdict that holds on the live counts now (kind as in icp backtest).", ["scorecard", "rubric", "kind", "severity"], (set, view) => {
    for (const m of view.models) for (const v of m.verdicts) set({ scorecard: m.scorecard, rubric: short(m.rubricVersion?.hash), kind: v.kind, severity: v.severity }, 1);
  });

  return { read, routes: { "/model-health": read } };
}
