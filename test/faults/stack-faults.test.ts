import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { faultFeed, FaultRun } from "./support/fault-run.js";
import { OwnStack } from "./support/own-stack.js";

/**
 * SPEC §4.2 when the infrastructure fails under the running pipeline: Redis SIGKILLed and
 * restarted on its append-only file, the broker SIGKILLed and restarted. On a stack of
 * these tests' own (ports 29192/28181/26479, a temporary ICP_STACK_DIR), started here and
 * stopped at the end, so nothing else on the machine sees the outage.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const own = new OwnStack();


describe("the pipeline outlives its broker and its Redis", () => {
  beforeAll(async () => {
    await own.up();
  });
  afterAll(async () => {
    await own.down();
  });

  test("Redis SIGKILLed after 20% progress and restarted from its append-only file: the services reconnect, nothing applied is lost or applied twice, the end state equals the batch recompute", async ({ onTestFailed }) => {
    await own.withFixture(async (stack) => {
      const run = await FaultRun.start(stack, { feed: faultFeed(41), chunks: 16, onFailed: (fn) => onTestFailed(fn) });
      const progress = await run.untilProgress(0.2);
      await run.inject("Redis SIGKILL, restart", ["fit", "timing", "combiner"], async () => {
        own.killRedis();
        await own.gone("redis");
        await sleep(1_000);
        await own.startRedis();
      }, progress);
      const { problems } = await run.finish("Redis killed and restarted (AOF)");
      expect(problems).toEqual([]);
    });
  });

  test("the broker SIGKILLed after 20% progress and restarted: producers and consumers reconnect, nothing is lost, published twice with another content or dead-lettered, the end state equals the batch recompute", async ({ onTestFailed }) => {
    await own.withFixture(async (stack) => {
      const run = await FaultRun.start(stack, { feed: faultFeed(42), chunks: 16, onFailed: (fn) => onTestFailed(fn) });
      const progress = await run.untilProgress(0.2);
      await run.inject("broker SIGKILL, restart", ["fit", "timing", "combiner"], async () => {
        own.killKafka();
        await own.gone("kafka");
        await sleep(1_000);
        await own.startKafka();
      }, progress);
      const { problems } = await run.finish("broker killed and restarted");
      expect(problems).toEqual([]);
    });
  });
});
