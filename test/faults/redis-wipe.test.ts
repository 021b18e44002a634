import { describe, expect } from "vitest";
import { tierChangeVersion } from "@icpstream/pipeline";
import { stackTest as test } from "@icpstream/testkit";
import { checkTierChanges } from "../e2e/support/pipeline-checks.js";
import { faultFeed, FaultRun, type TierChangedLog } from "./support/fault-run.js";

/**
 * Kafka is the source of truth, Redis derived (README: `icp rebuild`). Every Redis key of
 * the pipeline is deleted mid-stream while the services run — state, offsets, outboxes,
 * decay schedules, fencing generations: the services find their shards unclaimed, claim
 * them again, find no offsets, re-read their topics from the beginning and end where the
 * batch recompute ends. The pipeline's keys only: the shared Redis's other tenants stay.
 */

describe("Redis state lost mid-stream is rebuilt from Kafka", () => {
  test("every Redis key of a running pipeline deleted after 30% progress: the services replay their topics from the beginning and end where the batch recompute ends; the replayed tier changes tell each account's story again", async ({ stack, onTestFailed }) => {
    const run = await FaultRun.start(stack, { feed: faultFeed(31), chunks: 16, onFailed: onTestFailed });
    const redis = stack.redis();
    const progress = await run.untilProgress(0.3);
    let marks: number[] = [];
    let wiped = 0;
    await run.inject("Redis wiped", ["fit", "timing", "combiner"], async () => {
      marks = await run.pipeline.highWatermarks(run.pipeline.catalog.tierChanged.topic);
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${stack.keyPrefix}*`, "COUNT", 1000);
        if (keys.length > 0) wiped += await redis.del(...keys);
        cursor = next;
      } while (cursor !== "0");
    }, progress);

    // Before the wipe, a gap-free prefix of each account's story; after it, the whole story
    // again (versions from 1, ending at the final tier). A version published before the
    // wipe and again after it with another content is a conflict a subscriber would see.
    const across = { republished: 0, conflicting: 0, example: "" };
    const tierChanges = (log: TierChangedLog, final: Parameters<typeof checkTierChanges>[1], combiner: Parameters<typeof checkTierChanges>[2]) => {
      const after = log.filter((m) => BigInt(m.offset) >= BigInt(marks[m.partition] ?? 0));
      const before = log.filter((m) => BigInt(m.offset) < BigInt(marks[m.partition] ?? 0));
      const report = checkTierChanges(after, final, combiner);
      const earlier = new Map(before.map((m) => [`${m.event.accountKey}:v${tierChangeVersion(m.event)}`, m]));
      for (const m of after) {
        const prior = earlier.get(`${m.event.accountKey}:v${tierChangeVersion(m.event)}`);
        if (!prior) continue;
        across.republished++;
        if (prior.event.eventId !== m.event.eventId || !prior.value.equals(m.value)) {
          across.conflicting++;
          const told = (e: typeof m.event) => `${e.previousTier?.id ?? "∅"}→${e.tier.id} ${e.scorecard} (fit ${e.fit}, timing ${e.timing}, caused by ${e.causingEventIds.join(" + ")})`;
          across.example ||= `${m.event.accountKey} v${tierChangeVersion(m.event)}: before ${told(prior.event)}; after ${told(m.event)}`;
        }
      }
      if (across.conflicting > 0) report.problems.push(`${across.conflicting} of ${across.republished} tier-change versions published again after the rebuild carry another content than before it (e.g. ${across.example})`);
      return { ...report, duplicates: report.duplicates + across.republished - across.conflicting };
    };
    const { problems } = await run.finish("Redis wiped mid-stream → rebuilt from Kafka", {
      tierChanges,
      note: `${wiped} keys deleted`,
    });
    console.log(`[faults] Redis wipe: ${across.republished} versions published again after the rebuild, ${across.conflicting} with another content`);
    expect(problems).toEqual([]);
  });
});
