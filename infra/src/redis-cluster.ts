import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { Redis } from "ioredis";
import { type ManagedProcess, startDetached, stopProcess, waitUntil } from "./processes.js";

/**
 * A Redis Cluster of local `redis-server` processes: `primaries` primaries with `replicas`
 * replicas each (default 3 × 1, the smallest cluster that survives losing a primary), created
 * with `redis-cli --cluster create`. Each node has its data dir, log and pid file under `dir`,
 * append-only persistence like the single Redis, and the cluster bus on port + 10000.
 */
export interface RedisClusterSpec {
  dir: string;
  ports: readonly number[];
  replicas?: number;
  server?: string;
  /** `requirepass` and `masterauth` of every node; absent: no password. */
  password?: string;
  nodeTimeoutMs?: number;
}

export interface RunningRedisCluster {
  /** The seed node URLs, comma-separated, as REDIS_URL takes them (`redis://127.0.0.1:7000,…`). */
  url: string;
  nodes: { port: number; process: ManagedProcess }[];
  stop(): Promise<void>;
}

const nodeProcess = (dir: string, port: number): ManagedProcess => ({
  name: `redis-cluster-${port}`,
  pidFile: join(dir, String(port), "redis.pid"),
  logFile: join(dir, String(port), "redis.log"),
  marker: `:${port}`,
});

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** `count` ports whose cluster-bus ports (+10000) are free as well, from a random start in [20000, 30000). */
export async function freeClusterPorts(count: number): Promise<number[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const start = 20_000 + Math.floor(Math.random() * 9_000);
    const ports = Array.from({ length: count }, (_, i) => start + i);
    const free = await Promise.all(ports.flatMap((p) => [portFree(p), portFree(p + 10_000)]));
    if (free.every(Boolean)) return ports;
  }
  throw new Error(`no ${count} consecutive free ports (and their cluster bus ports) found`);
}

async function clusterState(port: number, password: string | undefined): Promise<string | undefined> {
  const redis = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, ...(password ? { password } : {}) });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    const info = (await redis.call("CLUSTER", "INFO")) as string;
    return /cluster_state:(\w+)/.exec(info)?.[1];
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

/**
 * Starts the nodes, creates the cluster (once: a restarted node reads its nodes.conf), and
 * waits until every node reports `cluster_state:ok`. Throws with the node's log when one does
 * not come up within 30 s.
 */
export async function startRedisCluster(spec: RedisClusterSpec): Promise<RunningRedisCluster> {
  const replicas = spec.replicas ?? 1;
  if (spec.ports.length < 3 * (replicas + 1)) throw new Error(`a Redis Cluster needs at least ${3 * (replicas + 1)} nodes for 3 primaries with ${replicas} replica(s) each; got ${spec.ports.length} ports`);
  const server = spec.server ?? "redis-server";
  const auth = spec.password ? ["--requirepass", spec.password, "--masterauth", spec.password] : [];
  const nodes = spec.ports.map((port) => {
    const dataDir = join(spec.dir, String(port));
    mkdirSync(dataDir, { recursive: true });
    const process = nodeProcess(spec.dir, port);
    startDetached(process, server, [
      "--bind", "127.0.0.1", "--port", String(port), "--dir", dataDir,
      "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", String(spec.nodeTimeoutMs ?? 3000),
      "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--hash-max-listpack-value", "1024",
      "--daemonize", "no", "--protected-mode", "yes", ...auth,
    ]);
    return { port, process };
  });
  const stop = async () => {
    for (const node of nodes) await stopProcess(node.process, 10_000);
  };
  try {
    for (const node of nodes) {
      await waitUntil(async () => (await clusterState(node.port, spec.password)) !== undefined, { timeoutMs: 30_000, describe: `redis cluster node on port ${node.port}` });
    }
    if ((await clusterState(spec.ports[0] as number, spec.password)) !== "ok") {
      execFileSync("redis-cli", [...(spec.password ? ["--no-auth-warning", "-a", spec.password] : []), "--cluster", "create", ...spec.ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", String(replicas), "--cluster-yes"], { stdio: "pipe" });
    }
    for (const node of nodes) {
      await waitUntil(async () => (await clusterState(node.port, spec.password)) === "ok", { timeoutMs: 30_000, describe: `cluster_state:ok on port ${node.port}` });
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const credentials = spec.password ? `:${encodeURIComponent(spec.password)}@` : "";
  return { url: spec.ports.map((p) => `redis://${credentials}127.0.0.1:${p}`).join(","), nodes, stop };
}
