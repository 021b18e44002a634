import type { Gauge } from "prom-client";

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface ReadinessDetail {
  /** The service's clients (Kafka, Redis) are connected. */
  connected: boolean;
  /** Partitions this consumer owns; null until the group has assigned any (an empty list is a real answer). */
  assignedPartitions: TopicPartition[] | null;
  /** Every assigned partition has reported a lag within `maxLag`. */
  caughtUp: boolean;
  /** Assigned partitions over the limit, or not yet reported (`lag: null`). */
  lagging: Array<TopicPartition & { lag: number | null }>;
  maxLag: number;
}

export interface ReadinessSnapshot {
  ready: boolean;
  detail: ReadinessDetail;
}

export interface Readiness {
  setConnected(connected: boolean): void;
  /** The current assignment, replacing the previous one (call it on every rebalance). */
  setAssignedPartitions(partitions: readonly TopicPartition[]): void;
  /** The partition's lag in messages; also sets the `consumer_lag` gauge when one was given. */
  setLag(topic: string, partition: number, lag: number): void;
  /** What /readyz serves. Safe to pass around unbound. */
  snapshot(): ReadinessSnapshot;
}

export interface ReadinessOptions {
  /**
   * The most messages a partition may be behind and still count as caught up. Default
   * 1000: a few seconds of work for one consumer, so a service that has just rebuilt its
   * state from the topic turns ready once it is live, not before.
   */
  maxLag?: number;
  /** `consumer_lag` from `createServiceMetrics`, kept in step with `setLag`. */
  lagGauge?: Gauge<"topic" | "partition">;
}

/**
 * Tracks what makes a consumer service ready: connected, partitions assigned, and every
 * assigned partition caught up. A partition whose lag has not been reported yet is not
 * caught up, so the service must report lag (it does anyway, for `consumer_lag`).
 */
export function createReadiness(options: ReadinessOptions = {}): Readiness {
  const maxLag = options.maxLag ?? 1000;
  let connected = false;
  let assigned: TopicPartition[] | null = null;
  const lags = new Map<string, number>();
  const id = (topic: string, partition: number) => `${topic}\u0000${partition}`;

  return {
    setConnected(value) {
      connected = value;
    },
    setAssignedPartitions(partitions) {
      const next = partitions.map(({ topic, partition }) => ({ topic, partition }));
      const kept = new Set(next.map((tp) => id(tp.topic, tp.partition)));
      for (const tp of assigned ?? []) {
        if (kept.has(id(tp.topic, tp.partition))) continue;
        lags.delete(id(tp.topic, tp.partition));
        options.lagGauge?.remove({ topic: tp.topic, partition: String(tp.partition) });
      }
      assigned = next;
    },
    setLag(topic, partition, lag) {
      lags.set(id(topic, partition), lag);
      options.lagGauge?.set({ topic, partition: String(partition) }, lag);
    },
    snapshot() {
      const lagging = (assigned ?? [])
        .map((tp) => ({ ...tp, lag: lags.get(id(tp.topic, tp.partition)) ?? null }))
        .filter((tp) => tp.lag === null || tp.lag > maxLag);
      const caughtUp = assigned !== null && lagging.length === 0;
      return {
        ready: connected && caughtUp,
        detail: { connected, assignedPartitions: assigned ? assigned.map((tp) => ({ ...tp })) : null, caughtUp, lagging, maxLag },
      };
    },
  };
}
