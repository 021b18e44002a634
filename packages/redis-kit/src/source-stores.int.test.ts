import { stackTest as test } from "@icpstream/testkit";
import { describe, expect } from "vitest";
import { redisIdIndex, redisParkingLot, redisPullCursors, redisReplayCache } from "./source-stores.js";

describe("the third-party source stores on a real Redis", () => {
  test("the replay cache remembers stored vendor event ids for its TTL, per source", async ({ stack }) => {
    const redis = stack.redis();
    const cache = redisReplayCache(redis, { prefix: stack.keyPrefix, ttlSeconds: 60 });
    expect(await cache.seen("segment", ["m-1", "m-2"])).toEqual([false, false]);
    await cache.remember("segment", ["m-1"]);
    expect(await cache.seen("segment", ["m-1", "m-2"])).toEqual([true, false]);
    expect(await cache.seen("clearbit", ["m-1"])).toEqual([false]);
    const [key] = await redis.keys(`${stack.keyPrefix}*replay*`);
    expect(key).toBeDefined();
    const ttl = await redis.ttl(key ?? "");
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
  });

  test("the id index maps an id in a system to its account, a later record replacing it; ids with a colon or braces stay apart", async ({ stack }) => {
    const index = redisIdIndex(stack.redis(), { prefix: stack.keyPrefix });
    await index.record([{ system: "hubspot-company", id: "214", accountKey: "quillfeather.example" }, { system: "segment-group", id: "a:b{c}", accountKey: "brambleworks.example" }]);
    expect(await index.lookup("hubspot-company", "214")).toBe("quillfeather.example");
    expect(await index.lookup("segment-group", "a:b{c}")).toBe("brambleworks.example");
    expect(await index.lookup("segment-group", "a")).toBeUndefined();
    await index.record([{ system: "hubspot-company", id: "214", accountKey: "quillfeather-freight.example" }]);
    expect(await index.lookup("hubspot-company", "214")).toBe("quillfeather-freight.example");
  });

  test("the parking lot keeps each parked item once, up to its bound", async ({ stack }) => {
    const lot = redisParkingLot<{ n: number }>(stack.redis(), { prefix: stack.keyPrefix, maxItems: 2 });
    expect(await lot.add("p1", { n: 1 })).toBe("added");
    expect(await lot.add("p1", { n: 1 })).toBe("exists");
    expect(await lot.add("p2", { n: 2 })).toBe("added");
    expect(await lot.add("p3", { n: 3 })).toBe("full");
    expect((await lot.all()).sort((a, b) => a.eventId.localeCompare(b.eventId))).toEqual([{ eventId: "p1", entry: { n: 1 } }, { eventId: "p2", entry: { n: 2 } }]);
    await lot.remove(["p1"]);
    expect(await lot.add("p3", { n: 3 })).toBe("added");
  });

  test("a pulled source's cursor is stored and read back per source", async ({ stack }) => {
    const cursors = redisPullCursors(stack.redis(), { prefix: stack.keyPrefix });
    expect(await cursors.get("g2")).toBeUndefined();
    await cursors.set("g2", { value: "2026-11-19T16:47:51Z", ids: ["a90c"] });
    expect(await cursors.get("g2")).toEqual({ value: "2026-11-19T16:47:51Z", ids: ["a90c"] });
    expect(await cursors.get("crunchbase")).toBeUndefined();
  });
});
