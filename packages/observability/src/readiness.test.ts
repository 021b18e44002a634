import { describe, expect, it } from "vitest";
import { createServiceMetrics } from "./metrics.js";
import { createReadiness } from "./readiness.js";

describe("createReadiness", () => {
  it("is not ready before the group has assigned partitions, even when connected", () => {
    const readiness = createReadiness();
    readiness.setConnected(true);
    expect(readiness.snapshot()).toEqual({ ready: false, detail: { connected: true, assignedPartitions: null, caughtUp: false, lagging: [], maxLag: 1000 } });
  });

  it("is ready once connected and every assigned partition is within the lag limit", () => {
    const readiness = createReadiness({ maxLag: 10 });
    readiness.setConnected(true);
    readiness.setAssignedPartitions([{ topic: "intent", partition: 0 }, { topic: "intent", partition: 1 }]);
    readiness.setLag("intent", 0, 10);
    readiness.setLag("intent", 1, 0);
    const { ready, detail } = readiness.snapshot();
    expect(ready).toBe(true);
    expect(detail).toMatchObject({ connected: true, caughtUp: true, lagging: [] });
    expect(detail.assignedPartitions).toHaveLength(2);
  });

  it("counts a partition whose lag is unreported or over the limit as lagging", () => {
    const readiness = createReadiness({ maxLag: 10 });
    readiness.setConnected(true);
    readiness.setAssignedPartitions([{ topic: "intent", partition: 0 }, { topic: "intent", partition: 1 }]);
    readiness.setLag("intent", 0, 11);
    expect(readiness.snapshot()).toMatchObject({
      ready: false,
      detail: { caughtUp: false, lagging: [{ topic: "intent", partition: 0, lag: 11 }, { topic: "intent", partition: 1, lag: null }] },
    });
  });

  it("is ready with an empty assignment, as a consumer beyond the partition count is", () => {
    const readiness = createReadiness();
    readiness.setConnected(true);
    readiness.setAssignedPartitions([]);
    expect(readiness.snapshot().ready).toBe(true);
  });

  it("turns unready when the connection drops", () => {
    const readiness = createReadiness();
    readiness.setConnected(true);
    readiness.setAssignedPartitions([]);
    readiness.setConnected(false);
    expect(readiness.snapshot()).toMatchObject({ ready: false, detail: { connected: false, caughtUp: true } });
  });

  it("forgets the lag of revoked partitions and drops their consumer_lag series", async () => {
    const metrics = createServiceMetrics("timing", { defaultMetrics: false });
    const readiness = createReadiness({ lagGauge: metrics.consumerLag });
    readiness.setAssignedPartitions([{ topic: "hiring", partition: 0 }, { topic: "hiring", partition: 1 }]);
    readiness.setLag("hiring", 0, 5);
    readiness.setLag("hiring", 1, 7);
    expect(await metrics.registry.metrics()).toContain('consumer_lag{topic="hiring",partition="1",service="timing"} 7');

    readiness.setAssignedPartitions([{ topic: "hiring", partition: 0 }]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('consumer_lag{topic="hiring",partition="0",service="timing"} 5');
    expect(text).not.toContain('partition="1"');

    readiness.setAssignedPartitions([{ topic: "hiring", partition: 0 }, { topic: "hiring", partition: 1 }]);
    expect(readiness.snapshot().detail.lagging).toEqual([{ topic: "hiring", partition: 1, lag: null }]);
  });

  it("gives out a snapshot that later changes do not alter, through an unbound method", () => {
    const readiness = createReadiness();
    const snapshot = readiness.snapshot;
    readiness.setAssignedPartitions([{ topic: "funding", partition: 2 }]);
    const before = snapshot();
    readiness.setAssignedPartitions([]);
    expect(before.detail.assignedPartitions).toEqual([{ topic: "funding", partition: 2 }]);
  });
});
