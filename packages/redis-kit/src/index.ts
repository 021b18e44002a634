/**
 * @icpstream/redis-kit — Redis plumbing: the client factory, the cluster-safe key layout,
 * the atomic apply-event-and-offset script with fencing, the partition state store port and
 * its Redis implementation, and the clock-driven re-evaluation schedule.
 */
export * from "./errors.js";
export { createRedis, createRedisClient, isClusterSetting, pingRedis, redactRedisUrl, reconnectDelayMs, redisConnectionFromEnv, redisNodeUrls, REDIS_CONNECTION_VARIABLES, type CreateRedisOptions, type RedisClient, type RedisConnection, type RedisLogger } from "./create-redis.js";
export { keyLayout, escapeSegment, clusterHashTag, clusterSlot, type KeyLayout, type ShardRef } from "./key-layout.js";
export type { PartitionStateStore, ApplyCommand, ApplyResult, DueEntry, ScheduleChange, SourceOffset, StateHashRef, StateWrite } from "./partition-state-store.js";
export { RedisPartitionStateStore, APPLY_EVENT_LUA, applyScriptArguments, type RedisPartitionStateStoreOptions } from "./redis-partition-state-store.js";
export { scanKeys, unlinkKeys } from "./scan-keys.js";
export { redisReplayCache, redisIdIndex, redisParkingLot, redisPullCursors, type RedisReplayCache, type RedisIdIndex, type RedisParkingLot, type RedisPullCursors } from "./source-stores.js";
