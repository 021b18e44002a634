import { RedisKitError } from "./errors.js";

/**
 * The key layout. Redis Cluster runs a script only when all its keys hash to one slot, and
 * a key's slot is decided by its hash tag (the text between the first `{` and the next `}`).
 *
 * Consumer state is applied in one script together with the Kafka offset that produced it
 * (exactly-once effect), so state and offset must share a slot. Kafka fixes the
 * account → partition mapping (messages are keyed by account), so the slot unit is the
 * **shard**: (consumer group, stream, partition). Every key of a shard carries its tag:
 *
 * ```
 * <prefix>icp:{<group>:<stream>:<partition>}:meta                  hash   gen, offset:<topic>…
 * <prefix>icp:{<group>:<stream>:<partition>}:state:<accountKey>    hash   per-account state (fields per scorecard…)
 * <prefix>icp:{<group>:<stream>:<partition>}:shared:<name>         hash   shard-wide state (e.g. round-robin cursors)
 * <prefix>icp:{<group>:<stream>:<partition>}:due                   zset   accountKey → next re-evaluation (epoch ms)
 * <prefix>icp:{<accountKey>}:<part>:<part>…                        any    per-account views outside the apply path
 * ```
 *
 * `stream` is the topic for a single-topic consumer; a consumer of several co-partitioned
 * topics (same partition count, same key) names the set (`signals`) and records one offset
 * per topic in the shard's meta hash. Segments are escaped (`%` `{` `}` `:` → `%25` `%7B`
 * `%7D` `%3A`) so a group id with a brace cannot move the tag and `a:b` + `c` cannot collide
 * with `a` + `b:c`. The prefix (namespace) comes first so tests and deployments can share a
 * Redis; it may not contain braces, or it would become the tag.
 */
export interface ShardRef {
  /** The Kafka consumer group (the service). */
  group: string;
  /** The topic, or the name of a set of co-partitioned topics consumed together. */
  stream: string;
  partition: number;
}

export function escapeSegment(segment: string): string {
  return segment.replace(/[%{}:]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/** The inverse of `escapeSegment`. */
export function unescapeSegment(segment: string): string {
  return segment.replace(/%(25|7B|7D|3A)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function checkShard(shard: ShardRef): void {
  if (!Number.isSafeInteger(shard.partition) || shard.partition < 0) throw new RedisKitError("REDIS_INVALID_ARGUMENT", `partition: expected a whole number ≥ 0, got ${String(shard.partition)}`);
  if (shard.group === "") throw new RedisKitError("REDIS_INVALID_ARGUMENT", "group: expected a non-empty consumer group id");
  if (shard.stream === "") throw new RedisKitError("REDIS_INVALID_ARGUMENT", "stream: expected a non-empty topic or stream name");
}

export interface KeyLayout {
  readonly prefix: string;
  /** `{<group>:<stream>:<partition>}` — the hash tag every key of the shard carries. */
  shardTag(shard: ShardRef): string;
  /** Hash with `gen` (fencing generation) and `offset:<topic>` (last applied offset per topic). */
  meta(shard: ShardRef): string;
  /** One account's state in the shard. */
  state(shard: ShardRef, accountKey: string): string;
  /** Shard-wide state by name (`router:cursors`). */
  shared(shard: ShardRef, name: string): string;
  /** Sorted set: accountKey scored by the epoch ms of its next clock-driven re-evaluation. */
  due(shard: ShardRef): string;
  /** Every key of a shard, for SCAN MATCH (inspection, rebuilds). */
  shardPattern(shard: ShardRef): string;
  /** A per-account key tagged by the account (`icp:{acme.com}:fit:enterprise`), for views written outside the apply script. */
  account(accountKey: string, ...parts: string[]): string;
}

export function keyLayout(prefix = ""): KeyLayout {
  if (/[{}]/.test(prefix)) throw new RedisKitError("REDIS_INVALID_ARGUMENT", `key prefix: may not contain { or } (it would become the cluster hash tag), got ${JSON.stringify(prefix)}`);
  const root = `${prefix}icp:`;
  const tag = (shard: ShardRef) => {
    checkShard(shard);
    return `{${escapeSegment(shard.group)}:${escapeSegment(shard.stream)}:${shard.partition}}`;
  };
  return {
    prefix,
    shardTag: tag,
    meta: (shard) => `${root}${tag(shard)}:meta`,
    state: (shard, accountKey) => `${root}${tag(shard)}:state:${escapeSegment(accountKey)}`,
    shared: (shard, name) => `${root}${tag(shard)}:shared:${escapeSegment(name)}`,
    due: (shard) => `${root}${tag(shard)}:due`,
    // SCAN MATCH is a glob: escape its metacharacters in the literal part.
    shardPattern: (shard) => `${`${root}${tag(shard)}`.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}:*`,
    account: (accountKey, ...parts) => {
      if (accountKey === "") throw new RedisKitError("REDIS_INVALID_ARGUMENT", "accountKey: expected a non-empty account key");
      return [`${root}{${escapeSegment(accountKey)}}`, ...parts.map(escapeSegment)].join(":");
    },
  };
}

/** The hash tag Redis Cluster would use for a key: the text between the first `{` and the next `}`, when non-empty. */
export function clusterHashTag(key: string): string {
  const open = key.indexOf("{");
  if (open === -1) return key;
  const close = key.indexOf("}", open + 1);
  if (close === -1 || close === open + 1) return key;
  return key.slice(open + 1, close);
}

/** CRC16/XMODEM mod 16384: the slot Redis Cluster gives a key (as CLUSTER KEYSLOT does). */
export function clusterSlot(key: string): number {
  const bytes = new TextEncoder().encode(clusterHashTag(key));
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}
