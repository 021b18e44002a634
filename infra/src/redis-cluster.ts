import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
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
  /** `requirepass` and `masterauth` of every node; absent: no password. With `user`: that ACL user's password. */
  password?: string;
  /**
   * An ACL user (with `password`) that may do everything, replicas and the cluster tools log
   * in as it, and the `default` user is switched off. Written to each node's redis.conf
   * (mode 0600), never on a command line.
   */
  user?: string;
  /** TLS only (`port 0`): clients, replication and the cluster bus all over TLS with these PEM files. */
  tls?: { certFile: string; keyFile: string; caFile: string };
  /** The cluster-bus ports, one per node (default: each node's port + 10000). */
  busPorts?: readonly number[];
  nodeTimeoutMs?: number;
}

export interface RunningRedisCluster {
  /** The seed node URLs, comma-separated, as REDIS_URL takes them (`redis://127.0.0.1:7000,…`). */
  url: string;
  nodes: { port: number; process: ManagedProcess }[];
  stop(): Promise<void>;
}

/** The process of the node on `port`: its pid file and log live in `<dir>/<port>`. */
export const redisClusterNodeProcess = (dir: string, port: number): ManagedProcess => ({
  name: `redis-${port}`,
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

/** How a probe or a tool logs in to a node of the spec. */
function nodeClientOptions(spec: RedisClusterSpec): { username?: string; password?: string; tls?: { ca: string } } {
  return {
    ...(spec.user ? { username: spec.user } : {}),
    ...(spec.password ? { password: spec.password } : {}),
    ...(spec.tls ? { tls: { ca: readFileSync(spec.tls.caFile, "utf8") } } : {}),
  };
}

/** A node's CLUSTER INFO as `field → value`, or undefined when it does not answer. */
async function clusterInfo(spec: RedisClusterSpec, port: number): Promise<Map<string, string> | undefined> {
  const redis = new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000, ...nodeClientOptions(spec) });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    const info = (await redis.call("CLUSTER", "INFO")) as string;
    return new Map(info.split(/\r?\n/).flatMap((line) => {
      const at = line.indexOf(":");
      return at > 0 ? [[line.slice(0, at), line.slice(at + 1).trim()] as [string, string]] : [];
    }));
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

/** A node's `cluster_state` (`ok`, `fail`), or undefined when it does not answer. */
export async function redisClusterNodeState(spec: RedisClusterSpec, port: number): Promise<string | undefined> {
  return (await clusterInfo(spec, port))?.get("cluster_state");
}

/** Starts the node on `ports[index]` (its data dir, nodes.conf and log under `<dir>/<port>`); returns its pid. */
export function startRedisClusterNode(spec: RedisClusterSpec, index: number): number {
  const port = spec.ports[index];
  if (port === undefined) throw new Error(`no Redis Cluster node ${index}: the spec has ${spec.ports.length} ports`);
  const busPort = spec.busPorts?.[index];
  const dataDir = join(spec.dir, String(port));
  mkdirSync(dataDir, { recursive: true });
  const conf: string[] = [];
  if (spec.user) {
    if (!spec.password) throw new Error("a Redis Cluster with an ACL user needs its password");
    conf.push("user default off", `user ${spec.user} on >${spec.password} ~* &* +@all`, `masteruser ${spec.user}`, `masterauth ${spec.password}`);
  }
  if (spec.tls) {
    conf.push(`tls-port ${port}`, `tls-cert-file ${spec.tls.certFile}`, `tls-key-file ${spec.tls.keyFile}`, `tls-ca-cert-file ${spec.tls.caFile}`, "tls-auth-clients no", "tls-replication yes", "tls-cluster yes");
  }
  const confArgs: string[] = [];
  if (conf.length > 0) {
    const confFile = join(dataDir, "redis.conf");
    writeFileSync(confFile, `${conf.join("\n")}\n`, { mode: 0o600 });
    chmodSync(confFile, 0o600);
    confArgs.push(confFile);
  }
  const auth = spec.password && !spec.user ? ["--requirepass", spec.password, "--masterauth", spec.password] : [];
  return startDetached(redisClusterNodeProcess(spec.dir, port), spec.server ?? "redis-server", [
    ...confArgs,
    "--bind", "127.0.0.1", "--port", spec.tls ? "0" : String(port), "--dir", dataDir,
    "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", String(spec.nodeTimeoutMs ?? 3000),
    ...(busPort !== undefined ? ["--cluster-port", String(busPort)] : []),
    "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--hash-max-listpack-value", "1024",
    "--daemonize", "no", "--protected-mode", "yes", ...auth,
  ]);
}

/**
 * Creates the cluster from running nodes when it is not formed yet (a restarted node reads
 * its nodes.conf and needs nothing: it already knows the other nodes), then waits until every node reports `cluster_state:ok`.
 * The password reaches redis-cli through REDISCLI_AUTH, not its command line.
 */
export async function formRedisCluster(spec: RedisClusterSpec, timeoutMs = 30_000): Promise<void> {
  for (const port of spec.ports) {
    await waitUntil(async () => (await redisClusterNodeState(spec, port)) !== undefined, { timeoutMs, describe: `redis cluster node on port ${port}` });
  }
  // A node restarted from its nodes.conf knows its peers at once but reports `fail` until it
  // has heard from them: only a node that knows no other node needs the cluster created.
  if (Number((await clusterInfo(spec, spec.ports[0] as number))?.get("cluster_known_nodes") ?? "1") <= 1) {
    const args = [
      ...(spec.user ? ["--user", spec.user] : []),
      ...(spec.tls ? ["--tls", "--cacert", spec.tls.caFile] : []),
      "--cluster", "create", ...spec.ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", String(spec.replicas ?? 1), "--cluster-yes",
    ];
    try {
      execFileSync("redis-cli", args, { stdio: "pipe", env: { ...process.env, ...(spec.password ? { REDISCLI_AUTH: spec.password } : {}) } });
    } catch (error) {
      const output = `${(error as { stdout?: Buffer }).stdout?.toString() ?? ""}${(error as { stderr?: Buffer }).stderr?.toString() ?? ""}`;
      throw new Error(`redis-cli --cluster create failed: ${output.trim().split("\n").slice(-5).join("\n")}`);
    }
  }
  for (const port of spec.ports) {
    await waitUntil(async () => (await redisClusterNodeState(spec, port)) === "ok", { timeoutMs, describe: `cluster_state:ok on port ${port}` });
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
  const nodes = spec.ports.map((port, index) => {
    startRedisClusterNode(spec, index);
    return { port, process: redisClusterNodeProcess(spec.dir, port) };
  });
  const stop = async () => {
    for (const node of nodes) await stopProcess(node.process, 10_000);
  };
  try {
    await formRedisCluster(spec);
  } catch (error) {
    await stop();
    throw error;
  }
  const user = spec.user ? encodeURIComponent(spec.user) : "";
  const credentials = spec.password ? `${user}:${encodeURIComponent(spec.password)}@` : "";
  return { url: spec.ports.map((p) => `${spec.tls ? "rediss" : "redis"}://${credentials}127.0.0.1:${p}`).join(","), nodes, stop };
}
