import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "vitest";
import type { TierChangedEventV1 } from "@icpstream/contracts";
import { finalScoresOf, recomputeFinalState, tierChangeVersion } from "@icpstream/pipeline";
import type { FinalScore } from "@icpstream/pipeline";
import { parseRubric, type Rubric } from "@icpstream/scoring";
import { stackTest as test, waitFor } from "@icpstream/testkit";
import { checkTierChanges, firstMismatch } from "./support/pipeline-checks.js";
import { marketFeed, Pipeline, RUBRIC_PATH, type Feed } from "./support/pipeline-harness.js";
import { REPO_ROOT } from "./support/service-process.js";

const run = promisify(execFile);

/**
 * Issue 16, point 3 (safe rollout): `icp rubric promote` makes a candidate rubric live while
 * the pipeline runs and events keep arriving; fit and timing re-score every account, the
 * combiner publishes the tier changes that follow under the new rubric version, and the
 * pipeline ends where the batch recompute under the candidate ends. `icp rubric rollback` to
 * the first file ends where the batch recompute under it ends, also with fit SIGKILLed while it
 * re-scores. The tier-changed topic stays gap-free throughout.
 */
const MARKET = { seed: 16_016, accounts: 400, start: "2026-06-01T00:00:00.000Z", days: 90 };
const CLOCK = Date.parse("2026-09-01T00:00:00.000Z");

function expectEndsAsBatch(streaming: readonly FinalScore[], batch: readonly FinalScore[], what: string): void {
  const mismatch = firstMismatch(streaming, batch);
  if (mismatch) console.log(`${what}: ${mismatch.count} of ${batch.length} differ; first ${mismatch.key}\nstreaming: ${JSON.stringify(mismatch.streaming)}\nbatch:     ${JSON.stringify(mismatch.batch)}`);
  expect(mismatch, `${what}: first account whose streaming end state differs from the batch recompute`).toBeNull();
  expect(streaming.length).toBe(batch.length);
}

test("a rubric promoted while events arrive, then rolled back, ends where the batch recompute under each rubric ends", { timeout: 300_000 }, async ({ stack, onTestFailed }) => {
  const feed = marketFeed(MARKET);
  const pipeline = await Pipeline.create(stack, { clock: CLOCK });
  onTestFailed(() => console.log(pipeline.logTails(40)));
  const candidatePath = join(pipeline.dir, "candidate.yaml");
  writeFileSync(candidatePath, readFileSync(RUBRIC_PATH, "utf8").replace("min: 75", "min: 62").replace("label: enterprise 2026-Q4", "label: enterprise candidate"));
  const candidate = parseRubric(readFileSync(candidatePath, "utf8"), candidatePath);
  const live = pipeline.rubric;
  expect(candidate.version.hash).not.toBe(live.version.hash);
  const icp = async (...args: string[]) => {
    const { stdout } = await run(process.execPath, [join(REPO_ROOT, "services/cli/bin/icp.mjs"), ...args], { cwd: REPO_ROOT, env: { ...process.env, ...pipeline.settings() }, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  };
  const batch = (rubric: Rubric, signals: Feed["signals"]) => recomputeFinalState({ profiles: feed.profiles, contacts: feed.contacts, signals: signals.map((s) => s.event), rubric, now: CLOCK });
  const streaming = async (rubric: Rubric) => finalScoresOf(await pipeline.combinerStates(), rubric);

  pipeline.startAll();
  await pipeline.waitUntilRunning();
  const half = Math.floor(feed.signals.length / 2);
  const firstHalf = feed.signals.slice(0, half);
  await pipeline.send({ profiles: feed.profiles, contacts: feed.contacts, signals: firstHalf });
  await pipeline.waitForQuiescence({ timeoutMs: 120_000, what: "the pipeline to apply the first half of the feed" });
  expectEndsAsBatch(await streaming(live), batch(live, firstHalf), "before the promotion");
  const toldBefore = new Set((await pipeline.readTopic(pipeline.catalog.tierChanged)).map((m) => m.event.eventId));

  // Promote while the second half of the signals streams in: the pipeline is never stopped.
  const promoting = icp("rubric", "promote", candidatePath);
  await pipeline.send({ signals: feed.signals.slice(half) });
  const promoted = await promoting;
  console.log(promoted.trim());
  expect(promoted).toMatch(/as promotion 1, on 3 partitions/);
  expect(promoted).toMatch(/done in [\d.]+ s/);
  await pipeline.waitForQuiescence({ timeoutMs: 120_000, what: "the pipeline to settle after the promotion" });
  const statesAfterPromotion = await pipeline.combinerStates();
  expect(new Set(statesAfterPromotion.map((s) => `${s.epoch}:${s.rubricHash}`))).toEqual(new Set([`1:${candidate.version.hash}`]));
  const underCandidate = batch(candidate, feed.signals);
  expectEndsAsBatch(await streaming(candidate), underCandidate, "after the promotion");
  const moved = underCandidate.filter((c) => c.tier?.id !== batch(live, feed.signals).find((l) => l.accountKey === c.accountKey && l.scorecard === c.scorecard)?.tier?.id).length;
  expect(moved).toBeGreaterThan(0);

  const toldAfterPromotion = new Set((await pipeline.readTopic(pipeline.catalog.tierChanged)).map((m) => m.event.eventId));

  // Why an account has its tier now: explained under the rubric it is tiered under, the promoted one.
  const explained = await icp("explain", feed.profiles[0]!.accountKey, "--live");
  expect(explained).toMatch(/tiered under rubric promotion 1/);
  expect(explained).toContain("enterprise candidate");

  // Which promotion each partition runs, as RevOps would ask.
  const status = await icp("rubric", "status");
  expect(status.split("\n").filter((l) => /^(fit|timing)\t/.test(l)).map((l) => l.split("\t")[2])).toEqual(Array(6).fill("1"));

  // Roll back to the first file: promotion 2, the batch recompute under the first rubric again —
  // with fit SIGKILLed while it re-scores and started again: the next holder goes on with what is left.
  const rollingBack = icp("rubric", "rollback", RUBRIC_PATH);
  const fitShards = [0, 1, 2].map((partition) => ({ group: `${pipeline.groupPrefix}fit`, stream: pipeline.catalog.firmographic.topic, partition }));
  await waitFor(async () => (await Promise.all(fitShards.map((shard) => pipeline.store.readShared(shard, "rubric")))).some((r) => r.epoch === "2"), { timeoutMs: 30_000, intervalMs: 10, what: "a fit partition on promotion 2" });
  await pipeline.services.fit.kill();
  pipeline.services.fit.start();
  const rolledBack = await rollingBack;
  console.log(rolledBack.trim());
  expect(rolledBack).toMatch(/rolled back to .* as promotion 2/);
  await pipeline.waitForQuiescence({ timeoutMs: 120_000, what: "the pipeline to settle after the rollback" });
  expect(new Set((await pipeline.combinerStates()).map((s) => `${s.epoch}:${s.rubricHash}`))).toEqual(new Set([`2:${live.version.hash}`]));
  const final = batch(live, feed.signals);
  expectEndsAsBatch(await streaming(live), final, "after the rollback");

  // The tier-changed topic through it all: versions gap-free, no change told twice with two
  // contents, the last change per account the final tier; changes after each step carry its rubric.
  const log = await pipeline.readTopic(pipeline.catalog.tierChanged);
  const report = checkTierChanges(log, final, await pipeline.combinerStates());
  expect(report.problems.slice(0, 10)).toEqual([]);
  const hashes = new Set(log.map((m) => (m.event as TierChangedEventV1).rubricVersion.hash));
  expect(hashes).toEqual(new Set([live.version.hash, candidate.version.hash]));
  // The rollback tells the moves back: one change per account the candidate had moved, nothing for the rest.
  const rollbackChanges = [...new Map(log.filter((m) => !toldAfterPromotion.has(m.event.eventId)).map((m) => [m.event.eventId, m.event as TierChangedEventV1])).values()];
  expect(rollbackChanges.every((e) => e.rubricVersion.hash === live.version.hash)).toBe(true);
  expect(new Set(rollbackChanges.map((e) => e.accountKey)).size).toBe(rollbackChanges.length);
  expect(rollbackChanges.length).toBe(moved);
  expect(Math.max(...log.map((m) => tierChangeVersion(m.event as TierChangedEventV1)))).toBeGreaterThan(1);
  console.log(`promote/rollback: ${toldBefore.size} tier changes before the promotion, ${toldAfterPromotion.size - toldBefore.size} during it (with the second half of the signals), ${rollbackChanges.length} at the rollback; ${moved} account × scorecard tiers differ under the candidate`);
  expect(await pipeline.deadLettered()).toBe(0);
});
