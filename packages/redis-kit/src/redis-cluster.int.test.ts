import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeClusterPorts, startRedisCluster, type RunningRedisCluster } from "@icpstream/infra";
import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisClient, type RedisClient } from "./create-redis.js";
import { clusterSlot, type ShardRef } from "./key-layout.js";
import { RedisPartitionStateStore } from "./redis-partition-state-store.js";
import { scanKeys, unlinkKeys } from "./scan-keys.js";

// A real Redis Cluster (3 primaries, 3 replicas) of local redis-server processes, started for
// this file: every script and multi-key call of the state store must run there unchanged,
// each one's keys in one slot, with the shards spread over several primaries.
const TOPIC = "icp.intent";
const PASSWORD = "cluster-secret";
let cluster: RunningRedisCluster;
let dir: string;
let client: RedisClient;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "icp-redis-cluster-"));
  cluster = await startRedisCluster({ dir, ports: await freeClusterPorts(6), password: PASSWORD });
  client = createRedisClient(cluster.url, { name: "cluster-test" });
}, 90_000);

afterAll(async () => {
  await client?.quit().catch(() => client.disconnect());
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe("the partition state store on a Redis Cluster", () => {
  it("is a Cluster client when REDIS_URL lists several nodes, taking the password from the URLs", () => {
    expect(client).toBeInstanceOf(Cluster);
    expect(cluster.url.split(",")).toHaveLength(6);
  });

  it("runs every script and multi-key call on shards spread over several primaries, each shard's keys in one slot", { timeout: 60_000 }, async () => {
    const store = new RedisPartitionStateStore(client, { prefix: "t1:", name: "cluster-test" });
    const shards: ShardRef[] = Array.from({ length: 12 }, (_, partition) => ({ group: "timing", stream: TOPIC, partition }));
    for (const shard of shards) {
      const lost = await store.claim(shard);
      const generation = await store.claim(shard);
      expect(await store.currentGeneration(shard)).toBe(generation);
      // The fencing script: the holder of the earlier claim is refused.
      expect(await store.apply(shard, { generation: lost, source: { topic: TOPIC, offset: "1" } })).toMatchObject({ status: "fenced" });
      const applied = await store.apply(shard, {
        generation,
        source: { topic: TOPIC, offset: String(10 + shard.partition), after: null },
        writes: [
          { hash: { account: `a${shard.partition}.com` }, set: { timing: `{"p":${shard.partition}}` } },
          { hash: { account: `b${shard.partition}.com` }, set: { timing: "{}" } },
          { hash: { shared: "cursors" }, set: { owner: String(shard.partition) } },
        ],
        schedule: [{ accountKey: `a${shard.partition}.com`, at: 1_000 + shard.partition }],
      });
      expect(applied).toEqual({ status: "applied" });
      expect(await store.apply(shard, { generation, source: { topic: TOPIC, offset: String(10 + shard.partition) } })).toEqual({ status: "duplicate", storedOffset: String(10 + shard.partition) });
      expect(await store.read(shard, [`a${shard.partition}.com`, "missing.com"])).toEqual(new Map([[`a${shard.partition}.com`, { timing: `{"p":${shard.partition}}` }], ["missing.com", {}]]));
      expect(await store.readShared(shard, "cursors")).toEqual({ owner: String(shard.partition) });
      expect(await store.due(shard, 5_000, 10)).toEqual([{ accountKey: `a${shard.partition}.com`, at: 1_000 + shard.partition }]);
      expect(await store.scheduledAt(shard, `a${shard.partition}.com`)).toBe(1_000 + shard.partition);
    }
    const offsets = await store.loadStoredOffsets("timing", TOPIC, shards.map((s) => s.partition));
    expect([...offsets.values()]).toEqual(shards.map((s) => String(10 + s.partition)));

    const keys = await scanKeys(client, "t1:icp:*");
    const slotsByShard = new Map<string, Set<number>>();
    for (const key of keys) {
      const tag = /\{([^}]*)\}/.exec(key)?.[1] as string;
      const slots = slotsByShard.get(tag) ?? new Set();
      slots.add(clusterSlot(key));
      slotsByShard.set(tag, slots);
    }
    expect(slotsByShard.size).toBe(12);
    for (const [tag, slots] of slotsByShard) expect([tag, slots.size]).toEqual([tag, 1]);
    // Redis agrees with our slot function.
    const sample = keys[0] as string;
    expect(await (client as Cluster).cluster("KEYSLOT", sample)).toBe(clusterSlot(sample));
    // Several primaries hold shards: the scripts really ran on more than one node.
    const primaries = (client as Cluster).nodes("master");
    const holding = await Promise.all(primaries.map(async (node) => (await node.keys("t1:icp:*")).length > 0));
    expect(holding.filter(Boolean).length).toBeGreaterThan(1);
  });

  it("scans every primary and deletes keys of many slots without CROSSSLOT", { timeout: 60_000 }, async () => {
    for (let i = 0; i < 50; i++) await client.set(`t2:icp:{acct${i}.com}:view`, "1");
    // A client scanning right after it is created (before it has loaded the slot map) sees every key too.
    const fresh = createRedisClient(cluster.url.split(",")[0] + "?cluster=true", { name: "cluster-test-fresh" });
    try {
      expect(await scanKeys(fresh, "t2:icp:*")).toHaveLength(50);
    } finally {
      fresh.disconnect();
    }
    const keys = await scanKeys(client, "t2:icp:*");
    expect(keys).toHaveLength(50);
    expect(await unlinkKeys(client, keys, 7)).toBe(50);
    expect(await scanKeys(client, "t2:icp:*")).toEqual([]);
  });
});
