/**
 * @icpstream/router — the router service's parts: settings, the routing handler, webhook subscriptions and their delivery.
 * The composition root (`main.ts`) wires them to Kafka.
 */
export * from "./webhook-config.js";
export * from "./webhook-delivery.js";
export * from "./webhook-delivery-metrics.js";
export * from "./config.js";
export * from "./handler.js";
export * from "./webhook-dispatch.js";
export * from "./settled-offsets.js";
