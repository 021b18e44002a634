import { runService } from "@icpstream/service-runtime";
import { parseEnrichmentEnv } from "./config.js";
import { enrichmentHandler } from "./handler.js";

const settings = parseEnrichmentEnv(process.env);

// Composition root of the enrichment service: profiles in, the waterfall's requests out.
await runService({
  name: "enrichment",
  defaultOpsPort: 19107,
  inputs: (catalog) => [catalog.firmographic],
  handler: ({ rubric, catalog }) =>
    enrichmentHandler(rubric, catalog, {
      cooldownMs: settings.ICP_ENRICHMENT_COOLDOWN_HOURS * 3_600_000,
      dailyBudget: { technographic: settings.ICP_ENRICHMENT_DAILY_BUDGET_TECHNOGRAPHIC, organisational: settings.ICP_ENRICHMENT_DAILY_BUDGET_ORGANISATIONAL },
      partitions: catalog.firmographic.partitions,
    }),
});
