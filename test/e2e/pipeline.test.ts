import { describe, expect } from "vitest";
import { finalScoresOf, recomputeFinalState } from "@icpstream/pipeline";
import type { FinalScore } from "@icpstream/pipeline";
import { stackTest as test } from "@icpstream/testkit";
import { runChaos } from "./support/chaos.js";
import { checkTierChanges, firstMismatch } from "./support/pipeline-checks.js";
import { DAY_MS, marketFeed, Pipeline, type Feed } from "./support/pipeline-harness.js";

/**
 * The central test of the product (SPEC §4.1–4.2): a seeded market streamed through the
 * running fit, timing and combiner services ends exactly where the batch recompute of the
 * scoring package ends, at the same clock — also when the services are SIGKILLed and
 * restarted at random moments — and the tier-changed topic tells each account's story
 * once, in order, with no version skipped and no change published with two contents.
 */

// ~2,000 accounts give ~10k input events (one profile and ~4.2 signals each) over 120 days.
const MARKET = { seed: 20_261_001, accounts: 2_000, start: "2026-06-01T00:00:00.000Z", days: 120 };
/** The services' clock: a fixed instant after the last event, as the batch recompute sees it. */
const CLOCK = Date.parse("2026-10-01T00:00:00.000Z");

function oracle(pipeline: Pipeline, feed: Feed, now: number): FinalScore[] {
  return recomputeFinalState({ profiles: feed.profiles, contacts: feed.contacts, signals: feed.signals.map((s) => s.event), rubric: pipeline.rubric, now });
}

/** Compares the combiner's end state with the batch recompute; on a difference, shows both sides and what timing holds for that account. */
async function expectStreamingEqualsBatch(pipeline: Pipeline, feed: Feed, now: number): Promise<FinalScore[]> {
  const streaming = finalScoresOf(await pipeline.combinerStates(), pipeline.rubric);
  const batch = oracle(pipeline, feed, now);
  const mismatch = firstMismatch(streaming, batch);
  if (mismatch) {
    const account = mismatch.key.split("/")[0] as string;
    console.log(
      `${mismatch.count} of ${batch.length} entries differ; first: ${mismatch.key}\n` +
        `streaming: ${JSON.stringify(mismatch.streaming, null, 1)}\nbatch:     ${JSON.stringify(mismatch.batch, null, 1)}\n` +
        `timing state: ${JSON.stringify(await pipeline.timingStateOf(account))}\n` +
        `signals: ${JSON.stringify(feed.signals.filter((s) => s.event.accountKey === account).map((s) => [s.event.type, s.event.occurredAt]))}`,
    );
  }
  expect(mismatch, "first account whose streaming end state differs from the batch recompute").toBeNull();
  expect(streaming.length).toBe(batch.length);
  return batch;
}

async function expectTierChangeLogConsistent(pipeline: Pipeline, final: readonly FinalScore[]) {
  const log = await pipeline.readTopic(pipeline.catalog.tierChanged);
  const report = checkTierChanges(log, final, await pipeline.combinerStates());
  expect(report.problems.slice(0, 10)).toEqual([]);
  return report;
}

const rate = (events: number, ms: number) => Math.round(events / (ms / 1000));

/** The feed cut into `count` slices, each with its share of profiles and of signals (in occurrence order). */
function chunks(feed: Feed, count: number): Pick<Feed, "profiles" | "contacts" | "signals">[] {
  const slice = <T>(list: readonly T[], i: number) => list.slice(Math.floor((list.length * i) / count), Math.floor((list.length * (i + 1)) / count));
  return Array.from({ length: count }, (_, i) => ({ profiles: slice(feed.profiles, i), contacts: slice(feed.contacts, i), signals: slice(feed.signals, i) }));
}

/** Seed of the chaos loop's choices (which service, how long between kills); set ICP_E2E_CHAOS_SEED to try others. */
const CHAOS_SEED = Number(process.env.ICP_E2E_CHAOS_SEED ?? 4_242);

describe("the streaming pipeline ends where the batch recompute ends", () => {
  test("ten thousand seeded events through fit, timing and combiner give every account the fit, timing and tier of the batch recompute, and the tier-changed topic tells each account's changes once, in version order", { timeout: 300_000 }, async ({ stack, onTestFailed }) => {
    const feed = marketFeed(MARKET);
    expect(feed.size).toBeGreaterThanOrEqual(10_000);
    expect(feed.lastEventAt).toBeLessThan(CLOCK);
    const pipeline = await Pipeline.create(stack, { clock: CLOCK });
    onTestFailed(() => console.log(pipeline.logTails()));

    pipeline.startAll();
    await pipeline.waitUntilRunning();
    const started = Date.now();
    await pipeline.send({ profiles: feed.profiles, contacts: feed.contacts, signals: feed.signals });
    const sent = Date.now() - started;
    const quiet = await pipeline.waitForQuiescence({ timeoutMs: 240_000, what: "the pipeline to apply every event" });
    const elapsed = Date.now() - started;

    const final = await expectStreamingEqualsBatch(pipeline, feed, CLOCK);
    const report = await expectTierChangeLogConsistent(pipeline, final);
    expect(await pipeline.deadLettered()).toBe(0);
    console.log(
      `[e2e steady] ${feed.size} input events (${feed.profiles.length} profiles, ${feed.contacts.length} contacts, ${feed.signals.length} signals) sent in ${sent} ms; ` +
        `quiet after ${(elapsed / 1000).toFixed(1)} s = ${rate(feed.size, elapsed)} input events/s; ` +
        `applied fit ${quiet.applied.fit}, timing ${quiet.applied.timing}, combiner ${quiet.applied.combiner}; ` +
        `${report.changes} tier changes for ${report.accounts} accounts, ${report.duplicates} redelivered; ${final.length} account × scorecard entries`,
    );
  });

  test("SIGKILLing each service at random moments and restarting it changes nothing: the same end state as the batch recompute, no tier-change version skipped, none published with two contents", { timeout: 360_000 }, async ({ stack, onTestFailed }) => {
    const feed = marketFeed(MARKET);
    const pipeline = await Pipeline.create(stack, { clock: CLOCK });
    onTestFailed(() => console.log(pipeline.logTails()));
    pipeline.startAll();
    await pipeline.waitUntilRunning();

    const started = Date.now();
    let sent = 0;
    const producing = (async () => {
      // Paced so that the kills land while every service still has work in hand.
      for (const chunk of chunks(feed, 20)) {
        await pipeline.send(chunk);
        sent++;
        await new Promise((resolve) => setTimeout(resolve, 1_500));
      }
    })();
    const kills = await runChaos(pipeline, {
      seed: CHAOS_SEED,
      progress: async () => {
        const { applied } = await pipeline.progress();
        return (applied.fit + applied.timing) / feed.size;
      },
      feedDone: () => sent === 20,
      killEachAfter: 0.2,
      minKills: 6,
      maxKills: 12,
      gapMs: [1_000, 6_000],
      downMs: [200, 1_500],
      // The chaos takes at most three minutes; the test's own timeout leaves room to settle.
      deadline: Date.now() + 180_000,
    });
    await producing;
    const quiet = await pipeline.waitForQuiescence({ timeoutMs: 240_000, what: "the pipeline to apply every event after the kills" });
    const elapsed = Date.now() - started;

    const final = await expectStreamingEqualsBatch(pipeline, feed, CLOCK);
    const report = await expectTierChangeLogConsistent(pipeline, final);
    expect(await pipeline.deadLettered()).toBe(0);
    const killedAfterFifth = new Set(kills.filter((k) => k.progress >= 0.2 && k.wasRunning).map((k) => k.service));
    console.log(
      `[e2e crash] chaos seed ${CHAOS_SEED}; ${kills.length} SIGKILLs: ${kills.map((k) => `${k.service}@${k.atSeconds}s/${Math.round(k.progress * 100)}%${k.wasRunning ? "" : " (starting)"}`).join(", ")}; ` +
        `${feed.size} input events quiet after ${(elapsed / 1000).toFixed(1)} s = ${rate(feed.size, elapsed)} input events/s; ` +
        `applied fit ${quiet.applied.fit}, timing ${quiet.applied.timing}, combiner ${quiet.applied.combiner}; ` +
        `${report.changes} tier changes for ${report.accounts} accounts, ${report.duplicates} redelivered byte-identical; ` +
        `shards claimed ${pipeline.services.fit.count(/"msg":"claimed shard"/)}/${pipeline.services.timing.count(/"msg":"claimed shard"/)}/${pipeline.services.combiner.count(/"msg":"claimed shard"/)} (fit/timing/combiner), ` +
        `fenced ${pipeline.services.fit.count(/"msg":"fenced/) + pipeline.services.timing.count(/"msg":"fenced/) + pipeline.services.combiner.count(/"msg":"fenced/)}`,
    );
    expect([...killedAfterFifth].sort(), "every service SIGKILLed while consuming at least once after 20% of the feed was applied").toEqual(["combiner", "fit", "timing"]);
  });

  test("with no new events, moving the clock past 30, 60 and 90 days lets the timing service decay the accounts the batch recompute says fall a tier, and only those get a tier change", { timeout: 240_000 }, async ({ stack, onTestFailed }) => {
    // A smaller market of its own: ~1,600 events, with accounts whose signals cross each decay boundary.
    const feed = marketFeed({ seed: 7, accounts: 300, start: MARKET.start, days: MARKET.days });
    const pipeline = await Pipeline.create(stack, { clock: CLOCK });
    onTestFailed(() => console.log(pipeline.logTails()));
    pipeline.startAll();
    await pipeline.waitUntilRunning();
    await pipeline.send({ profiles: feed.profiles, contacts: feed.contacts, signals: feed.signals });
    await pipeline.waitForQuiescence({ timeoutMs: 120_000, what: "the pipeline to apply the decay market" });
    let before = await expectStreamingEqualsBatch(pipeline, feed, CLOCK);
    let published = new Set((await pipeline.readTopic(pipeline.catalog.tierChanged)).map((m) => m.event.eventId));

    const figures: string[] = [];
    for (const days of [31, 61, 91]) {
      const stepStarted = Date.now();
      const now = CLOCK + days * DAY_MS;
      pipeline.setClock(now);
      // Quiet includes "no decay re-evaluation due at the new clock" in every timing shard.
      await pipeline.waitForQuiescence({ timeoutMs: 60_000, what: `decay at +${days} days` });
      const after = await expectStreamingEqualsBatch(pipeline, feed, now);

      const previous = new Map(before.map((s) => [s.accountKey, s]));
      const fell = after.filter((s) => s.tier && (previous.get(s.accountKey)?.tier?.rank ?? Infinity) < s.tier.rank).map((s) => s.accountKey);
      const moved = after.filter((s) => JSON.stringify([s.tier?.id, s.tier?.quadrant]) !== JSON.stringify([previous.get(s.accountKey)?.tier?.id, previous.get(s.accountKey)?.tier?.quadrant])).map((s) => s.accountKey);
      expect(fell.length, `accounts the batch recompute drops a tier at +${days} days`).toBeGreaterThan(0);

      const log = await pipeline.readTopic(pipeline.catalog.tierChanged);
      const fresh = log.filter((m) => !published.has(m.event.eventId)).map((m) => m.event);
      published = new Set(log.map((m) => m.event.eventId));
      // Exactly the accounts whose tier or quadrant moved got a change, and the fallen ones got their lower tier.
      expect([...new Set(fresh.map((e) => e.accountKey))].sort()).toEqual([...new Set(moved)].sort());
      const current = new Map(after.map((s) => [s.accountKey, s]));
      for (const account of fell) {
        const change = fresh.filter((e) => e.accountKey === account).at(-1);
        expect({ account, from: change?.previousTier?.id, to: change?.tier.id }).toEqual({ account, from: previous.get(account)?.tier?.id, to: current.get(account)?.tier?.id });
      }
      figures.push(`+${days}d: ${fell.length} fell a tier, ${moved.length} changed, quiet in ${((Date.now() - stepStarted) / 1000).toFixed(1)} s`);
      before = after;
    }
    await expectTierChangeLogConsistent(pipeline, before);
    console.log(`[e2e decay] ${feed.size} input events, then the clock alone: ${figures.join("; ")}`);
  });
});
