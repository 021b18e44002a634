/**
 * @icpstream/webhooks — routing actions delivered to subscribers over HTTP: the
 * subscriptions (`parseWebhookConfig`, secrets from the environment by name), the deliverer
 * (signed, retried, one account at a time per endpoint, never blocking the consumer), its
 * Prometheus series, and the dispatch that consumes the routing-actions topic with manual
 * commit, so an action's offset moves only once its webhooks are delivered or dead-lettered.
 */
export * from "./webhook-config.js";
export * from "./webhook-delivery.js";
export * from "./webhook-delivery-metrics.js";
export * from "./webhook-dispatch.js";
