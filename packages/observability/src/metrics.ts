import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** 0.5 ms to 10 s: one handler call, from a cache hit to a slow Redis round-trip under load. */
export const PROCESSING_LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * 5 ms to 2 min: from an event's `occurredAt` to the moment a service finishes with it.
 * Spans several hops and includes consumer lag, so the tail is longer than one handler's.
 */
export const END_TO_END_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export interface ServiceMetrics {
  /** The service's own registry; serve it on /metrics. */
  registry: Registry;
  /** Messages taken from a topic, whatever became of them. */
  eventsIn: Counter<"topic">;
  /** Messages produced to a topic (dead letters not included). */
  eventsOut: Counter<"topic">;
  /** Failures by error code, retried or not. */
  errors: Counter<"code">;
  /** Messages sent to the dead-letter topic, by the topic they came from and the reason code. */
  deadLettered: Counter<"topic" | "code">;
  /** Messages behind the partition's high watermark; the caller sets it (see `createReadiness`). */
  consumerLag: Gauge<"topic" | "partition">;
  /** Time to handle one message, decode to commit, by input topic. */
  processingLatency: Histogram<"topic">;
  /** Shards replaying quietly after lost Redis state, by partition: 1 while replaying, 0 once settled. */
  quietReplay: Gauge<"partition">;
  /** Accounts settled at the end of quiet replays. */
  replaySettledAccounts: Counter;
  /** Time from the event's `occurredAt` to the end of its handling here, by input topic. */
  endToEndLatency: Histogram<"topic">;
}

export interface ServiceMetricsOptions {
  /** Process metrics (CPU, memory, event-loop lag, GC, handles). Default true. */
  defaultMetrics?: boolean;
}

/**
 * A fresh registry with the pipeline's metrics, every series labelled `service`. Nothing
 * touches prom-client's global registry, so tests (and a process hosting two services)
 * can create as many as they like.
 */
export function createServiceMetrics(service: string, options: ServiceMetricsOptions = {}): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    eventsIn: new Counter({ name: "events_in_total", help: "Messages consumed, by topic.", labelNames: ["topic"], registers }),
    eventsOut: new Counter({ name: "events_out_total", help: "Messages produced, by topic.", labelNames: ["topic"], registers }),
    errors: new Counter({ name: "errors_total", help: "Failures, by error code.", labelNames: ["code"], registers }),
    deadLettered: new Counter({ name: "dead_lettered_total", help: "Messages dead-lettered, by source topic and reason code.", labelNames: ["topic", "code"], registers }),
    consumerLag: new Gauge({ name: "consumer_lag", help: "Messages behind the high watermark, by topic and partition.", labelNames: ["topic", "partition"], registers }),
    quietReplay: new Gauge({ name: "quiet_replay", help: "1 while the partition's shard replays quietly after lost Redis state, 0 once settled.", labelNames: ["partition"], registers }),
    replaySettledAccounts: new Counter({ name: "replay_settled_accounts_total", help: "Accounts settled at the end of quiet replays.", registers }),
    processingLatency: new Histogram({
      name: "processing_latency_seconds",
      help: "Time to handle one message, by input topic.",
      labelNames: ["topic"],
      buckets: PROCESSING_LATENCY_BUCKETS,
      registers,
    }),
    endToEndLatency: new Histogram({
      name: "end_to_end_latency_seconds",
      help: "Time from the event's occurredAt to the end of its handling, by input topic.",
      labelNames: ["topic"],
      buckets: END_TO_END_LATENCY_BUCKETS,
      registers,
    }),
  };
}
