import { stackTest as test } from "@icpstream/testkit";
import { describe, expect } from "vitest";
import { createRedis } from "./create-redis.js";
import type { ShardRef } from "./key-layout.js";
import type { StateWrite } from "./partition-state-store.js";
import { RedisPartitionStateStore } from "./redis-partition-state-store.js";

const TOPIC = "icp.intent";

function setup(stack: { redis(): ReturnType<typeof createRedis>; keyPrefix: string }, partition = 0) {
  const redis = stack.redis();
  const store = new RedisPartitionStateStore(redis, { prefix: stack.keyPrefix, name: "test-state" });
  const shard: ShardRef = { group: "timing", stream: TOPIC, partition };
  return { redis, store, shard };
}

const at = (topic: string, offset: number) => ({ topic, offset: String(offset) });

describe("the partition state store on a real Redis", () => {
  test("an applied event's state and offset are stored together, under the test's prefix", async ({ stack }) => {
    const { redis, store, shard } = setup(stack);
    const gen = await store.claim(shard);
    const result = await store.apply(shard, { generation: gen, source: at(TOPIC, 10), writes: [{ hash: { account: "acme.com" }, set: { "timing:enterprise": '{"score":55}' } }] });
    expect(result).toEqual({ status: "applied" });
    expect(await store.read(shard, ["acme.com", "globex.io"])).toEqual(new Map([["acme.com", { "timing:enterprise": '{"score":55}' }], ["globex.io", {}]]));
    expect(await store.loadStoredOffsets("timing", TOPIC, [0, 1])).toEqual(new Map([[0, "10"], [1, null]]));
    const keys = await redis.keys(`*${store.keys.shardTag(shard)}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key.startsWith(stack.keyPrefix)).toBe(true);
  });

  test("a redelivered offset is a no-op, and so is an older one", async ({ stack }) => {
    const { store, shard } = setup(stack);
    const gen = await store.claim(shard);
    await store.apply(shard, { generation: gen, source: at(TOPIC, 10), writes: [{ hash: { account: "acme.com" }, set: { v: "first" } }] });
    const again = await store.apply(shard, { generation: gen, source: at(TOPIC, 10), writes: [{ hash: { account: "acme.com" }, set: { v: "second" } }], schedule: [{ accountKey: "acme.com", at: 5 }] });
    expect(again).toEqual({ status: "duplicate", storedOffset: "10" });
    expect(await store.apply(shard, { generation: gen, source: at(TOPIC, 9), writes: [{ hash: { account: "acme.com" }, set: { v: "older" } }] })).toEqual({ status: "duplicate", storedOffset: "10" });
    expect((await store.read(shard, ["acme.com"])).get("acme.com")).toEqual({ v: "first" });
    expect(await store.scheduledAt(shard, "acme.com")).toBeNull();
    expect(await store.apply(shard, { generation: gen, source: at(TOPIC, 11), writes: [{ hash: { account: "acme.com" }, set: { v: "next" } }] })).toEqual({ status: "applied" });
    expect((await store.read(shard, ["acme.com"])).get("acme.com")).toEqual({ v: "next" });
  });

  test("a write that expects another stored offset than Redis holds is refused as behind: acknowledged writes were lost", async ({ stack }) => {
    const { redis, store, shard } = setup(stack);
    const gen = await store.claim(shard);
    expect(await store.apply(shard, { generation: gen, source: { topic: TOPIC, offset: "4", after: null }, writes: [{ hash: { account: "acme.com" }, set: { v: "4" } }] })).toEqual({ status: "applied" });
    expect(await store.apply(shard, { generation: gen, source: { topic: TOPIC, offset: "9", after: "4" }, writes: [{ hash: { account: "acme.com" }, set: { v: "9" } }] })).toEqual({ status: "applied" });
    // Redis comes back from an AOF whose tail (offset 9's write) was lost.
    await redis.hset(store.keys.meta(shard), `offset:${TOPIC}`, "4");
    await redis.hset(store.keys.state(shard, "acme.com"), "v", "4");
    const next = await store.apply(shard, { generation: gen, source: { topic: TOPIC, offset: "12", after: "9" }, writes: [{ hash: { account: "acme.com" }, set: { v: "12" } }] });
    expect(next).toEqual({ status: "behind", storedOffset: "4" });
    expect((await store.read(shard, ["acme.com"])).get("acme.com")).toEqual({ v: "4" });
    // Everything lost: nothing stored where the caller expected 9.
    await redis.hdel(store.keys.meta(shard), `offset:${TOPIC}`);
    expect(await store.apply(shard, { generation: gen, source: { topic: TOPIC, offset: "12", after: "9" } })).toEqual({ status: "behind", storedOffset: null });
    // A redelivery is still a duplicate first, whatever the caller expects.
    await redis.hset(store.keys.meta(shard), `offset:${TOPIC}`, "12");
    expect(await store.apply(shard, { generation: gen, source: { topic: TOPIC, offset: "12", after: "9" } })).toEqual({ status: "duplicate", storedOffset: "12" });
  });

  test("offsets compare as whole numbers, not as text: 10 comes after 9, and int64-sized offsets work", async ({ stack }) => {
    const { store, shard } = setup(stack);
    const gen = await store.claim(shard);
    expect((await store.apply(shard, { generation: gen, source: at(TOPIC, 9) })).status).toBe("applied");
    expect((await store.apply(shard, { generation: gen, source: at(TOPIC, 10) })).status).toBe("applied");
    expect((await store.apply(shard, { generation: gen, source: { topic: TOPIC, offset: "9223372036854775806" } })).status).toBe("applied");
    expect(await store.apply(shard, { generation: gen, source: { topic: TOPIC, offset: "9223372036854775805" } })).toEqual({ status: "duplicate", storedOffset: "9223372036854775806" });
  });

  test("each topic of a co-partitioned stream keeps its own offset in the shard", async ({ stack }) => {
    const { store } = setup(stack);
    const shard: ShardRef = { group: "timing", stream: "signals", partition: 4 };
    const gen = await store.claim(shard);
    await store.apply(shard, { generation: gen, source: at("icp.hiring", 100) });
    expect((await store.apply(shard, { generation: gen, source: at("icp.funding", 3) })).status).toBe("applied");
    expect(await store.loadStoredOffsets("timing", "icp.hiring", [4], "signals")).toEqual(new Map([[4, "100"]]));
    expect(await store.loadStoredOffsets("timing", "icp.funding", [4], "signals")).toEqual(new Map([[4, "3"]]));
  });

  test("a zombie consumer's late write with a stale generation is refused and changes nothing", async ({ stack }) => {
    const { store, shard } = setup(stack);
    const zombie = await store.claim(shard);
    await store.apply(shard, { generation: zombie, source: at(TOPIC, 1), writes: [{ hash: { account: "acme.com" }, set: { owner: "zombie" } }] });
    const successor = await store.claim(shard);
    expect(successor).toBe(zombie + 1);
    const late = await store.apply(shard, { generation: zombie, source: at(TOPIC, 2), writes: [{ hash: { account: "acme.com" }, set: { owner: "zombie-late" } }], schedule: [{ accountKey: "acme.com", at: 1 }] });
    expect(late).toEqual({ status: "fenced", currentGeneration: successor });
    expect((await store.read(shard, ["acme.com"])).get("acme.com")).toEqual({ owner: "zombie" });
    expect(await store.loadStoredOffsets("timing", TOPIC, [0])).toEqual(new Map([[0, "1"]]));
    expect(await store.scheduledAt(shard, "acme.com")).toBeNull();
    // The successor resumes from the stored offset and is accepted.
    expect(await store.apply(shard, { generation: successor, source: at(TOPIC, 2), writes: [{ hash: { account: "acme.com" }, set: { owner: "successor" } }] })).toEqual({ status: "applied" });
  });

  test("a shard nobody claimed (e.g. after Redis lost data) refuses writes until claimed", async ({ stack }) => {
    const { store, shard } = setup(stack);
    expect(await store.currentGeneration(shard)).toBe(0);
    expect(await store.apply(shard, { generation: 1, source: at(TOPIC, 0) })).toEqual({ status: "fenced", currentGeneration: 0 });
    expect(await store.claim(shard)).toBe(1);
    expect(await store.apply(shard, { generation: 1, source: at(TOPIC, 0) })).toEqual({ status: "applied" });
  });

  test("state and offset move together: concurrent applies of the same offsets each land exactly once", async ({ stack }) => {
    const { store, shard } = setup(stack);
    const gen = await store.claim(shard);
    // Two connections (e.g. a consumer and its own retry after a timeout) race to apply the
    // same 200 messages; each message increments a counter only if it is applied.
    const other = new RedisPartitionStateStore(stack.redis(), { prefix: stack.keyPrefix });
    const N = 200;
    const applyAll = (s: RedisPartitionStateStore) =>
      Promise.all(Array.from({ length: N }, (_, i) => s.apply(shard, { generation: gen, source: at(TOPIC, i), writes: [{ hash: { account: "acme.com" }, set: { [`seen:${i}`]: "1", last: String(i) } }] })));
    const [a, b] = await Promise.all([applyAll(store), applyAll(other)]);
    const applied = [...a, ...b].filter((r) => r.status === "applied").length;
    const state = (await store.read(shard, ["acme.com"])).get("acme.com") ?? {};
    const stored = (await store.loadStoredOffsets("timing", TOPIC, [0])).get(0);
    // Whatever interleaving happened: the stored offset is the highest applied, and its state is there.
    expect(stored).toBe(String(N - 1));
    expect(state.last).toBe(stored);
    expect(state[`seen:${N - 1}`]).toBe("1");
    // Every applied message left its mark, and no offset was applied twice.
    const seen = Object.keys(state).filter((k) => k.startsWith("seen:")).length;
    expect(seen).toBe(applied);
    expect(applied).toBeGreaterThanOrEqual(N);
    expect(applied).toBeLessThanOrEqual(N * 2);
  });

  test("a fenced or duplicate apply never leaves half a write: concurrent zombie and successor", async ({ stack }) => {
    const { store, shard } = setup(stack);
    const zombie = await store.claim(shard);
    const writes = (who: string, i: number): StateWrite[] => [
      { hash: { account: "acme.com" }, set: { owner: who, n: String(i) } },
      { hash: { account: "globex.io" }, set: { owner: who, n: String(i) } },
      { hash: { shared: "cursors" }, set: { team: who } },
    ];
    const zombieRun = (async () => {
      const results = [];
      for (let i = 0; i < 100; i++) results.push(await store.apply(shard, { generation: zombie, source: at(TOPIC, i), writes: writes("zombie", i) }));
      return results;
    })();
    const successorStore = new RedisPartitionStateStore(stack.redis(), { prefix: stack.keyPrefix });
    const successor = await successorStore.claim(shard);
    const zombieResults = await zombieRun;
    const stored = (await store.loadStoredOffsets("timing", TOPIC, [0])).get(0) ?? "-1";
    const next = Number(stored) + 1;
    expect(await successorStore.apply(shard, { generation: successor, source: at(TOPIC, next), writes: writes("successor", next) })).toEqual({ status: "applied" });
    // Once fenced, the zombie stays fenced; the writes it made before are whole (both accounts agree with the offset).
    const firstFenced = zombieResults.findIndex((r) => r.status === "fenced");
    if (firstFenced >= 0) expect(zombieResults.slice(firstFenced).every((r) => r.status === "fenced")).toBe(true);
    const state = await successorStore.read(shard, ["acme.com", "globex.io"]);
    expect(state.get("acme.com")).toEqual({ owner: "successor", n: String(next) });
    expect(state.get("globex.io")).toEqual({ owner: "successor", n: String(next) });
    expect(await successorStore.readShared(shard, "cursors")).toEqual({ team: "successor" });
  });

  test("deleting every field of an account's state removes its key", async ({ stack }) => {
    const { redis, store, shard } = setup(stack);
    const gen = await store.claim(shard);
    await store.apply(shard, { generation: gen, source: at(TOPIC, 0), writes: [{ hash: { account: "acme.com" }, set: { a: "1", b: "2" } }] });
    await store.apply(shard, { generation: gen, source: at(TOPIC, 1), writes: [{ hash: { account: "acme.com" }, del: ["a", "b"] }] });
    expect(await redis.exists(store.keys.state(shard, "acme.com"))).toBe(0);
  });

  test("a large batch (thousands of fields) applies in one step", async ({ stack }) => {
    const { store, shard } = setup(stack);
    const gen = await store.claim(shard);
    const set = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`f${i}`, String(i)]));
    const accounts = Array.from({ length: 300 }, (_, i) => ({ hash: { account: `a${i}.com` }, set: { x: "1" } }));
    expect(await store.apply(shard, { generation: gen, source: at(TOPIC, 0), writes: [{ hash: { account: "big.com" }, set }, ...accounts] })).toEqual({ status: "applied" });
    expect(Object.keys((await store.read(shard, ["big.com"])).get("big.com") ?? {})).toHaveLength(5000);
  });

  test("the script is loaded again after the server forgets it (SCRIPT FLUSH, restart)", async ({ stack }) => {
    const { redis, store, shard } = setup(stack);
    const gen = await store.claim(shard);
    await redis.script("FLUSH");
    expect(await store.apply(shard, { generation: gen, source: at(TOPIC, 0) })).toEqual({ status: "applied" });
  });
});

describe("the re-evaluation schedule", () => {
  test("due returns the accounts whose time has come, earliest first, up to the limit", async ({ stack }) => {
    const { store, shard } = setup(stack);
    const gen = await store.claim(shard);
    await store.apply(shard, {
      generation: gen,
      source: at(TOPIC, 0),
      schedule: [
        { accountKey: "late.com", at: 3_000 },
        { accountKey: "early.com", at: 1_000 },
        { accountKey: "middle.com", at: 2_000 },
      ],
    });
    expect(await store.due(shard, 500, 10)).toEqual([]);
    expect(await store.due(shard, 2_000, 10)).toEqual([
      { accountKey: "early.com", at: 1_000 },
      { accountKey: "middle.com", at: 2_000 },
    ]);
    expect(await store.due(shard, 10_000, 2)).toHaveLength(2);
  });

  test("a clock-driven re-evaluation reschedules atomically with its state, without touching the offset", async ({ stack }) => {
    const { store, shard } = setup(stack);
    const gen = await store.claim(shard);
    await store.apply(shard, { generation: gen, source: at(TOPIC, 7), writes: [{ hash: { account: "acme.com" }, set: { timing: "55" } }], schedule: [{ accountKey: "acme.com", at: 1_000 }, { accountKey: "gone.com", at: 1_000 }] });
    const due = await store.due(shard, 1_000, 10);
    expect(due.map((d) => d.accountKey)).toEqual(["acme.com", "gone.com"]);
    // Re-evaluated at 1 000: acme's funding is now half worth until 5 000; gone.com has nothing left to age.
    const result = await store.apply(shard, {
      generation: gen,
      writes: [{ hash: { account: "acme.com" }, set: { timing: "27.5" } }],
      schedule: [
        { accountKey: "acme.com", at: 5_000 },
        { accountKey: "gone.com", at: null },
      ],
    });
    expect(result).toEqual({ status: "applied" });
    expect(await store.due(shard, 1_000, 10)).toEqual([]);
    expect(await store.scheduledAt(shard, "acme.com")).toBe(5_000);
    expect(await store.scheduledAt(shard, "gone.com")).toBeNull();
    expect((await store.read(shard, ["acme.com"])).get("acme.com")).toEqual({ timing: "27.5" });
    expect(await store.loadStoredOffsets("timing", TOPIC, [0])).toEqual(new Map([[0, "7"]]));
  });

  test("a zombie's clock-driven reschedule is fenced too", async ({ stack }) => {
    const { store, shard } = setup(stack);
    const zombie = await store.claim(shard);
    await store.claim(shard);
    expect(await store.apply(shard, { generation: zombie, schedule: [{ accountKey: "acme.com", at: 1 }] })).toEqual({ status: "fenced", currentGeneration: zombie + 1 });
    expect(await store.scheduledAt(shard, "acme.com")).toBeNull();
  });
});

describe("the Redis client factory", () => {
  test("names the connection on the server", async ({ stack }) => {
    const client = createRedis(stack.settings.REDIS_URL, { name: "redis-kit-test" });
    stack.onCleanup(async () => client.disconnect());
    expect(await client.client("GETNAME")).toBe("redis-kit-test");
  });

  test("an unreachable Redis fails commands with a retryable error naming the connection, without leaking the password", async ({ stack }) => {
    const lines: string[] = [];
    const logger = { info: () => undefined, warn: (o: object, m?: string) => lines.push(`${m} ${JSON.stringify(o)}`), error: (o: object, m?: string) => lines.push(`${m} ${JSON.stringify(o)}`) };
    const client = createRedis("redis://:hunter2@127.0.0.1:1", { name: "nowhere", logger, maxRetriesPerRequest: 1 });
    stack.onCleanup(async () => client.disconnect());
    const store = new RedisPartitionStateStore(client, { name: "nowhere", prefix: stack.keyPrefix });
    const error = await store.claim({ group: "g", stream: "t", partition: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "RedisKitError", code: "REDIS_UNAVAILABLE", retryable: true });
    expect((error as Error).message).toMatch(/^redis "nowhere" claim g\/t\/0: /);
    expect(lines.some((l) => l.includes("redis://127.0.0.1:1"))).toBe(true);
    expect(lines.join("\n")).not.toContain("hunter2");
  });
});
