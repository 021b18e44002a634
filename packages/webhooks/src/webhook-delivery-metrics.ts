import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { WebhookDeliveryMetrics } from "./webhook-delivery.js";

/** 10 ms to 2 min: one fast POST up to a delivery that went through several backoffs. */
export const WEBHOOK_LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * Prometheus series for webhook delivery, registered on the service's registry (from
 * `createServiceMetrics`), labelled by endpoint id:
 * `webhook_delivered_total`, `webhook_retries_total`, `webhook_dead_lettered_total{code}`,
 * `webhook_requests_total{outcome}`, `webhook_request_duration_seconds`,
 * `webhook_delivery_latency_seconds` (enqueue to 2xx) and `webhook_queue_depth`.
 */
export function createWebhookMetrics(registry: Registry): WebhookDeliveryMetrics {
  const registers = [registry];
  const delivered = new Counter({ name: "webhook_delivered_total", help: "Routing actions a webhook accepted (2xx), by endpoint.", labelNames: ["endpoint"], registers });
  const retries = new Counter({ name: "webhook_retries_total", help: "Webhook retries scheduled, by endpoint.", labelNames: ["endpoint"], registers });
  const deadLettered = new Counter({ name: "webhook_dead_lettered_total", help: "Webhook deliveries dead-lettered, by endpoint and reason code.", labelNames: ["endpoint", "code"], registers });
  const requests = new Counter({ name: "webhook_requests_total", help: "Webhook HTTP requests, by endpoint and outcome.", labelNames: ["endpoint", "outcome"], registers });
  const requestDuration = new Histogram({ name: "webhook_request_duration_seconds", help: "One webhook HTTP request, by endpoint.", labelNames: ["endpoint"], buckets: WEBHOOK_LATENCY_BUCKETS, registers });
  const deliveryLatency = new Histogram({ name: "webhook_delivery_latency_seconds", help: "Enqueue to 2xx, retries included, by endpoint.", labelNames: ["endpoint"], buckets: WEBHOOK_LATENCY_BUCKETS, registers });
  const queueDepth = new Gauge({ name: "webhook_queue_depth", help: "Routing actions waiting for a webhook, by endpoint.", labelNames: ["endpoint"], registers });
  return {
    delivered: (endpoint, { latencyMs }) => {
      delivered.inc({ endpoint });
      deliveryLatency.observe({ endpoint }, latencyMs / 1000);
    },
    attempted: (endpoint, { outcome, latencyMs }) => {
      requests.inc({ endpoint, outcome });
      requestDuration.observe({ endpoint }, latencyMs / 1000);
    },
    retried: (endpoint) => retries.inc({ endpoint }),
    deadLettered: (endpoint, code) => deadLettered.inc({ endpoint, code }),
    queueDepth: (endpoint, depth) => queueDepth.set({ endpoint }, depth),
  };
}
