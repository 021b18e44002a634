import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { REDIS_USER, securityFiles, variantDir, type StackConfig } from "./config.js";
import { type ManagedProcess, startDetached } from "./processes.js";
import type { RedisClusterSpec } from "./redis-cluster.js";
import { readSecret } from "./tls.js";

/** The single-node topology's Redis (its paths under the topology's folder, see `variantDir`). */
export function redisProcess(config: StackConfig): ManagedProcess {
  const dir = variantDir(config);
  return {
    name: "redis",
    pidFile: join(dir, "run", "redis.pid"),
    logFile: join(dir, "logs", "redis.log"),
    marker: `:${config.redis.port}`,
  };
}

/**
 * The cluster topology's Redis Cluster: six nodes (3 primaries, 3 replicas) on
 * ICP_REDIS_CLUSTER_PORT…+5 with their bus on ICP_REDIS_CLUSTER_BUS_PORT…+5; secured, an
 * ACL user with a generated password over TLS (replication and the cluster bus too).
 */
export function redisClusterSpec(config: StackConfig): RedisClusterSpec {
  const secure = config.security === "sasl-tls";
  const files = securityFiles(config);
  return {
    dir: join(variantDir(config), "redis-cluster"),
    ports: config.redis.clusterPorts,
    busPorts: config.redis.clusterBusPorts,
    replicas: 1,
    server: config.redis.server,
    ...(secure
      ? {
          user: REDIS_USER,
          password: readSecret(files.redisPassword),
          tls: { certFile: files.nodeCert, keyFile: files.nodeKey, caFile: files.caCert },
        }
      : {}),
  };
}

/** The secured single Redis: an ACL user (the default user off) and TLS only, as a 0600 config file. */
function secureRedisConf(config: StackConfig, dataDir: string): string[] {
  if (config.security !== "sasl-tls") return [];
  const files = securityFiles(config);
  const confFile = join(dataDir, "redis.conf");
  const lines = [
    "user default off",
    `user ${REDIS_USER} on >${readSecret(files.redisPassword)} ~* &* +@all`,
    `tls-port ${config.redis.port}`,
    `tls-cert-file ${files.nodeCert}`,
    `tls-key-file ${files.nodeKey}`,
    `tls-ca-cert-file ${files.caCert}`,
    "tls-auth-clients no",
  ];
  writeFileSync(confFile, `${lines.join("\n")}\n`, { mode: 0o600 });
  chmodSync(confFile, 0o600);
  return [confFile];
}

/** How the stack's own probes log in to a Redis node of this topology. */
export function stackRedisLogin(config: StackConfig): { username?: string; password?: string; tls?: { ca: string } } {
  if (config.security !== "sasl-tls") return {};
  const files = securityFiles(config);
  return { username: REDIS_USER, password: readSecret(files.redisPassword), tls: { ca: readFileSync(files.caCert, "utf8") } };
}

function hasBinary(command: string): boolean {
  try {
    execFileSync(command, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure `redis-server` exists: installs Debian's package when we are root on a Debian
 * machine, else explains what to install.
 */
export function ensureRedisServer(config: StackConfig, log: (line: string) => void): void {
  if (hasBinary(config.redis.server)) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (config.redis.server === "redis-server" && isRoot && hasBinary("apt-get")) {
    log("redis-server not found: installing Debian's redis-server package");
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    execFileSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "redis-server"], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    if (hasBinary(config.redis.server)) return;
  }
  throw new Error(
    `${config.redis.server} not found. Install Redis 7 (Debian/Ubuntu: sudo apt-get install redis-server) or set ICP_REDIS_SERVER to its path.`,
  );
}

/**
 * A private Redis on its own port and data dir, with the append-only file on: `everysec`
 * loses at most about a second on a crash, which the pipeline survives by re-reading Kafka
 * from the offsets stored with the state.
 *
 * `hash-max-listpack-value 1024` (Redis's default is 64): every account's state is a hash of
 * one field (fit, timing, combiner) whose value is a few hundred bytes, so at the default each
 * is a full hashtable; as a listpack it takes about 110 B less per key, ~16% of the state's
 * memory (npm run bench:state). 1024 holds 99.9% of combiner states and about 80% of timing
 * states (the rest stay hashtables). Not more: a limit of several KiB would also keep the
 * shard outboxes (up to hundreds of encoded events at once) as listpacks, which Redis scans
 * and rewrites whole on each write. A Redis without it works the same, with more memory.
 */
export function startRedis(config: StackConfig): number {
  const dataDir = join(variantDir(config), "redis");
  mkdirSync(dataDir, { recursive: true });
  const secure = config.security === "sasl-tls";
  return startDetached(redisProcess(config), config.redis.server, [
    ...secureRedisConf(config, dataDir),
    "--bind",
    "127.0.0.1",
    "--port",
    secure ? "0" : String(config.redis.port),
    "--dir",
    dataDir,
    "--appendonly",
    "yes",
    "--appendfsync",
    "everysec",
    "--save",
    "",
    "--hash-max-listpack-value",
    "1024",
    "--daemonize",
    "no",
    "--protected-mode",
    "yes",
  ]);
}

export async function redisReady(config: StackConfig): Promise<boolean> {
  const redis = new Redis({ host: "127.0.0.1", port: config.redis.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000, ...stackRedisLogin(config) });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}
