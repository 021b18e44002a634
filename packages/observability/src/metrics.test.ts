import { register as globalRegistry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createServiceMetrics } from "./metrics.js";

describe("createServiceMetrics", () => {
  it("exposes every pipeline metric with its labels and the service label", async () => {
    const metrics = createServiceMetrics("combiner", { defaultMetrics: false });
    metrics.eventsIn.inc({ topic: "fit-scores" });
    metrics.eventsOut.inc({ topic: "tier-changed" }, 2);
    metrics.errors.inc({ code: "REDIS_UNAVAILABLE" });
    metrics.deadLettered.inc({ topic: "fit-scores", code: "SCHEMA_MISMATCH" });
    metrics.consumerLag.set({ topic: "fit-scores", partition: "3" }, 17);
    metrics.processingLatency.observe({ topic: "fit-scores" }, 0.004);
    metrics.endToEndLatency.observe({ topic: "fit-scores" }, 1.5);

    const text = await metrics.registry.metrics();
    expect(text).toContain('events_in_total{topic="fit-scores",service="combiner"} 1');
    expect(text).toContain('events_out_total{topic="tier-changed",service="combiner"} 2');
    expect(text).toContain('errors_total{code="REDIS_UNAVAILABLE",service="combiner"} 1');
    expect(text).toContain('dead_lettered_total{topic="fit-scores",code="SCHEMA_MISMATCH",service="combiner"} 1');
    expect(text).toContain('consumer_lag{topic="fit-scores",partition="3",service="combiner"} 17');
    expect(text).toContain('processing_latency_seconds_count{service="combiner",topic="fit-scores"} 1');
    expect(text).toContain('end_to_end_latency_seconds_sum{service="combiner",topic="fit-scores"} 1.5');
  });

  it("buckets processing latency from half a millisecond to ten seconds", async () => {
    const metrics = createServiceMetrics("fit", { defaultMetrics: false });
    metrics.processingLatency.observe({ topic: "intent" }, 0.0003);
    const text = await metrics.registry.metrics();
    const bounds = [...text.matchAll(/processing_latency_seconds_bucket\{le="([^"]+)"/g)].map((match) => match[1]);
    expect(bounds[0]).toBe("0.0005");
    expect(bounds.at(-2)).toBe("10");
    expect(bounds.at(-1)).toBe("+Inf");
  });

  it("includes process metrics on the service's own registry", async () => {
    const metrics = createServiceMetrics("router");
    const text = await metrics.registry.metrics();
    expect(text).toContain("process_cpu_user_seconds_total");
    expect(text).toContain("nodejs_eventloop_lag_seconds");
  });

  it("lets one process create many registries and leaves the global one untouched", async () => {
    const first = createServiceMetrics("fit", { defaultMetrics: false });
    const second = createServiceMetrics("fit", { defaultMetrics: false });
    first.eventsIn.inc({ topic: "intent" });
    expect(await second.registry.metrics()).not.toContain('events_in_total{topic="intent"');
    expect(globalRegistry.getSingleMetric("events_in_total")).toBeUndefined();
  });
});
