import { loadRubricFile, runService } from "@icpstream/service-runtime";
import { combinerHandler } from "./handler.js";
import { startTierCensus } from "./tier-census.js";

// Composition root of the combiner. fit-scored and timing-scored are co-partitioned by
// account and consumed together (shard "scores"), so one member joins an account's scores.
// Beside it, the tier census follows the current-tier topic and exports the pool's tier
// distribution and top-tier health as gauges on the same /metrics.
await runService({
  name: "combiner",
  defaultOpsPort: 19103,
  inputs: (catalog) => [catalog.fitScored, catalog.timingScored],
  stream: "scores",
  handler: ({ rubric, catalog, readPartition }) => combinerHandler(rubric, catalog, readPartition),
  companion: ({ env, catalog, kafka, codec, logger, metrics }) =>
    startTierCensus({ kafka, codec, catalog, rubric: loadRubricFile(env.ICP_RUBRIC), registry: metrics.registry, logger: logger.child({ part: "tier-census" }), groupPrefix: env.ICP_GROUP_PREFIX }),
});
