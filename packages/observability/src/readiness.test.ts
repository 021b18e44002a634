import { describe, expect, it } from "vitest";
import { createServiceMetrics } from "./metrics.js";
import { consumerLagGauge, createReadiness, type PartitionLag } from "./readiness.js";

const caughtUp: PartitionLag[] = [
  { topic: "intent", partition: 0, lag: 0 },
  { topic: "intent", partition: 1, lag: 10 },
];

function readiness(lag: () => Promise<readonly PartitionLag[] | null>, dependencies: Record<string, () => Promise<unknown>> = {}, options: { maxLag?: number; checkTimeoutMs?: number } = {}) {
  const r = createReadiness({ lag, dependencies, maxLag: options.maxLag ?? 10, checkTimeoutMs: options.checkTimeoutMs ?? 50 });
  r.setRunning(true);
  return r;
}

describe("createReadiness", () => {
  it("is ready when running, every dependency answers and every assigned partition is within the lag limit", async () => {
    const { ready, detail } = await readiness(async () => caughtUp, { redis: async () => "PONG" }).check();
    expect(ready).toBe(true);
    expect(detail).toEqual({ running: true, dependencies: { redis: "ok", broker: "ok" }, assignedPartitions: [{ topic: "intent", partition: 0 }, { topic: "intent", partition: 1 }], caughtUp: true, lagging: [], maxLag: 10 });
  });

  it("is ready on empty topics: every assigned partition at lag 0", async () => {
    expect((await readiness(async () => [{ topic: "hiring", partition: 0, lag: 0 }]).check()).ready).toBe(true);
  });

  it("is not ready before the group has assigned partitions, and ready with an empty assignment, as a member beyond the partition count is", async () => {
    expect(await readiness(async () => null).check()).toMatchObject({ ready: false, detail: { assignedPartitions: null, caughtUp: false } });
    expect((await readiness(async () => []).check()).ready).toBe(true);
  });

  it("counts a partition over the limit, of unknown lag, or replaying quietly as lagging", async () => {
    const lags: PartitionLag[] = [
      { topic: "intent", partition: 0, lag: 11 },
      { topic: "intent", partition: 1, lag: null },
      { topic: "intent", partition: 2, lag: 0, replaying: true },
      { topic: "intent", partition: 3, lag: 10 },
    ];
    const { ready, detail } = await readiness(async () => lags).check();
    expect(ready).toBe(false);
    expect(detail.lagging.map((p) => p.partition)).toEqual([0, 1, 2]);
  });

  it("is not ready while a dependency refuses or does not answer in time, and says which", async () => {
    const refused = await readiness(async () => caughtUp, { redis: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6390")) }).check();
    expect(refused).toMatchObject({ ready: false, detail: { dependencies: { redis: "unreachable: connect ECONNREFUSED 127.0.0.1:6390", broker: "ok" }, caughtUp: true } });
    const hung = await readiness(async () => caughtUp, { redis: () => new Promise(() => {}) }).check();
    expect(hung).toMatchObject({ ready: false, detail: { dependencies: { redis: "unreachable: no answer within 50 ms" } } });
  });

  it("is not ready while the broker does not answer the lag read", async () => {
    const { ready, detail } = await readiness(() => Promise.reject(new Error("Connection error: connect ECONNREFUSED"))).check();
    expect(ready).toBe(false);
    expect(detail).toMatchObject({ dependencies: { broker: "unreachable: Connection error: connect ECONNREFUSED" }, assignedPartitions: null, caughtUp: false });
  });

  it("is not ready before it runs or once it stops, whatever the checks say", async () => {
    const r = createReadiness({ lag: async () => caughtUp, maxLag: 10 });
    expect((await r.check()).ready).toBe(false);
    r.setRunning(true);
    expect((await r.check()).ready).toBe(true);
    r.setRunning(false);
    expect(await r.check()).toMatchObject({ ready: false, detail: { running: false } });
  });
});

describe("consumerLagGauge", () => {
  it("drops the consumer_lag series of partitions no longer assigned", async () => {
    const metrics = createServiceMetrics("timing", { defaultMetrics: false });
    const lag = consumerLagGauge(metrics.consumerLag);
    lag.assign([{ topic: "hiring", partition: 0 }, { topic: "hiring", partition: 1 }]);
    lag.set("hiring", 0, 5);
    lag.set("hiring", 1, 7);
    expect(await metrics.registry.metrics()).toContain('consumer_lag{topic="hiring",partition="1",service="timing"} 7');

    lag.assign([{ topic: "hiring", partition: 0 }]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('consumer_lag{topic="hiring",partition="0",service="timing"} 5');
    expect(text).not.toContain('partition="1"');
  });
});
