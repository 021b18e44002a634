import type { Logger } from "pino";
import type { TopicSpec } from "@icpstream/contracts";
import type { PartitionStateStore } from "@icpstream/redis-kit";
import type { AccountResult, ApplyAccountResults } from "./apply-results.js";
import type { StatefulConsumerHooks, StatefulHandler } from "./handler.js";
import { FencedError, MAX_CHUNK, positionOf, RESCORE_ACCOUNTS, serial, type ShardState } from "./shard.js";

/**
 * Room: re-decide every account of a shard (handlers that opt in with `rescore`).
 *
 * A control record (a rubric promotion) that asks for it (`ControlResult.rescoreEveryAccount`)
 * is applied together with the list of every account the shard holds (`RESCORE_ACCOUNTS`),
 * in the same atomic step as its offset, so a crash cannot lose the list. Then the handler's
 * settler re-decides the listed accounts in slices of MAX_CHUNK: each slice's state,
 * schedule and outputs go through the outbox in one fenced step that also strikes the slice
 * from the list. Each slice takes its turn in the shard's serial queue, so the partition's
 * messages keep flowing between slices: the pipeline is never stopped, and an account a
 * message decided meanwhile is re-decided from that newer state. Whoever holds the shard
 * next (after a crash or a rebalance) finds what is left of the list and goes on. A shard
 * in a quiet replay waits until its replay is settled.
 */
export interface RescorePorts {
  store: Pick<PartitionStateStore, "readShared" | "read">;
  handler: Pick<StatefulHandler<TopicSpec>, "rescore">;
  applyResults: ApplyAccountResults;
  clock: () => number;
  logger: Logger;
  hooks: Pick<StatefulConsumerHooks, "onRescore">;
  stopping(): boolean;
  /** Lets a shard go that another member holds now. */
  release(state: ShardState): void;
}

export interface ShardRescore {
  /** Starts going through the shard's list in the background unless that already runs; safe to call often. */
  kick(state: ShardState): void;
  /** Resolves when no run is in progress (tests, shutdown). */
  idle(): Promise<void>;
}

export function createShardRescore(ports: RescorePorts): ShardRescore {
  const { store, handler, logger, clock, hooks } = ports;
  const running = new Map<ShardState, Promise<void>>();

  const run = async (state: ShardState): Promise<void> => {
    const rescore = handler.rescore;
    if (!rescore) return;
    const accounts = await serial(state, async () => (state.catchUp ? null : Object.keys(await store.readShared(state.shard, RESCORE_ACCOUNTS)).sort()));
    if (accounts === null) return; // a quiet replay first; the clock tick kicks again once it is settled
    if (accounts.length === 0) {
      state.rescorePending = false;
      return;
    }
    const started = performance.now();
    hooks.onRescore?.(state.shard.partition, "started", accounts.length);
    logger.info({ partition: state.shard.partition, accounts: accounts.length }, "re-deciding every account of the shard");
    const readShared = (name: string) => store.readShared(state.shard, name);
    const settler = await serial(state, async () => rescore.begin(state.shard, accounts, { now: clock(), logger, generation: state.generation, readShared }));
    let done = 0;
    for (let from = 0; from < accounts.length; from += MAX_CHUNK) {
      if (state.fenced || ports.stopping()) return;
      const slice = accounts.slice(from, from + MAX_CHUNK);
      await serial(state, async () => {
        if (state.fenced) return;
        const current = await store.read(state.shard, slice);
        const now = clock();
        const results: AccountResult[] = [];
        for (const [i, accountKey] of slice.entries()) {
          const result = await settler(accountKey, current.get(accountKey) ?? {}, { shard: state.shard, now, logger, position: positionOf(state.offsets), generation: state.generation, readShared });
          results.push({ accountKey, result, outboxPrefix: `~rescore:${String(from + i).padStart(10, "0")}` });
        }
        await ports.applyResults(state, results, [{ hash: { shared: RESCORE_ACCOUNTS }, del: slice }]);
      });
      done += slice.length;
      // Let the partition's waiting messages in before the next slice.
      await new Promise((resolve) => setImmediate(resolve));
    }
    state.rescorePending = false;
    const seconds = (performance.now() - started) / 1000;
    logger.info({ partition: state.shard.partition, accounts: done, seconds: Math.round(seconds * 10) / 10 }, "every account of the shard re-decided");
    hooks.onRescore?.(state.shard.partition, "finished", done);
  };

  return {
    kick(state) {
      if (!handler.rescore || !state.rescorePending || state.fenced || running.has(state)) return;
      const task = run(state)
        .catch((error: unknown) => {
          if (error instanceof FencedError) {
            ports.release(state);
            logger.warn({ partition: state.shard.partition }, "fenced while re-deciding the shard's accounts; the next holder goes on");
          } else logger.error({ err: error, partition: state.shard.partition }, "re-deciding the shard's accounts failed; retried on the next clock tick");
        })
        .finally(() => running.delete(state));
      running.set(state, task);
    },
    async idle() {
      await Promise.all(running.values());
    },
  };
}
