import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Cluster } from "ioredis";
import type { Redis } from "ioredis";
import { RedisKitError, classifyRedisError } from "./errors.js";
import { keyLayout, unescapeSegment, type KeyLayout, type ShardRef } from "./key-layout.js";
import { scanKeys } from "./scan-keys.js";
import type { ApplyCommand, ApplyResult, DueEntry, PartitionStateStore } from "./partition-state-store.js";

export const APPLY_EVENT_LUA = readFileSync(new URL("./lua/apply-event.lua", import.meta.url), "utf8");
const APPLY_EVENT_SHA = createHash("sha1").update(APPLY_EVENT_LUA).digest("hex");

const OFFSET = /^(0|[1-9]\d{0,18})$/;
const describe = (shard: ShardRef) => `${shard.group}/${shard.stream}/${shard.partition}`;

export interface RedisPartitionStateStoreOptions {
  /** Namespace before every key (`prod:`, a test's `stack.keyPrefix`); default none. */
  prefix?: string;
  /** Names the connection in errors (`timing-state`). */
  name?: string;
}

/** The apply script's KEYS and ARGV for a command, validated (see `lua/apply-event.lua`). Pure. */
export function applyScriptArguments(layout: KeyLayout, shard: ShardRef, command: ApplyCommand): { keys: string[]; args: string[] } {
  const where = `apply ${describe(shard)}`;
  if (!Number.isSafeInteger(command.generation) || command.generation < 1) throw new RedisKitError("REDIS_INVALID_ARGUMENT", `${where}: generation: expected the whole number claim returned, got ${String(command.generation)}`);
  const source = command.source;
  if (source && (source.topic === "" || !OFFSET.test(source.offset) || (typeof source.after === "string" && !OFFSET.test(source.after)))) {
    throw new RedisKitError("REDIS_INVALID_ARGUMENT", `${where}: source: expected a topic and Kafka offsets (decimal, no leading zeros), got ${JSON.stringify(source)}`);
  }
  const keys = [layout.meta(shard), layout.due(shard)];
  const expected = source?.after === undefined ? "" : source.after === null ? "~" : source.after;
  const args = [String(command.generation), source?.topic ?? "", source?.offset ?? "", expected];
  // Writes to the same hash are merged, in order (a later set or del of a field wins), so each key appears once.
  const merged = new Map<string, Map<string, string | null>>();
  for (const write of command.writes ?? []) {
    const key = "account" in write.hash ? layout.state(shard, write.hash.account) : layout.shared(shard, write.hash.shared);
    const fields = merged.get(key) ?? new Map<string, string | null>();
    for (const [field, value] of Object.entries(write.set ?? {})) {
      if (typeof value !== "string") throw new RedisKitError("REDIS_INVALID_ARGUMENT", `${where}: ${key} ${field}: expected a string value (encode it first), got ${typeof value}`);
      fields.delete(field);
      fields.set(field, value);
    }
    for (const field of write.del ?? []) {
      fields.delete(field);
      fields.set(field, null);
    }
    merged.set(key, fields);
  }
  for (const [key, fields] of merged) {
    const sets = [...fields].filter((entry): entry is [string, string] => entry[1] !== null);
    const dels = [...fields].filter(([, value]) => value === null).map(([field]) => field);
    keys.push(key);
    args.push(String(sets.length), String(dels.length), ...sets.flat(), ...dels);
  }
  const schedule = command.schedule ?? [];
  args.push(String(schedule.length));
  for (const change of schedule) {
    if (change.at !== null && !Number.isFinite(change.at)) throw new RedisKitError("REDIS_INVALID_ARGUMENT", `${where}: schedule ${change.accountKey}: expected epoch ms or null, got ${String(change.at)}`);
    args.push(change.accountKey, change.at === null ? "" : String(Math.floor(change.at)));
  }
  return { keys, args };
}

/** `PartitionStateStore` on Redis (standalone or Cluster): see the key layout and `lua/apply-event.lua`. */
export class RedisPartitionStateStore implements PartitionStateStore {
  readonly keys: KeyLayout;
  private readonly name: string;

  constructor(
    private readonly redis: Redis | Cluster,
    options: RedisPartitionStateStoreOptions = {},
  ) {
    this.keys = keyLayout(options.prefix ?? "");
    this.name = options.name ?? "state";
  }

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw classifyRedisError(error, `redis "${this.name}" ${what}`);
    }
  }

  async claim(shard: ShardRef): Promise<number> {
    const key = this.keys.meta(shard);
    return this.call(`claim ${describe(shard)}`, () => this.redis.hincrby(key, "gen", 1));
  }

  async currentGeneration(shard: ShardRef): Promise<number> {
    const key = this.keys.meta(shard);
    const value = await this.call(`generation of ${describe(shard)}`, () => this.redis.hget(key, "gen"));
    return value === null ? 0 : Number(value);
  }

  async loadStoredOffsets(group: string, topic: string, partitions: readonly number[], stream = topic): Promise<Map<number, string | null>> {
    // One key per partition, each in its own slot: a pipeline on one Redis; on a Cluster, whose
    // pipelines must stay within one node's slots, one command per key, all sent at once.
    const keys = partitions.map((partition) => this.keys.meta({ group, stream, partition }));
    const replies = await this.call(`offsets of ${group}/${stream} (${topic})`, async (): Promise<[Error | null, unknown][]> => {
      const redis = this.redis;
      if (redis instanceof Cluster) {
        return Promise.all(keys.map(async (key): Promise<[Error | null, unknown]> => {
          try {
            return [null, await redis.hget(key, `offset:${topic}`)];
          } catch (error) {
            return [error as Error, null];
          }
        }));
      }
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.hget(key, `offset:${topic}`);
      return (await pipeline.exec()) ?? [];
    });
    const out = new Map<number, string | null>();
    partitions.forEach((partition, i) => {
      const [error, value] = replies[i] ?? [new Error("no reply"), null];
      if (error) throw classifyRedisError(error, `redis "${this.name}" offset of ${group}/${stream}/${partition} (${topic})`);
      out.set(partition, (value as string | null) ?? null);
    });
    return out;
  }

  async read(shard: ShardRef, accountKeys: readonly string[]): Promise<Map<string, Record<string, string>>> {
    const replies = await this.call(`read ${describe(shard)}`, async () => {
      const pipeline = this.redis.pipeline();
      for (const account of accountKeys) pipeline.hgetall(this.keys.state(shard, account));
      return (await pipeline.exec()) ?? [];
    });
    const out = new Map<string, Record<string, string>>();
    accountKeys.forEach((account, i) => {
      const [error, value] = replies[i] ?? [new Error("no reply"), null];
      if (error) throw classifyRedisError(error, `redis "${this.name}" read ${describe(shard)} ${account}`);
      out.set(account, (value as Record<string, string> | null) ?? {});
    });
    return out;
  }

  async accountKeys(shard: ShardRef): Promise<string[]> {
    const pattern = this.keys.shardPattern(shard).replace(/:\*$/, ":state:*");
    const keys = await this.call(`scan ${describe(shard)}`, () => scanKeys(this.redis, pattern));
    const start = this.keys.state(shard, "x").length - 1;
    return [...new Set(keys.map((key) => unescapeSegment(key.slice(start))))].sort();
  }

  async readShared(shard: ShardRef, name: string): Promise<Record<string, string>> {
    const key = this.keys.shared(shard, name);
    return this.call(`read ${describe(shard)} shared ${name}`, () => this.redis.hgetall(key));
  }

  async apply(shard: ShardRef, command: ApplyCommand): Promise<ApplyResult> {
    const { keys, args } = applyScriptArguments(this.keys, shard, command);
    const reply = (await this.call(`apply ${describe(shard)}${command.source ? ` ${command.source.topic}@${command.source.offset}` : ""}`, async () => {
      try {
        return await this.redis.evalsha(APPLY_EVENT_SHA, keys.length, ...keys, ...args);
      } catch (error) {
        // First use on this server (or after SCRIPT FLUSH / a restart): send the body once.
        if (error instanceof Error && error.message.startsWith("NOSCRIPT")) return this.redis.eval(APPLY_EVENT_LUA, keys.length, ...keys, ...args);
        throw error;
      }
    })) as [number, string];
    const [code, detail] = reply;
    if (code === 1) return { status: "applied" };
    if (code === 0) return { status: "duplicate", storedOffset: detail };
    if (code === 2) return { status: "behind", storedOffset: detail === "" ? null : detail };
    return { status: "fenced", currentGeneration: Number(detail) };
  }

  async due(shard: ShardRef, now: number, limit: number): Promise<DueEntry[]> {
    const key = this.keys.due(shard);
    const flat = await this.call(`due ${describe(shard)}`, () => this.redis.zrangebyscore(key, "-inf", Math.floor(now), "WITHSCORES", "LIMIT", 0, Math.max(0, Math.floor(limit))));
    const out: DueEntry[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push({ accountKey: flat[i] as string, at: Number(flat[i + 1]) });
    return out;
  }

  async scheduledAt(shard: ShardRef, accountKey: string): Promise<number | null> {
    const key = this.keys.due(shard);
    const score = await this.call(`schedule of ${describe(shard)} ${accountKey}`, () => this.redis.zscore(key, accountKey));
    return score === null ? null : Number(score);
  }
}
