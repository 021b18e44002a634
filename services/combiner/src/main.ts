import { runService } from "@icpstream/service-runtime";
import { combinerHandler } from "./handler.js";

// Composition root of the combiner. fit-scored and timing-scored are co-partitioned by
// account and consumed together (shard "scores"), so one member joins an account's scores.
await runService({
  name: "combiner",
  defaultOpsPort: 19103,
  inputs: (catalog) => [catalog.fitScored, catalog.timingScored],
  stream: "scores",
  handler: ({ rubric, catalog, readPartition }) => combinerHandler(rubric, catalog, readPartition),
});
