import type { Gauge } from "prom-client";

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** One assigned partition and how far the consumer is behind its high watermark. */
export interface PartitionLag extends TopicPartition {
  /** Messages between what was applied and the high watermark; null when unknown (the partition's shard is not held yet). */
  lag: number | null;
  /** Replaying lost state quietly (outputs withheld): not caught up whatever the lag. */
  replaying?: boolean;
}

export interface ReadinessDetail {
  /** Started and not stopping. */
  running: boolean;
  /** Each dependency's answer to this check: `ok`, or why not (`unreachable: …`). The broker's is the lag read. */
  dependencies: Record<string, string>;
  /** Partitions this consumer owns; null until the group has assigned any (an empty list is a real answer) or while the broker does not answer. */
  assignedPartitions: TopicPartition[] | null;
  /** Every assigned partition is within `maxLag` of its high watermark and not replaying. */
  caughtUp: boolean;
  /** Assigned partitions over the limit, of unknown lag, or replaying. */
  lagging: PartitionLag[];
  maxLag: number;
}

export interface ReadinessSnapshot {
  ready: boolean;
  detail: ReadinessDetail;
}

export interface Readiness {
  /** True once the service runs; false when it begins to stop. */
  setRunning(running: boolean): void;
  /** Checks now (dependencies and lag, in parallel, each bounded by `checkTimeoutMs`): what /readyz serves. Never rejects. */
  check(): Promise<ReadinessSnapshot>;
}

export interface ReadinessOptions {
  /**
   * The most messages a partition may be behind and still count as caught up. Default
   * 1000: a few seconds of work for one consumer, so a service that has just rebuilt its
   * state from the topic turns ready once it is live, not before.
   */
  maxLag?: number;
  /**
   * How long one check may take before it counts as failed. Default 1500 ms: under the ops
   * server's 2 s check timeout, so /readyz says which dependency did not answer.
   */
  checkTimeoutMs?: number;
  /** What must answer for the service to work, by name (`redis`): each resolves when reachable and rejects otherwise. */
  dependencies?: Readonly<Record<string, () => Promise<unknown>>>;
  /**
   * The assigned partitions with their lag against the high watermark, read from the broker
   * now (so a failure means the broker did not answer); null before the group assigned any.
   */
  lag(): Promise<readonly PartitionLag[] | null>;
  /** Name under which the lag read's failure is reported among the dependencies (default `broker`). */
  lagSource?: string;
}

/**
 * What makes a consumer service ready, checked afresh on every call: it runs, every
 * dependency answers (Redis), the broker answers, the group has assigned partitions, and
 * every assigned partition is within `maxLag` of its high watermark — an empty partition
 * has lag 0, so a service on empty topics is ready once its shards are claimed.
 */
export function createReadiness(options: ReadinessOptions): Readiness {
  const maxLag = options.maxLag ?? 1000;
  const timeoutMs = options.checkTimeoutMs ?? 1500;
  const lagSource = options.lagSource ?? "broker";
  let running = false;

  const answer = async <T>(probe: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; reason: string }> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return { ok: true, value: await Promise.race([Promise.resolve().then(probe), late]) };
    } catch (error) {
      return { ok: false, reason: `unreachable: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    setRunning(value) {
      running = value;
    },
    async check() {
      const names = Object.keys(options.dependencies ?? {});
      const [lagRead, ...answers] = await Promise.all([answer(() => options.lag()), ...names.map((name) => answer(() => (options.dependencies as Record<string, () => Promise<unknown>>)[name]!()))]);
      const dependencies: Record<string, string> = {};
      names.forEach((name, i) => (dependencies[name] = answers[i]!.ok ? "ok" : (answers[i] as { reason: string }).reason));
      dependencies[lagSource] = lagRead.ok ? "ok" : lagRead.reason;
      const lags = lagRead.ok ? lagRead.value : null;
      const lagging = (lags ?? []).filter((p) => p.lag === null || p.lag > maxLag || p.replaying === true).map((p) => ({ ...p }));
      const caughtUp = lags !== null && lagging.length === 0;
      const reachable = Object.values(dependencies).every((d) => d === "ok");
      return {
        ready: running && reachable && caughtUp,
        detail: { running, dependencies, assignedPartitions: lags ? lags.map(({ topic, partition }) => ({ topic, partition })) : null, caughtUp, lagging, maxLag },
      };
    },
  };
}

/**
 * Keeps the `consumer_lag` gauge (from `createServiceMetrics`) in step with the assignment:
 * `assign` drops the series of partitions no longer owned, `set` records a lag.
 */
export function consumerLagGauge(gauge: Gauge<"topic" | "partition">): { assign(partitions: readonly TopicPartition[]): void; set(topic: string, partition: number, lag: number): void } {
  let assigned: TopicPartition[] = [];
  const id = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;
  return {
    assign(partitions) {
      const kept = new Set(partitions.map(id));
      for (const tp of assigned) if (!kept.has(id(tp))) gauge.remove({ topic: tp.topic, partition: String(tp.partition) });
      assigned = partitions.map(({ topic, partition }) => ({ topic, partition }));
    },
    set(topic, partition, lag) {
      gauge.set({ topic, partition: String(partition) }, lag);
    },
  };
}
