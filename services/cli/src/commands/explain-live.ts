import { topicCatalog } from "@icpstream/contracts";
import { createRedisClient } from "@icpstream/redis-kit";
import { findScorecard, normalizeAccountKey } from "@icpstream/scoring";
import type { CliIo } from "../io.js";
import { CliError } from "../io.js";
import { loadLiveSettings } from "../live/connect.js";
import { explainFromState } from "../live/explain-state.js";
import { readAccountState } from "../live/read-account-state.js";
import type { NamespaceOptions } from "../live/settings.js";
import { loadRubric } from "../load.js";
import { promotedRubricByHash } from "./rubric-promote.js";

export interface ExplainLiveOptions extends NamespaceOptions {
  scorecard?: string[];
  json?: boolean;
}

/** `icp explain DOMAIN --live`: why the account has its tier now, from the services' state in Redis. */
export async function explainLive(io: CliIo, domain: string, options: ExplainLiveOptions): Promise<void> {
  const accountKey = normalizeAccountKey(domain);
  const settings = await loadLiveSettings(options);
  const rubric = await loadRubric(io, settings.rubric);
  if (options.scorecard) for (const id of options.scorecard) findScorecard(rubric, id);
  const redis = createRedisClient(settings.redis, { name: "icp-explain", maxRetriesPerRequest: 1 });
  try {
    const catalog = topicCatalog({ prefix: settings.topicPrefix });
    const { state, found } = await readAccountState(redis, { accountKey, catalog, redisPrefix: settings.redisPrefix, groupPrefix: settings.groupPrefix });
    if (found.length === 0) {
      const where = settings.redisPrefix === "" ? "" : ` under Redis prefix "${settings.redisPrefix}"`;
      throw new CliError(`${accountKey}: no live state${where} (not ingested yet, or the services run with another ICP_REDIS_PREFIX / ICP_GROUP_PREFIX / ICP_TOPIC_PREFIX)`);
    }
    // After `icp rubric promote`, the account is tiered under the promoted rubric: explain with that one.
    let tieredUnder = rubric;
    const hash = state.combiner?.rubricHash;
    if (hash && hash !== rubric.version.hash) {
      const promoted = await promotedRubricByHash(redis, settings, catalog, hash);
      if (promoted) {
        tieredUnder = promoted.rubric;
        if (!options.json) io.stdout(`(tiered under rubric promotion ${state.combiner?.epoch ?? promoted.epoch}, ${promoted.source}; ICP_RUBRIC is ${settings.rubric})\n`);
      }
    }
    if (options.json) io.stdout(`${JSON.stringify(state, null, 2)}\n`);
    else io.stdout(`${explainFromState(state, tieredUnder, options.scorecard)}\n`);
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}
