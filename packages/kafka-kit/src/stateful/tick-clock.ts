import type { Logger } from "pino";
import type { TopicSpec } from "@icpstream/contracts";
import type { PartitionStateStore } from "@icpstream/redis-kit";
import type { AccountResult, ApplyAccountResults } from "./apply-results.js";
import type { ShardTable } from "./claim-and-fence.js";
import type { StatefulHandler } from "./handler.js";
import type { QuietReplay } from "./replay-quietly.js";
import type { ShardRescore } from "./rescore-shard.js";
import { FencedError, positionOf, serial } from "./shard.js";

/**
 * Room: tick the clock.
 *
 * Decay is driven by the clock, not by events: a handler names when an account next needs a
 * look (`scheduleAt`), the store keeps it in the shard's due set, and every tick each held
 * shard re-evaluates its due accounts (`onDue`, at most `dueBatchSize` per shard), writing
 * their results and publishing their outputs in one fenced step (`apply-results.ts`). The
 * tick runs in the shard's serial queue, so it never interleaves with a batch. A shard in a
 * quiet replay gets no re-evaluation, but its settling is tried again if it reached its
 * targets and an earlier attempt failed (an idle shard has no batch to retry it).
 */
export interface ClockPorts {
  store: Pick<PartitionStateStore, "due" | "read" | "readShared">;
  handler: Pick<StatefulHandler<TopicSpec>, "onDue">;
  shards: Pick<ShardTable, "held" | "release">;
  applyResults: ApplyAccountResults;
  replay: Pick<QuietReplay, "settleIfReached">;
  rescore: Pick<ShardRescore, "kick">;
  clock: () => number;
  logger: Logger;
  dueBatchSize: number;
  stopping(): boolean;
}

/** Runs one tick on every held shard; resolves to how many accounts were re-evaluated. Never rejects. */
export type ClockTick = () => Promise<number>;

export function clockTick(ports: ClockPorts): ClockTick {
  const { store, handler, logger, clock } = ports;
  return async () => {
    let count = 0;
    for (const state of ports.shards.held()) {
      if (state.fenced || ports.stopping()) continue;
      try {
        if (state.catchUp) {
          await serial(state, () => ports.replay.settleIfReached(state));
          continue;
        }
        // Accounts left to re-decide after a control record (a run that failed, or waited for a quiet replay).
        ports.rescore.kick(state);
        const onDue = handler.onDue;
        if (!onDue) continue;
        count += await serial(state, async () => {
          const now = clock();
          const due = await store.due(state.shard, now, ports.dueBatchSize);
          if (due.length === 0) return 0;
          const current = await store.read(state.shard, due.map((d) => d.accountKey));
          const results: AccountResult[] = [];
          for (const { accountKey } of due) {
            const result = await onDue(accountKey, current.get(accountKey) ?? {}, { shard: state.shard, now, logger, position: positionOf(state.offsets), generation: state.generation, readShared: (name) => store.readShared(state.shard, name) });
            // The due entry is spent: no new time unschedules the account.
            results.push({ accountKey, result: { ...result, scheduleAt: result.scheduleAt ?? null }, outboxPrefix: `~due:${String(now).padStart(15, "0")}:${accountKey}` });
          }
          await ports.applyResults(state, results);
          return due.length;
        });
      } catch (error) {
        if (error instanceof FencedError) {
          ports.shards.release(state);
          logger.warn({ partition: state.shard.partition }, "fenced during a clock tick");
        } else {
          logger.error({ err: error, partition: state.shard.partition }, "clock tick failed; retrying on the next tick");
        }
      }
    }
    return count;
  };
}

/** Ticks every `intervalMs`, skipping a beat while the previous tick still runs; returns the stop. */
export function startTicking(tick: ClockTick, intervalMs: number): () => void {
  let ticking = false;
  const timer = setInterval(() => {
    if (ticking) return;
    ticking = true;
    void tick().finally(() => (ticking = false));
  }, intervalMs);
  return () => clearInterval(timer);
}
