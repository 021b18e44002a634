import { runService } from "@icpstream/service-runtime";
import { fitHandler } from "./handler.js";

// Composition root of the fit service. Profiles and contacts are co-partitioned and consumed
// together; the shard keeps the firmographic topic's name, so the state and offsets stored
// before contacts existed stay the fit service's (the contacts topic is read from its start).
// Rubric promotions are read with them (followsPromotions).
await runService({
  name: "fit",
  defaultOpsPort: 19101,
  inputs: (catalog) => [catalog.firmographic, catalog.contacts],
  stream: (catalog) => catalog.firmographic.topic,
  followsPromotions: true,
  handler: ({ rubrics, catalog, readPartition }) => fitHandler(rubrics, catalog, readPartition),
});
