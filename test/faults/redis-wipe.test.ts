import { describe, expect } from "vitest";
import { stackTest as test } from "@icpstream/testkit";
import { faultFeed, FaultRun } from "./support/fault-run.js";

/**
 * Kafka is the source of truth, Redis derived (README: `icp rebuild`). Every Redis key of
 * the pipeline is deleted mid-stream while the services run — state, offsets, outboxes,
 * decay schedules, fencing generations: the services find their shards unclaimed, claim
 * them again, find no offsets, re-read their topics from the beginning and end where the
 * batch recompute ends. The pipeline's keys only: the shared Redis's other tenants stay.
 */

describe("Redis state lost mid-stream is rebuilt from Kafka", () => {
  test("every Redis key of a running pipeline deleted after 30% progress: the services replay their topics from the beginning and end where the batch recompute ends; and subscribers hear one gap-free story per account", async ({ stack, onTestFailed }) => {
    const run = await FaultRun.start(stack, { feed: faultFeed(31), chunks: 16, onFailed: onTestFailed });
    const redis = stack.redis();
    const progress = await run.untilProgress(0.3);
    let wiped = 0;
    await run.inject("Redis wiped", ["fit", "timing", "combiner"], async () => {
      // One atomic step, as a real data loss is: no service sees half its keys gone.
      wiped = Number(await redis.eval("local keys = redis.call('KEYS', ARGV[1]) for i = 1, #keys, 1000 do redis.call('DEL', unpack(keys, i, math.min(i + 999, #keys))) end return #keys", 0, `${stack.keyPrefix}*`));
    }, progress);

    // The services find their shards unclaimed and nothing stored: they replay quietly and
    // settle each replayed account once; the combiner reads back the tier changes it had
    // published. So one story per account across the wipe: versions 1, 2, 3… with no gap and
    // none told twice with another content, ending at the final tier (the default checks).
    const { row, problems } = await run.finish("Redis wiped mid-stream → rebuilt from Kafka", { note: `${wiped} keys deleted` });
    console.log(`[faults] Redis wipe: ${row.duplicatedDownstream} tier changes published again with identical content`);
    expect(problems).toEqual([]);
  });
});
