import { runService } from "@icpstream/service-runtime";
import { OUTCOMES_STREAM, outcomesHandler } from "./handler.js";
import { startModelHealth } from "./model-health.js";

// Composition root of the outcome stage. Outcomes and tier changes are co-partitioned by
// account and consumed together (shard "outcomes"): its own service rather than the
// router's consumer, so that scoring the model never waits on webhook delivery or routing
// rules, and a replay of outcomes (a CRM backfill) never re-routes an account. Beside it,
// the model-health view reads the stage's counts: /model-health (JSON) and gauges on /metrics.
await runService({
  name: "outcomes",
  defaultOpsPort: 19105,
  usesRubric: false,
  inputs: (catalog) => [catalog.outcome, catalog.tierChanged],
  stream: OUTCOMES_STREAM,
  handler: ({ catalog }) => outcomesHandler(catalog),
  companion: ({ kafka, catalog, store, groupId, metrics }) => {
    let partitions: Promise<number> | undefined;
    // Read once from the broker (the stage's two inputs have the same count: co-partitioned).
    const partitionCount = () =>
      (partitions ??= (async () => {
        const admin = kafka.admin();
        await admin.connect();
        try {
          const metadata = await admin.fetchTopicMetadata({ topics: [catalog.outcome.topic] });
          return metadata.topics[0]?.partitions.length ?? 0;
        } finally {
          await admin.disconnect();
        }
      })().catch((error: unknown) => {
        partitions = undefined;
        throw error;
      }));
    const health = startModelHealth({ store, groupId, stream: OUTCOMES_STREAM, partitions: partitionCount, registry: metrics.registry });
    return Promise.resolve({ routes: health.routes, stop: () => Promise.resolve() });
  },
});
