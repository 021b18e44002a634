import { describe, expect } from "vitest";
import { finalScoresOf, recomputeFinalState } from "@icpstream/pipeline";
import type { FinalScore } from "@icpstream/pipeline";
import { stackTest as test } from "@icpstream/testkit";
import { checkTierChanges, firstMismatch } from "./support/pipeline-checks.js";
import { marketFeed, Pipeline, type Feed } from "./support/pipeline-harness.js";

/**
 * The central test of the product (SPEC §4.1–4.2): a seeded market streamed through the
 * running fit, timing and combiner services ends exactly where the batch recompute of the
 * scoring package ends, at the same clock — also when the services are SIGKILLed and
 * restarted at random moments — and the tier-changed topic tells each account's story
 * once, in order, with no version skipped and no change published with two contents.
 */

// ~3,700 accounts give ~10k input events (one profile and ~1.8 signals each) over 120 days.
const MARKET = { seed: 20_261_001, accounts: 3_700, start: "2026-06-01T00:00:00.000Z", days: 120 };
/** The services' clock: a fixed instant after the last event, as the batch recompute sees it. */
const CLOCK = Date.parse("2026-10-01T00:00:00.000Z");

function oracle(pipeline: Pipeline, feed: Feed, now: number): FinalScore[] {
  return recomputeFinalState({ profiles: feed.profiles, signals: feed.signals.map((s) => s.event), rubric: pipeline.rubric, now });
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
    await pipeline.send({ profiles: feed.profiles, signals: feed.signals });
    const sent = Date.now() - started;
    const quiet = await pipeline.waitForQuiescence({ timeoutMs: 240_000, what: "the pipeline to apply every event" });
    const elapsed = Date.now() - started;

    const final = await expectStreamingEqualsBatch(pipeline, feed, CLOCK);
    const report = await expectTierChangeLogConsistent(pipeline, final);
    expect(await pipeline.deadLettered()).toBe(0);
    console.log(
      `[e2e steady] ${feed.size} input events (${feed.profiles.length} profiles, ${feed.signals.length} signals) sent in ${sent} ms; ` +
        `quiet after ${(elapsed / 1000).toFixed(1)} s = ${rate(feed.size, elapsed)} input events/s; ` +
        `applied fit ${quiet.applied.fit}, timing ${quiet.applied.timing}, combiner ${quiet.applied.combiner}; ` +
        `${report.changes} tier changes for ${report.accounts} accounts, ${report.duplicates} redelivered; ${final.length} account × scorecard entries`,
    );
  });
});
