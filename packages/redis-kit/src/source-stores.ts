import type { RedisClient } from "./create-redis.js";
import { escapeSegment } from "./key-layout.js";

/**
 * What the HTTP gateway keeps for third-party sources, outside any shard:
 *
 * ```
 * <prefix>icp:{src:<source>}:replay:<vendor event id>   string "1", TTL   a signed delivery already stored
 * <prefix>icp:{ids:<system>}:<id>                       string accountKey  an id in another system → its account
 * ```
 *
 * Segments are escaped as in `keyLayout`. Each key is read and written on its own (a
 * pipeline, no multi-key command), so Redis Cluster serves them wherever they hash.
 */

/** Vendor event ids of signed deliveries already stored, for schemes that sign no time (Segment, Clearbit, TheirStack). */
export interface RedisReplayCache {
  /** For each id, whether a delivery carrying it was stored within the TTL. */
  seen(source: string, ids: readonly string[]): Promise<boolean[]>;
  /** Records ids once their events are acknowledged by Kafka. */
  remember(source: string, ids: readonly string[]): Promise<void>;
}

export function redisReplayCache(redis: RedisClient, options: { prefix: string; ttlSeconds: number }): RedisReplayCache {
  const key = (source: string, id: string) => `${options.prefix}icp:{src:${escapeSegment(source)}}:replay:${escapeSegment(id)}`;
  return {
    async seen(source, ids) {
      if (ids.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.exists(key(source, id));
      const results = (await pipeline.exec()) ?? [];
      return results.map(([error, count]) => {
        if (error) throw error;
        return count === 1;
      });
    },
    async remember(source, ids) {
      if (ids.length === 0) return;
      const pipeline = redis.pipeline();
      for (const id of ids) pipeline.set(key(source, id), "1", "EX", options.ttlSeconds);
      for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
    },
  };
}

/** The id → account index: ids in other systems (CRM company and deal ids, CDP group ids) → account keys. */
export interface RedisIdIndex {
  lookup(system: string, id: string): Promise<string | undefined>;
  /** Records ids; a later record of the same id replaces the account (a company's domain changed). */
  record(entries: readonly { system: string; id: string; accountKey: string }[]): Promise<void>;
}

export function redisIdIndex(redis: RedisClient, options: { prefix: string }): RedisIdIndex {
  const key = (system: string, id: string) => `${options.prefix}icp:{ids:${escapeSegment(system)}}:${escapeSegment(id)}`;
  return {
    async lookup(system, id) {
      return (await redis.get(key(system, id))) ?? undefined;
    },
    async record(entries) {
      if (entries.length === 0) return;
      const pipeline = redis.pipeline();
      for (const e of entries) pipeline.set(key(e.system, e.id), e.accountKey);
      for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
    },
  };
}

/**
 * Parked third-party items waiting for their account (the resolver's lot), one hash:
 *
 * ```
 * <prefix>icp:{park}:items   hash   parked event id → JSON { item, origin, parkedAt }
 * ```
 *
 * Bounded: `add` refuses past `maxItems` (the resolver dead-letters what does not fit), so
 * a flood of ids that never resolve cannot grow Redis without end.
 */
export interface RedisParkingLot<T> {
  /** `added`, `exists` (the same parked event again), or `full`. */
  add(eventId: string, entry: T): Promise<"added" | "exists" | "full">;
  all(): Promise<{ eventId: string; entry: T }[]>;
  remove(eventIds: readonly string[]): Promise<void>;
}

export function redisParkingLot<T>(redis: RedisClient, options: { prefix: string; maxItems: number }): RedisParkingLot<T> {
  const key = `${options.prefix}icp:{park}:items`;
  return {
    async add(eventId, entry) {
      if (await redis.hexists(key, eventId)) return "exists";
      if ((await redis.hlen(key)) >= options.maxItems) return "full";
      return (await redis.hsetnx(key, eventId, JSON.stringify(entry))) === 1 ? "added" : "exists";
    },
    async all() {
      const raw = await redis.hgetall(key);
      return Object.entries(raw).map(([eventId, json]) => ({ eventId, entry: JSON.parse(json) as T }));
    },
    async remove(eventIds) {
      if (eventIds.length > 0) await redis.hdel(key, ...eventIds);
    },
  };
}

/**
 * Where each pulled source resumes:
 *
 * ```
 * <prefix>icp:{pull:<source>}:cursor   string JSON { value, ids }
 * ```
 */
export interface RedisPullCursors {
  get(source: string): Promise<{ value: string; ids: string[] } | undefined>;
  set(source: string, cursor: { value: string; ids: string[] }): Promise<void>;
}

export function redisPullCursors(redis: RedisClient, options: { prefix: string }): RedisPullCursors {
  const key = (source: string) => `${options.prefix}icp:{pull:${escapeSegment(source)}}:cursor`;
  return {
    async get(source) {
      const raw = await redis.get(key(source));
      return raw === null ? undefined : (JSON.parse(raw) as { value: string; ids: string[] });
    },
    async set(source, cursor) {
      await redis.set(key(source), JSON.stringify(cursor));
    },
  };
}
