import { runService } from "@icpstream/service-runtime";
import { parseTimingEnv } from "./config.js";
import { timingHandler } from "./handler.js";

const settings = parseTimingEnv(process.env);

// Composition root of the timing service. Hiring, funding and intent are co-partitioned and
// consumed together, so one member holds all of an account's signals (shard "signals").
// Rubric promotions are read with them (followsPromotions).
await runService({
  name: "timing",
  defaultOpsPort: 19102,
  inputs: (catalog) => [catalog.hiring, catalog.funding, catalog.intent],
  stream: "signals",
  followsPromotions: true,
  handler: ({ rubrics, catalog }) => timingHandler(rubrics, catalog, { futureToleranceMs: settings.ICP_SIGNAL_FUTURE_TOLERANCE_HOURS * 3_600_000 }),
});
