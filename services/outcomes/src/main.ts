import { runService } from "@icpstream/service-runtime";
import { OUTCOMES_STREAM, outcomesHandler } from "./handler.js";

// Composition root of the outcome stage. Outcomes and tier changes are co-partitioned by
// account and consumed together (shard "outcomes"): its own service rather than the
// router's consumer, so that scoring the model never waits on webhook delivery or routing
// rules, and a replay of outcomes (a CRM backfill) never re-routes an account.
await runService({
  name: "outcomes",
  defaultOpsPort: 19105,
  usesRubric: false,
  inputs: (catalog) => [catalog.outcome, catalog.tierChanged],
  stream: OUTCOMES_STREAM,
  handler: ({ catalog }) => outcomesHandler(catalog),
});
