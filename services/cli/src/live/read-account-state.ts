import type { TopicCatalog } from "@icpstream/contracts";
import { decodeCombinerState, decodeFitState, decodeTimingState } from "@icpstream/pipeline";
import { escapeSegment, keyLayout, scanKeys, type RedisClient } from "@icpstream/redis-kit";
import { accountPartition } from "./account-partition.js";
import type { LiveAccountState } from "./explain-state.js";
import { serviceLayout, shardOf, STATEFUL_SERVICES } from "./pipeline-layout.js";
import type { StatefulService } from "./pipeline-layout.js";

/** A glob (SCAN MATCH) that matches `text` literally. */
export function globLiteral(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/**
 * Reads one account's state from each scoring service. The account's shard is the
 * partition its key hashes to; when the state is not there (topics created with another
 * partition count), every shard of the service is searched.
 */
export async function readAccountState(redis: RedisClient, options: { accountKey: string; catalog: TopicCatalog; redisPrefix: string; groupPrefix: string }): Promise<{ state: LiveAccountState; found: StatefulService[] }> {
  const keys = keyLayout(options.redisPrefix);
  const state: LiveAccountState = { accountKey: options.accountKey };
  const found: StatefulService[] = [];
  for (const service of STATEFUL_SERVICES) {
    const layout = serviceLayout(service, options.catalog, options.groupPrefix);
    const partition = accountPartition(options.accountKey, layout.inputs[0]?.partitions ?? 1);
    let text = await redis.hget(keys.state(shardOf(layout, partition), options.accountKey), layout.field);
    if (text === null) {
      const pattern = `${globLiteral(`${options.redisPrefix}icp:{${escapeSegment(layout.group)}:${escapeSegment(layout.stream)}:`)}*}:state:${globLiteral(escapeSegment(options.accountKey))}`;
      for (const key of await scanAll(redis, pattern)) {
        text = await redis.hget(key, layout.field);
        if (text !== null) break;
      }
    }
    if (text === null) continue;
    found.push(service);
    if (service === "fit") state.fit = decodeFitState(text);
    else if (service === "timing") state.timing = decodeTimingState(text);
    else state.combiner = decodeCombinerState(text);
  }
  return { state, found };
}

/** Every key matching a SCAN pattern, on one Redis or every primary of a Redis Cluster. */
export const scanAll = (redis: RedisClient, pattern: string): Promise<string[]> => scanKeys(redis, pattern);
