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
 * settler re-decides the listed accounts in slices (MAX_CHUNK by default): each slice's state,
 * schedule and outputs go through the outbox in one fenced step that also strikes the slice
 * from the list. Each slice takes its turn in the shard's serial queue, so the partition's
 * messages keep flowing between slices: the pipeline is never stopped, and an account a
 * message decided meanwhile is re-decided from that newer state. Whoever holds the shard
 * next (after a crash or a rebalance) finds what is left of the list and goes on; a control
 * record applied during a run lists every account again, and the run goes through the list
 * until it is empty. A shard in a quiet replay waits until its replay is settled.
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
  /** Accounts re-decided per step (default MAX_CHUNK, 500): smaller steps keep the partition's messages waiting less. */
  sliceSize?: number;
}

export interface ShardRescore {
  /** Starts going through the shard's list in the background unless that already runs; safe to call often. */
  kick(state: ShardState): void;
  /** Resolves when no run is in progress (tests, shutdown). */
  idle(): Promise<void>;
}

export function createShardRescore(ports: RescorePorts): ShardRescore {
  const { store, handler, logger, clock, hooks } = ports;
  const sliceSize = ports.sliceSize ?? MAX_CHUNK;
  const running = new Map<ShardState, Promise<void>>();

  /**
   * One pass over the list as it is now. Returns how many accounts it re-decided, or null when
   * the shard is replaying quietly (the clock tick kicks again once the replay settled).
   */
  const pass = async (state: ShardState, rescore: NonNullable<RescorePorts["handler"]["rescore"]>): Promise<number | null> => {
    const accounts = await serial(state, async () => (state.catchUp ? null : Object.keys(await store.readShared(state.shard, RESCORE_ACCOUNTS)).sort()));
    if (accounts === null || accounts.length === 0) return accounts === null ? null : 0;
    hooks.onRescore?.(state.shard.partition, "started", accounts.length);
    logger.info({ partition: state.shard.partition, accounts: accounts.length }, "re-deciding every account of the shard");
    const readShared = (name: string) => store.readShared(state.shard, name);
    // Outside the serial queue: what `begin` reads (a topic, say) may take a while, and the
    // partition's messages go on meanwhile.
    const settler = await rescore.begin(state.shard, accounts, { now: clock(), logger, claim: state.claim, readShared });
    let done = 0;
    for (let from = 0; from < accounts.length; from += sliceSize) {
      if (state.fenced || ports.stopping()) return done;
      const slice = accounts.slice(from, from + sliceSize);
      await serial(state, async () => {
        if (state.fenced) return;
        const current = await store.read(state.shard, slice);
        const now = clock();
        const results: AccountResult[] = [];
        for (const accountKey of slice) {
          const result = await settler(accountKey, current.get(accountKey) ?? {}, { shard: state.shard, now, logger, position: positionOf(state.offsets), claim: state.claim, readShared });
          // Unique per account and instant: a run after a failed publish never overwrites what that one left in the outbox.
          results.push({ accountKey, result, outboxPrefix: `~rescore:${String(now).padStart(15, "0")}:${accountKey}` });
        }
        await ports.applyResults(state, results, [{ hash: { shared: RESCORE_ACCOUNTS }, del: slice }]);
      });
      done += slice.length;
      // Let the partition's waiting messages in before the next slice.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return done;
  };

  const run = async (state: ShardState): Promise<void> => {
    const rescore = handler.rescore;
    if (!rescore) return;
    const started = performance.now();
    let total = 0;
    // Until the list is empty: a promotion applied during a pass lists every account again,
    // those the pass had done before it included.
    for (;;) {
      if (state.fenced || ports.stopping()) return;
      const done = await pass(state, rescore);
      if (done === null) return;
      if (done === 0) break;
      total += done;
    }
    state.rescorePending = false;
    if (total === 0) return;
    const seconds = (performance.now() - started) / 1000;
    logger.info({ partition: state.shard.partition, accounts: total, seconds: Math.round(seconds * 10) / 10 }, "every account of the shard re-decided");
    hooks.onRescore?.(state.shard.partition, "finished", total);
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
