import { Agent, request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "./logger.js";
import { createServiceMetrics } from "./metrics.js";
import type { HealthChecks, OpsServer } from "./ops-server.js";
import { startOpsServer } from "./ops-server.js";
import { createReadiness, type PartitionLag } from "./readiness.js";

const servers: OpsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(health: Partial<HealthChecks> = {}, checkTimeoutMs?: number, routes?: Record<string, () => unknown>) {
  const metrics = createServiceMetrics("fit", { defaultMetrics: false });
  const server = await startOpsServer({
    port: 0,
    host: "127.0.0.1",
    health: { live: () => true, ready: () => ({ ready: true, detail: {} }), ...health },
    metrics: metrics.registry,
    logger: silentLogger(),
    ...(checkTimeoutMs === undefined ? {} : { checkTimeoutMs }),
    ...(routes ? { routes } : {}),
  });
  servers.push(server);
  return { server, metrics };
}

describe("startOpsServer", () => {
  it("listens on a free port when given 0 and reports the real one", async () => {
    const { server } = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.url).not.toMatch(/:0$/);
  });

  it("answers /healthz with 200 while live and 503 when not", async () => {
    let live = true;
    const { server } = await start({ live: () => live });
    const ok = await fetch(`${server.url}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: "ok" });
    live = false;
    const down = await fetch(`${server.url}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: "unhealthy" });
  });

  it("answers 503 when a check throws or takes longer than the check timeout", async () => {
    const { server } = await start({ live: () => Promise.reject(new Error("event loop stuck")), ready: () => new Promise(() => {}) }, 50);
    const thrown = await fetch(`${server.url}/healthz`);
    expect(thrown.status).toBe(503);
    expect(await thrown.json()).toEqual({ status: "unhealthy", error: "event loop stuck" });
    const hung = await fetch(`${server.url}/readyz`);
    expect(hung.status).toBe(503);
    expect(await hung.json()).toEqual({ status: "unhealthy", error: "health check took longer than 50 ms" });
  });

  it("serves the readiness check on /readyz, 503 until ready and 200 after", async () => {
    let lags: PartitionLag[] | null = null;
    const readiness = createReadiness({ maxLag: 0, lag: async () => lags });
    const { server } = await start({ ready: readiness.check });
    const before = await fetch(`${server.url}/readyz`);
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({ ready: false, detail: { running: false, assignedPartitions: null } });

    readiness.setRunning(true);
    lags = [{ topic: "firmographic", partition: 0, lag: 0 }];
    const after = await fetch(`${server.url}/readyz`);
    expect(after.status).toBe(200);
    expect(await after.json()).toEqual({
      ready: true,
      detail: { running: true, dependencies: { broker: "ok" }, assignedPartitions: [{ topic: "firmographic", partition: 0 }], caughtUp: true, lagging: [], maxLag: 0 },
    });
  });

  it("serves /metrics in the Prometheus text format with its content type", async () => {
    const { server, metrics } = await start();
    metrics.eventsIn.inc({ topic: "intent" }, 3);
    const response = await fetch(`${server.url}/metrics?debug=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await response.text();
    expect(text).toContain("# TYPE events_in_total counter");
    expect(text).toContain('events_in_total{topic="intent",service="fit"} 3');
  });

  it("serves a service's own JSON endpoints beside the standard ones, and a failing one as 503 with its reason", async () => {
    let failing = false;
    const { server } = await start({}, undefined, {
      "/model-health": () => {
        if (failing) throw new Error("counts unreadable");
        return { scorecards: 1 };
      },
      "/healthz": () => ({ replaced: true }),
    });
    const ok = await fetch(`${server.url}/model-health`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ scorecards: 1 });
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: "ok" });
    failing = true;
    const broken = await fetch(`${server.url}/model-health`);
    expect(broken.status).toBe(503);
    expect(await broken.json()).toMatchObject({ error: "counts unreadable" });
  });

  it("answers 404 for other paths and 405 for other methods", async () => {
    const { server } = await start();
    expect((await fetch(`${server.url}/`)).status).toBe(404);
    expect((await fetch(`${server.url}/healthz/extra`)).status).toBe(404);
    const post = await fetch(`${server.url}/healthz`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("closes even while a client holds a keep-alive connection open", async () => {
    const { server } = await start();
    await new Promise<void>((resolve, reject) => {
      const req = request(`${server.url}/healthz`, { agent: new Agent({ keepAlive: true }) }, (res) => {
        res.resume();
        res.on("end", resolve);
      });
      req.on("error", reject);
      req.end();
    });
    await servers.pop()?.close();
  });
});
