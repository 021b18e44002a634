import type { Logger } from "pino";
import type { TopicSpec } from "@icpstream/contracts";
import type { PartitionStateStore } from "@icpstream/redis-kit";
import type { BrokerMetadata } from "../broker-metadata.js";
import type { ApplyAccountResults, AccountResult } from "./apply-results.js";
import type { StatefulConsumerHooks, StatefulHandler } from "./handler.js";
import type { AppliedHere} from "./shard.js";
import { CATCHUP_ACCOUNTS, CATCHUP_TARGETS, MAX_CHUNK, positionOf, reached, refuseIfFenced, type ShardState } from "./shard.js";

/**
 * Room: replay quietly (handlers that opt in with `catchUp`).
 *
 * When Redis lost what a shard had applied — wiped, or back from an AOF whose tail was lost,
 * which the apply detects as `behind` — the consumer replays the partition, but the outputs
 * of that replay would tell subscribers a history they have partly heard already, with other
 * intermediate steps. So a shard claimed with nothing stored while its topics hold messages
 * (target: their last offsets now), or stored behind what this process applied (target:
 * what it applied), replays up to the target quietly: state is written, outputs are
 * withheld, the accounts touched are noted (`apply-batch.ts`). Once every topic reached its
 * target the handler settles each noted account once (`catchUp.begin` → one result per
 * account: e.g. the combiner compares with the tier changes already published), through the
 * outbox as usual. Targets and noted accounts live in the shard, so a crash mid-replay
 * resumes it. No clock ticks run on a shard that is replaying.
 */
export interface QuietReplayPorts {
  store: Pick<PartitionStateStore, "readShared" | "apply" | "read">;
  handler: Pick<StatefulHandler<TopicSpec>, "catchUp">;
  /** The shard's input topics. */
  topics: ReadonlySet<string>;
  broker: Pick<BrokerMetadata, "watermarks">;
  appliedHere: AppliedHere;
  applyResults: ApplyAccountResults;
  clock: () => number;
  logger: Logger;
  hooks: Pick<StatefulConsumerHooks, "onCatchUp">;
}

export interface QuietReplay {
  /** At claim: finds the shard's targets (a crashed predecessor's, or new ones, saved) and marks it replaying. */
  begin(state: ShardState): Promise<void>;
  /** Settles the shard's replay once every topic reached its target (again after a failed attempt). */
  settleIfReached(state: ShardState): Promise<void>;
}

export function createQuietReplay(ports: QuietReplayPorts): QuietReplay {
  const { store, handler, broker, appliedHere, logger, hooks, clock } = ports;

  /** The last offset of a partition now (null when it holds nothing). */
  const lastOffset = async (topic: string, partition: number): Promise<string | null> => {
    const found = (await broker.watermarks(topic)).get(partition);
    if (!found || BigInt(found.high) <= BigInt(found.low)) return null;
    return (BigInt(found.high) - 1n).toString();
  };

  /**
   * Where a quiet replay of this shard must get to, per topic: what a crashed predecessor
   * set, else — nothing stored while the topic holds messages — its last offset, or — the
   * stored offset behind what this process applied — what it applied. Empty: no replay.
   */
  const targetsOf = async (state: ShardState): Promise<{ targets: Map<string, string>; fresh: boolean }> => {
    const { shard, offsets } = state;
    const targets = new Map<string, string>();
    const saved = await store.readShared(shard, CATCHUP_TARGETS);
    for (const [topic, offset] of Object.entries(saved)) if (ports.topics.has(topic)) targets.set(topic, offset);
    let fresh = false;
    for (const [topic, stored] of offsets) {
      const here = appliedHere.get(topic, shard.partition);
      let target: string | null = null;
      if (here !== undefined && !reached(stored, here)) target = here;
      else if (stored === null) target = await lastOffset(topic, shard.partition);
      if (target === null || reached(stored, target)) continue;
      const before = targets.get(topic);
      if (before === undefined || BigInt(target) > BigInt(before)) {
        targets.set(topic, target);
        fresh = true;
      }
    }
    return { targets, fresh };
  };

  /**
   * The end of a quiet replay: every account it touched is settled once by the handler,
   * in slices (state, schedule and outputs through the outbox, the account struck from the
   * list in the same step), then the targets go.
   */
  const settle = async (state: ShardState, catchUp: NonNullable<QuietReplayPorts["handler"]["catchUp"]>, targets: Map<string, string>): Promise<void> => {
    const accounts = Object.keys(await store.readShared(state.shard, CATCHUP_ACCOUNTS)).sort();
    const settler = await catchUp.begin(state.shard, accounts, { now: clock(), logger });
    for (let from = 0; from < accounts.length; from += MAX_CHUNK) {
      const slice = accounts.slice(from, from + MAX_CHUNK);
      const current = await store.read(state.shard, slice);
      const now = clock();
      const results: AccountResult[] = [];
      for (const [i, accountKey] of slice.entries()) {
        const result = await settler(accountKey, current.get(accountKey) ?? {}, { shard: state.shard, now, logger, position: positionOf(state.offsets), generation: state.generation, readShared: (name) => store.readShared(state.shard, name) });
        results.push({ accountKey, result, outboxPrefix: `~catchup:${String(from + i).padStart(10, "0")}` });
      }
      await ports.applyResults(state, results, [{ hash: { shared: CATCHUP_ACCOUNTS }, del: slice }]);
    }
    refuseIfFenced(state, await store.apply(state.shard, { generation: state.generation, writes: [{ hash: { shared: CATCHUP_TARGETS }, del: [...targets.keys()] }] }));
    state.catchUp = null;
    logger.info({ partition: state.shard.partition, accounts: accounts.length }, "quiet replay done: touched accounts settled");
    hooks.onCatchUp?.(state.shard.partition, "settled", accounts.length);
  };

  return {
    async begin(state) {
      if (!handler.catchUp) return;
      const { targets, fresh } = await targetsOf(state);
      if (targets.size === 0) return;
      state.catchUp = targets;
      if (fresh) {
        refuseIfFenced(state, await store.apply(state.shard, { generation: state.generation, writes: [{ hash: { shared: CATCHUP_TARGETS }, set: Object.fromEntries(targets) }] }));
        logger.warn({ partition: state.shard.partition, targets: Object.fromEntries(targets), stored: Object.fromEntries(state.offsets) }, "replaying quietly: the shard's stored state is behind its topics (Redis lost or wiped)");
      }
      hooks.onCatchUp?.(state.shard.partition, "started", targets.size);
    },
    async settleIfReached(state) {
      const targets = state.catchUp;
      if (!handler.catchUp || !targets) return;
      if ([...targets].every(([topic, target]) => reached(state.offsets.get(topic), target))) await settle(state, handler.catchUp, targets);
    },
  };
}
