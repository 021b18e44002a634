import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import type { StackConfig } from "./config.js";
import { type ManagedProcess, startDetached } from "./processes.js";

export function redisProcess(config: StackConfig): ManagedProcess {
  return {
    name: "redis",
    pidFile: join(config.stateDir, "run", "redis.pid"),
    logFile: join(config.stateDir, "logs", "redis.log"),
    marker: `:${config.redis.port}`,
  };
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
  const dataDir = join(config.stateDir, "redis");
  mkdirSync(dataDir, { recursive: true });
  return startDetached(redisProcess(config), config.redis.server, [
    "--bind",
    "127.0.0.1",
    "--port",
    String(config.redis.port),
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
  const redis = new Redis({ host: "127.0.0.1", port: config.redis.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
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
