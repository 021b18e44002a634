import { describe, expect, it } from "vitest";
import type { StateWrite } from "@icpstream/redis-kit";
import { silentLogger } from "../logger.js";
import type { AccountResult } from "./apply-results.js";
import type { CatchUpSettler } from "./handler.js";
import { createShardRescore } from "./rescore-shard.js";
import { RESCORE_ACCOUNTS, type ShardState } from "./shard.js";

/**
 * The re-score step on its own, with the shard's list held in memory: the store and the
 * apply are stand-ins for Redis (the real-stack test is test/e2e/promote.test.ts).
 */
function fixture(accounts: readonly string[], sliceSize: number) {
  const listed = new Set(accounts);
  const decided: { accountKey: string; rubric: string }[] = [];
  let rubric = "r1";
  const state: ShardState = { shard: { group: "g", stream: "s", partition: 0 }, generation: 1, claim: 1, offsets: new Map(), partitionCounts: new Map(), fenced: false, uncertain: false, catchUp: null, rescorePending: true, queue: Promise.resolve() };
  const afterSlice: (() => void)[] = [];
  const rescore = createShardRescore({
    store: {
      readShared: async (_shard, name) => (name === RESCORE_ACCOUNTS ? Object.fromEntries([...listed].map((k) => [k, "1"])) : {}),
      read: async (_shard, keys) => new Map(keys.map((k) => [k, {}])),
    },
    handler: {
      rescore: {
        // The settler reads the rubric when it decides, as fit and timing do.
        begin: (): CatchUpSettler => (accountKey) => {
          decided.push({ accountKey, rubric });
          return {};
        },
      },
    },
    applyResults: async (_state, results: readonly AccountResult[], extra: readonly StateWrite[] = []) => {
      for (const write of extra) for (const key of write.del ?? []) listed.delete(key);
      expect(results.length).toBeLessThanOrEqual(sliceSize);
      afterSlice.shift()?.();
    },
    clock: () => 0,
    logger: silentLogger(),
    hooks: {},
    stopping: () => false,
    release: () => undefined,
    sliceSize,
  });
  return {
    state,
    rescore,
    listed,
    decided,
    /** What happens after the n-th slice's apply (a promotion arriving, say). */
    after(n: number, what: () => void) {
      while (afterSlice.length < n - 1) afterSlice.push(() => undefined);
      afterSlice.push(what);
    },
    promote(to: string) {
      rubric = to;
      for (const k of accounts) listed.add(k);
    },
  };
}

describe("re-deciding every account of a shard", () => {
  it("goes through the list in slices of the configured size, strikes each slice, and is done when the list is empty", async () => {
    const f = fixture(Array.from({ length: 25 }, (_, i) => `a${String(i).padStart(2, "0")}.com`), 10);
    f.rescore.kick(f.state);
    await f.rescore.idle();
    expect(f.decided).toHaveLength(25);
    expect(f.listed.size).toBe(0);
    expect(f.state.rescorePending).toBe(false);
  });

  it("a promotion applied during a run lists every account again, and the run goes on until each is decided under it", async () => {
    const accounts = Array.from({ length: 30 }, (_, i) => `a${String(i).padStart(2, "0")}.com`);
    const f = fixture(accounts, 10);
    // After the first slice, promotion r2 arrives and lists all 30 again.
    f.after(1, () => f.promote("r2"));
    f.rescore.kick(f.state);
    await f.rescore.idle();
    expect(f.listed.size).toBe(0);
    // The last decision of every account is under r2, those of the first slice included.
    const last = new Map(f.decided.map((d) => [d.accountKey, d.rubric]));
    expect(new Set(last.values())).toEqual(new Set(["r2"]));
    expect(last.size).toBe(30);
    expect(f.state.rescorePending).toBe(false);
  });

  it("waits while the shard replays quietly, and leaves the list for a later kick", async () => {
    const f = fixture(["a.com", "b.com"], 10);
    f.state.catchUp = new Map([["t", "5"]]);
    f.rescore.kick(f.state);
    await f.rescore.idle();
    expect(f.decided).toEqual([]);
    expect(f.state.rescorePending).toBe(true);
    f.state.catchUp = null;
    f.rescore.kick(f.state);
    await f.rescore.idle();
    expect(f.decided.map((d) => d.accountKey)).toEqual(["a.com", "b.com"]);
  });
});
