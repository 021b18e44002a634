import type { RedisClient } from "@icpstream/redis-kit";
import type { TopicCatalog } from "@icpstream/contracts";
import { readAccountState } from "@icpstream/cli";
import type { LiveAccountStates } from "@icpstream/pipeline";

/** One account's fit, timing and combiner states, read where `icp explain --live` reads them (the services' shards in Redis). */
export async function readAccountStates(redis: RedisClient, options: { accountKey: string; catalog: TopicCatalog; redisPrefix: string; groupPrefix: string }): Promise<LiveAccountStates> {
  return (await readAccountState(redis, options)).state;
}
