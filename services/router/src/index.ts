/**
 * @icpstream/router — the router service's parts: settings and the routing handler. Webhook
 * delivery lives in @icpstream/webhooks; the composition root (`main.ts`) wires both to Kafka.
 */
export * from "./config.js";
export * from "./handler.js";
