import { runService } from "@icpstream/service-runtime";
import { createWebhookMetrics, startWebhookDispatch } from "@icpstream/webhooks";
import { loadRouterSettings } from "./config.js";
import { ROUTER_STREAM, routerHandler } from "./handler.js";

// Composition root of the router. Profiles and tier changes are co-partitioned by account
// and consumed together (shard "routing"): the profile gives the territory, the tier change
// the actions. Webhook delivery subscribes to the actions topic beside it and commits an
// action's offset only once its webhooks are delivered or dead-lettered; on shutdown the
// runtime stops the consumer, then the delivery drains and commits, then the producer disconnects.
const settings = loadRouterSettings(process.env);

await runService({
  name: "router",
  defaultOpsPort: 19104,
  usesRubric: false,
  runsInShadow: false,
  inputs: (catalog) => [catalog.firmographic, catalog.tierChanged],
  stream: ROUTER_STREAM,
  handler: ({ catalog }) => routerHandler(settings.routing, catalog),
  companion: ({ env, catalog, kafka, producer, codec, logger, clock, metrics }) =>
    startWebhookDispatch({
      kafka,
      producer,
      codec,
      catalog,
      groupId: `${env.ICP_GROUP_PREFIX}router-webhooks`,
      endpoints: settings.endpoints,
      drainTimeoutMs: settings.env.ICP_WEBHOOK_DRAIN_TIMEOUT_MS,
      logger: logger.child({ part: "webhooks" }),
      metrics: createWebhookMetrics(metrics.registry),
      clock,
      sessionTimeoutMs: env.ICP_SESSION_TIMEOUT_MS,
    }),
});
