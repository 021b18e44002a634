import type { Logger } from "pino";
import type { PartitionStateStore, ShardRef } from "@icpstream/redis-kit";
import type { BrokerMetadata } from "../broker-metadata.js";
import type { Outbox } from "./publish-outbox.js";
import type { QuietReplay } from "./replay-quietly.js";
import type { ShardRescore } from "./rescore-shard.js";
import { RESCORE_ACCOUNTS, type ShardState } from "./shard.js";

/**
 * Room: claim and fence.
 *
 * A member works on a partition only through its shard, claimed first: `store.claim` gives
 * a generation newer than any before, so every earlier holder (a zombie back from a pause)
 * is fenced — Redis refuses its writes from then on. Then the stored offsets are loaded (they
 * live only in Redis, with the state: Kafka's group offsets are never committed), a quiet
 * replay is begun if the shard lost state, what a predecessor left in the outbox is
 * published, and the consumer seeks each topic to its stored offset + 1 (or the beginning).
 *
 * Shards are claimed when the group assigns partitions (GROUP_JOIN), not on the first batch,
 * so that what the partitions hold when the shard is taken over — the measure of a quiet
 * replay — is what was there before this member joined. A batch that arrives for a shard
 * claimed just now is stale (the seek moved the position) and is dropped. A shard found
 * fenced, or behind what this process applied, is let go and claimed again on its next batch.
 */
export interface ClaimPorts {
  groupId: string;
  stream: string;
  /** The shard's input topics. */
  topics: readonly string[];
  store: Pick<PartitionStateStore, "claim" | "loadStoredOffsets" | "readShared">;
  broker: Pick<BrokerMetadata, "partitionCount">;
  replay: QuietReplay;
  rescore: Pick<ShardRescore, "kick">;
  outbox: Pick<Outbox, "flush">;
  /** Moves the consumer's position (kafkajs `consumer.seek`); `-2` is the beginning. */
  seek(topic: string, partition: number, offset: string): void;
  logger: Logger;
}

export class ShardTable {
  private readonly shards = new Map<number, ShardState>();
  private readonly claiming = new Map<number, Promise<ShardState>>();

  constructor(private readonly ports: ClaimPorts) {}

  /** A new assignment: every shard must be claimed again; those assigned are claimed now. */
  reassign(partitions: Iterable<number>): void {
    this.shards.clear();
    for (const partition of partitions) {
      void this.shardFor(partition).catch((error: unknown) => this.ports.logger.warn({ err: error, partition }, "claim on joining failed; retried on the partition's next batch"));
    }
  }

  /**
   * The shard of a partition; `fresh` when it was claimed just now (its seek makes the batch
   * in hand stale). Claims are single-flight: batches of two co-partitioned topics of the
   * same partition may arrive at once, and two claims would fence each other.
   */
  async shardFor(partition: number): Promise<{ state: ShardState; fresh: boolean }> {
    const known = this.shards.get(partition);
    if (known) return { state: known, fresh: false };
    let pending = this.claiming.get(partition);
    if (!pending) {
      pending = this.claim(partition).then((state) => {
        this.shards.set(partition, state);
        return state;
      });
      this.claiming.set(partition, pending);
      void pending.catch(() => undefined).finally(() => this.claiming.delete(partition));
    }
    return { state: await pending, fresh: true };
  }

  /** Lets a shard go (fenced, or Redis behind us): it is claimed again on its partition's next batch. */
  release(state: ShardState): void {
    state.fenced = true;
    this.shards.delete(state.shard.partition);
  }

  /** Shards held now (claimed and not let go). */
  held(): ShardState[] {
    return [...this.shards.values()];
  }

  private async claim(partition: number): Promise<ShardState> {
    const { groupId, stream, store, logger } = this.ports;
    const shard: ShardRef = { group: groupId, stream, partition };
    const generation = await store.claim(shard);
    const offsets = new Map<string, string | null>();
    const partitionCounts = new Map<string, number>();
    for (const topic of this.ports.topics) {
      offsets.set(topic, (await store.loadStoredOffsets(groupId, topic, [partition], stream)).get(partition) ?? null);
      partitionCounts.set(topic, await this.ports.broker.partitionCount(topic));
    }
    // A predecessor that did not finish re-deciding every account after a control record left the rest listed.
    const rescorePending = Object.keys(await store.readShared(shard, RESCORE_ACCOUNTS)).length > 0;
    const state: ShardState = { shard, generation, offsets, partitionCounts, fenced: false, uncertain: false, catchUp: null, rescorePending, queue: Promise.resolve() };
    await this.ports.replay.begin(state);
    await this.ports.outbox.flush(state);
    await this.ports.replay.settleIfReached(state);
    this.ports.rescore.kick(state);
    for (const [topic, stored] of offsets) this.ports.seek(topic, partition, stored === null ? "-2" : (BigInt(stored) + 1n).toString());
    logger.info({ partition, generation, offsets: Object.fromEntries(offsets), ...(state.catchUp ? { catchUp: Object.fromEntries(state.catchUp) } : {}) }, "claimed shard");
    return state;
  }
}
