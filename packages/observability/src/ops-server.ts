import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import type { Logger } from "./logger.js";

export interface HealthChecks {
  /** The process can make progress; false (or a throw) means restart it. */
  live(): boolean | Promise<boolean>;
  /** The service can do its work now; `detail` is served as is (see `createReadiness`). */
  ready(): { ready: boolean; detail: object } | Promise<{ ready: boolean; detail: object }>;
}

export interface OpsServerOptions {
  /** 0 picks a free port; the real one is in the returned `url`. */
  port: number;
  /** Default 0.0.0.0: probes and scrapers reach the process from outside its container. */
  host?: string;
  health: HealthChecks;
  metrics: Registry;
  logger: Logger;
  /**
   * How long a health check may take before the probe gets a 503. Default 2000 ms: below
   * the usual probe timeout, so a hung check reads as "unhealthy", not as a dead endpoint.
   */
  checkTimeoutMs?: number;
  /**
   * More GET endpoints answering JSON (path → body, e.g. the outcome stage's
   * `/model-health`); a throw is a 503 with its message. The three paths above cannot be replaced.
   */
  routes?: Readonly<Record<string, () => unknown>>;
}

export interface OpsServer {
  url: string;
  /** Stops listening and drops open (keep-alive) connections. */
  close(): Promise<void>;
}

/**
 * The endpoints every service exposes, GET (or HEAD) only:
 * - `/healthz` — 200 `{"status":"ok"}` or 503 `{"status":"unhealthy"}`;
 * - `/readyz` — 200 or 503 with `{"ready":…,"detail":…}`;
 * - `/metrics` — the registry in Prometheus text format;
 * - each of `routes`, 200 with its JSON.
 * Anything else is 404; another method on these paths is 405.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const { health, metrics, logger } = options;
  const timeoutMs = options.checkTimeoutMs ?? 2000;

  const routes: Record<string, () => Promise<Reply>> = {
    ...Object.fromEntries(Object.entries(options.routes ?? {}).map(([path, body]) => [path, async () => json(200, await body())])),
    "/healthz": async () => {
      const live = await withTimeout(Promise.resolve().then(() => health.live()), timeoutMs);
      return json(live ? 200 : 503, { status: live ? "ok" : "unhealthy" });
    },
    "/readyz": async () => {
      const { ready, detail } = await withTimeout(Promise.resolve().then(() => health.ready()), timeoutMs);
      return json(ready ? 200 : 503, { ready, detail });
    },
    "/metrics": async () => ({ status: 200, contentType: metrics.contentType, body: await metrics.metrics() }),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://ops").pathname;
    const route = routes[path];
    let reply: Reply;
    if (!route) reply = json(404, { error: "not found" });
    else if (req.method !== "GET" && req.method !== "HEAD") reply = { ...json(405, { error: "method not allowed" }), headers: { allow: "GET, HEAD" } };
    else {
      try {
        reply = await route();
      } catch (error) {
        logger.warn({ err: error, path }, "ops endpoint failed");
        reply = path === "/metrics" ? json(500, { error: "metrics unavailable" }) : json(503, { status: "unhealthy", error: (error as Error).message });
      }
    }
    res.writeHead(reply.status, { "content-type": reply.contentType, "cache-control": "no-store", ...reply.headers });
    res.end(req.method === "HEAD" ? undefined : reply.body);
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info({ url }, "ops server listening");

  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

interface Reply {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

function json(status: number, body: unknown): Reply {
  return { status, contentType: "application/json; charset=utf-8", body: JSON.stringify(body) };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`health check took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
