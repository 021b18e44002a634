import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { foldOutcomeEvents, ProfileHistory, runBacktest } from "@icpstream/backtest";
import type { OutcomeEventV1, OutcomeScoredEventV1 } from "@icpstream/contracts";
import { decodeOutcomeCounts, OUTCOME_COUNTS, sumOutcomeCounts, toSignal } from "@icpstream/pipeline";
import type { TierOutcomeCounts } from "@icpstream/pipeline";
import type { AccountProfile } from "@icpstream/scoring";
import { stackTest as test, waitFor } from "@icpstream/testkit";
import type { ModelHealthView } from "@icpstream/outcomes";
import { DAY_MS, marketFeed, Pipeline, type Feed } from "./support/pipeline-harness.js";

/**
 * Issue 16, point 1: the outcome stage, running beside fit, timing and combiner, ends with
 * the counts `icp backtest` computes from the same events — per scorecard, rubric version
 * and tier at creation: opportunities, open, won, lost, won amount, days to close.
 *
 * The market is played in three steps. At each step the services' clock is set to the step's
 * instant T, the signals dated before T are sent and scored, then opportunities are created
 * at T (and earlier ones closed at T). The tier the pipeline gives an account at T is then
 * the tier the backtest recomputes for an opportunity created at T (its signals strictly
 * before T, decayed to T). Outcome events are sent while the stage may still be reading tier
 * changes: it must end the same whatever the interleaving.
 */
const MARKET = { seed: 16_016, accounts: 400, start: "2026-06-01T00:00:00.000Z", days: 120 };
const START = Date.parse(MARKET.start);
const STEPS = [START + 45 * DAY_MS, START + 80 * DAY_MS, START + 121 * DAY_MS];

/** A small deterministic choice per account and step (no Math.random: the same run every time). */
function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}

function outcomeEvents(feed: Feed, step: number, at: number): OutcomeEventV1[] {
  const iso = new Date(at).toISOString();
  const events: OutcomeEventV1[] = [];
  for (const profile of feed.profiles) {
    const account = profile.accountKey;
    const envelope = (id: string, n: string) => ({ eventId: `oe-${id}-${n}`, accountKey: account, occurredAt: iso, observedAt: iso, source: "crm-test", schemaVersion: 1 as const });
    // Created at this step: about one account in six.
    if (hash(`${account}/${step}`) % 6 === 0) {
      const id = `opp-${step}-${account}`;
      events.push({ type: "opportunity_created", ...envelope(id, "created"), opportunityId: id, createdAt: iso, amountUsd: 1_000 * (1 + (hash(id) % 90)) });
    }
    // Closed at this step: the deals created at the previous one, two thirds of them (won about one time in three).
    const previous = step - 1;
    if (previous >= 0 && hash(`${account}/${previous}`) % 6 === 0) {
      const id = `opp-${previous}-${account}`;
      const roll = hash(`${id}/close`) % 3;
      const createdAt = new Date(STEPS[previous] as number).toISOString();
      if (roll === 0) events.push({ type: "opportunity_closed_won", ...envelope(id, "won"), opportunityId: id, createdAt, closedAt: iso, amountUsd: 1_000 * (1 + (hash(id) % 90)) });
      if (roll === 1) events.push({ type: "opportunity_closed_lost", ...envelope(id, "lost"), opportunityId: id, createdAt, closedAt: iso, lostReason: "price" });
    }
  }
  return events;
}

test("the outcome stage's running counts per scorecard, rubric version and tier equal icp backtest's on the same events", { timeout: 300_000 }, async ({ stack, onTestFailed }) => {
  const feed = marketFeed(MARKET);
  expect(feed.lastEventAt).toBeLessThan(STEPS[2] as number);
  const pipeline = await Pipeline.create(stack, { clock: STEPS[0] as number });
  const outcomes = pipeline.extraService("outcomes");
  onTestFailed(() => console.log(`${pipeline.logTails()}\n\n${outcomes.tail(40)}`));
  pipeline.startAll();
  outcomes.start();
  await pipeline.waitUntilRunning();
  await waitFor(() => (outcomes.assertAlive(), outcomes.isRunning()), { timeoutMs: 60_000, what: "the outcome stage running" });

  const sent: OutcomeEventV1[] = [];
  let from = -Infinity;
  for (const [step, at] of STEPS.entries()) {
    pipeline.setClock(at);
    const signals = feed.signals.filter((s) => Date.parse(s.event.occurredAt) >= from && Date.parse(s.event.occurredAt) < at);
    await pipeline.send({ profiles: step === 0 ? feed.profiles : [], signals });
    await pipeline.waitForQuiescence({ timeoutMs: 120_000, what: `step ${step}: the pipeline to score the signals before ${new Date(at).toISOString()}` });
    const events = outcomeEvents(feed, step, at);
    await pipeline.sendOutcomes(events);
    sent.push(...events);
    from = at;
  }

  // The stage is done when it applied every message of its two inputs and its outbox is empty.
  const group = `${pipeline.groupPrefix}outcomes`;
  const shard = (partition: number) => ({ group, stream: "outcomes", partition });
  const partitions = Array.from({ length: pipeline.partitions }, (_, p) => p);
  await waitFor(
    async () => {
      outcomes.assertAlive();
      for (const spec of [pipeline.catalog.outcome, pipeline.catalog.tierChanged]) {
        const high = await pipeline.highWatermarks(spec.topic);
        const stored = await pipeline.store.loadStoredOffsets(group, spec.topic, partitions, "outcomes");
        for (const p of partitions) if ((stored.get(p) === null || stored.get(p) === undefined ? 0 : Number(stored.get(p)) + 1) !== high[p]) return false;
      }
      for (const p of partitions) if (Object.keys(await pipeline.store.readShared(shard(p), "outbox")).length > 0) return false;
      return true;
    },
    { timeoutMs: 60_000, intervalMs: 300, what: "the outcome stage to apply every outcome and tier change" },
  );
  expect(await pipeline.deadLettered()).toBe(0);

  const streamed = sumOutcomeCounts(await Promise.all(partitions.map(async (p) => decodeOutcomeCounts(await pipeline.store.readShared(shard(p), OUTCOME_COUNTS))))).filter((r) => r.opportunities > 0);

  // icp backtest's computation over the same events: profiles (undated: each account has one),
  // signals, and the opportunities folded from the outcome events.
  const folded = foldOutcomeEvents(sent);
  expect(folded.warnings).toEqual([]);
  const { runs } = runBacktest({
    rubrics: [pipeline.rubric],
    history: ProfileHistory.from({ undated: feed.profiles as unknown as AccountProfile[] }),
    signals: feed.signals.map((s) => toSignal(s.event)),
    opportunities: folded.opportunities,
    asOf: STEPS[2] as number,
  });
  const batch: TierOutcomeCounts[] = [];
  for (const run of runs) {
    for (const row of run.report.tiers) {
      const scored = run.pointInTime.scored.filter((s) => s.score.result.tier.id === row.tier);
      const won = scored.filter((s) => s.opportunity.stage === "won");
      if (row.opportunities === 0) continue;
      batch.push({
        scorecard: run.card.id,
        rubricVersion: { hash: run.rubric.version.hash, ...(run.rubric.version.label ? { label: run.rubric.version.label } : {}) },
        tier: { id: row.tier, name: row.name, rank: row.rank },
        excluded: row.excluded,
        opportunities: row.opportunities,
        open: row.open,
        won: row.won,
        lost: row.lost,
        wonAmountUsd: won.reduce((sum, s) => sum + (s.opportunity.amount ?? 0), 0),
        wonWithAmount: won.filter((s) => s.opportunity.amount !== undefined).length,
        wonDaysToClose: won.reduce((sum, s) => sum + (Date.parse(s.opportunity.closedAt as string) - Date.parse(s.opportunity.createdAt)) / DAY_MS, 0),
      });
    }
    expect(run.pointInTime.unscored).toEqual([]);
  }
  const view = (rows: readonly TierOutcomeCounts[]) => rows.map((r) => `${r.scorecard}/${r.rubricVersion.hash.slice(0, 8)}/${r.tier.id}: ${r.opportunities} opp, ${r.open} open, ${r.won} won, ${r.lost} lost, $${Math.round(r.wonAmountUsd)} won (${r.wonWithAmount}), ${r.wonDaysToClose.toFixed(3)} days`).sort();
  console.log(`outcome stage vs backtest over ${folded.opportunities.length} opportunities:\n  ${view(streamed).join("\n  ")}`);
  expect(view(streamed)).toEqual(view(batch));
  expect(streamed.reduce((n, r) => n + r.opportunities, 0)).toBe(folded.opportunities.length * runs.length);
  expect(streamed.some((r) => r.won > 0 && r.tier.rank === 1)).toBe(true);

  // The topic tells the same: the newest revision per opportunity and scorecard, grouped by the tier at creation.
  const newest = new Map<string, OutcomeScoredEventV1>();
  for (const { event } of await pipeline.readTopic(pipeline.catalog.outcomeScored)) {
    const key = `${event.opportunityId}/${event.scorecard}`;
    if ((newest.get(key)?.revision ?? 0) < event.revision) newest.set(key, event);
  }
  expect(newest.size).toBe(folded.opportunities.length * runs.length);
  for (const row of streamed) {
    const inTier = [...newest.values()].filter((e) => e.scorecard === row.scorecard && e.atCreation.tier.id === row.tier.id && e.atCreation.rubricVersion.hash === row.rubricVersion.hash);
    expect(inTier.length).toBe(row.opportunities);
    expect(inTier.filter((e) => e.stage === "won").length).toBe(row.won);
  }

  // Point 2: the same counts, live, as model health on the stage's ops server.
  const ops = /"ops":"http:\/\/[^:]+:(\d+)"/.exec(readFileSync(outcomes.logFile, "utf8"))?.[1];
  expect(ops).toBeDefined();
  const health = (await (await fetch(`http://127.0.0.1:${ops}/model-health`)).json()) as ModelHealthView;
  const model = health.models.find((m) => m.rubricVersion?.hash === pipeline.rubric.version.hash);
  expect(model?.tiers.filter((t) => t.opportunities > 0).map((t) => [t.tier, t.opportunities, t.won, t.lost])).toEqual(streamed.map((r) => [r.tier.id, r.opportunities, r.won, r.lost]));
  const report = runs[0]!.report;
  expect(model?.tiers.filter((t) => t.won + t.lost > 0).map((t) => [t.tier, t.winRateInterval, t.lift])).toEqual(report.tiers.filter((t) => t.won + t.lost > 0).map((t) => [t.tier, t.winRateInterval, t.lift]));
  expect(model?.verdicts.find((v) => v.kind.startsWith("lift") || v.kind === "no_lift" || v.kind === "not_enough_evidence")?.kind).toBe(report.verdicts.find((v) => v.kind.startsWith("lift") || v.kind === "no_lift" || v.kind === "not_enough_evidence")?.kind);
  const metrics = await (await fetch(`http://127.0.0.1:${ops}/metrics`)).text();
  expect(metrics).toMatch(/outcome_win_rate\{scorecard="enterprise",rubric="[0-9a-f]{12}",tier="tier1",service="outcomes"\} /);
  expect(metrics).toMatch(/model_verdict\{/);
});
