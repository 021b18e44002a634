import { readFileSync } from "node:fs";
import { Cluster, Redis, type RedisOptions } from "ioredis";
import { RedisKitError } from "./errors.js";

/** The logging a Redis client needs; a pino logger satisfies it (pass a child bound to the service). */
export interface RedisLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface CreateRedisOptions {
  /** Shown in CLIENT LIST and in every log line and error about this connection (`timing-state`). */
  name?: string;
  logger?: RedisLogger;
  /**
   * How many times a command waits through reconnects before it fails with a retryable
   * error (default 5, ≈ 3 s with the backoff below): a consumer should learn that Redis is
   * down and pause, not pile up an unbounded offline queue.
   */
  maxRetriesPerRequest?: number;
  /** Extra ioredis options (tests, TLS); the ones above win. */
  ioredis?: RedisOptions;
}

/** `redis://:secret@host:6379/0` → `redis://host:6379/0`: URLs in logs and errors never carry the password. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const user = parsed.username && parsed.username !== "default" ? `${decodeURIComponent(parsed.username)}@` : "";
    return `${parsed.protocol}//${user}${parsed.host}${parsed.pathname === "/" ? "" : parsed.pathname}`;
  } catch {
    return "<unparseable redis url>";
  }
}

/**
 * Reconnect backoff: 100 ms doubling to a 3 s ceiling, plus up to 20% jitter so a fleet of
 * consumers restarted together does not reconnect in lock-step. Never gives up: Redis
 * coming back is the normal end of an outage, and health checks report the wait.
 */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(3000, 100 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (1 + 0.2 * random()));
}

/**
 * An ioredis client with the settings every service wants: a connection name, bounded
 * per-command retries, jittered exponential reconnects, reconnect on READONLY (a replica
 * promoted after failover), and connection events logged with the redacted URL.
 */
export function createRedis(url: string, options: CreateRedisOptions = {}): Redis {
  const name = options.name ?? "icpstream";
  const where = { redis: name, url: redactRedisUrl(url) };
  const log = options.logger;
  // ioredis lets the URL's user info win over the options, and a URL with a user but no
  // password (`rediss://user@host`, the password in REDIS_PASSWORD_FILE) would then send an
  // empty password: with a password in the options, the user goes there too.
  let target = url;
  let user: { username?: string } = {};
  if (options.ioredis?.password !== undefined) {
    const parsed = new URL(url);
    if (parsed.username !== "" && parsed.password === "") {
      user = { username: decodeURIComponent(parsed.username) };
      parsed.username = "";
      target = parsed.toString();
    }
  }
  const client = new Redis(target, {
    ...options.ioredis,
    ...user,
    connectionName: name,
    maxRetriesPerRequest: options.maxRetriesPerRequest ?? 5,
    retryStrategy: (attempt) => {
      const delay = reconnectDelayMs(attempt);
      log?.warn({ ...where, attempt, delayMs: delay }, "redis reconnecting");
      return delay;
    },
    reconnectOnError: (error) => (/^READONLY\b/.test(error.message) ? 2 : false),
  });
  // Without a listener ioredis prints every connection error to stderr; route them to the logger.
  client.on("error", (error: Error) => log?.error({ ...where, err: { message: error.message, code: (error as { code?: string }).code } }, "redis connection error"));
  client.on("ready", () => log?.info(where, "redis ready"));
  return client;
}

/**
 * Whether the client reaches Redis now (readiness): rejects at once while the connection is
 * not ready (connecting, reconnecting, closed) — a command would only wait in the offline
 * queue — and otherwise sends a PING. A Redis that hangs never answers: the caller bounds the wait.
 */
export async function pingRedis(client: { readonly status: string; ping(): Promise<string> }): Promise<void> {
  if (client.status !== "ready") throw new Error(`redis connection ${client.status}`);
  await client.ping();
}

/** A connection to one Redis or to a Redis Cluster: what the state store and readiness checks take. */
export type RedisClient = Redis | Cluster;

/**
 * The node URLs a `REDIS_URL` setting names: one URL, or several separated by commas (the
 * seed nodes of a Redis Cluster: `redis://:pw@10.0.0.1:7000,redis://:pw@10.0.0.2:7000`).
 * Throws REDIS_INVALID_ARGUMENT naming the entry that is not a redis:// or rediss:// URL.
 */
export function redisNodeUrls(setting: string): string[] {
  const urls = setting.split(",").map((u) => u.trim()).filter((u) => u !== "");
  if (urls.length === 0) throw new RedisKitError("REDIS_INVALID_ARGUMENT", "REDIS_URL: expected redis://host:port, or several separated by commas for a Redis Cluster");
  for (const [i, url] of urls.entries()) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") || parsed.hostname === "") {
      throw new RedisKitError("REDIS_INVALID_ARGUMENT", `REDIS_URL: entry ${i + 1} (${redactRedisUrl(url)}) is not redis://host:port or rediss://host:port`);
    }
  }
  return urls;
}

/** Whether the setting asks for Redis Cluster: several node URLs, or `?cluster=true` on the one given. */
export function isClusterSetting(setting: string): boolean {
  const urls = redisNodeUrls(setting);
  if (urls.length > 1) return true;
  return new URL(urls[0] as string).searchParams.get("cluster") === "true";
}

/**
 * The client the connection setting asks for (`REDIS_URL`, see `redisNodeUrls`): a Redis
 * Cluster client (ioredis `Cluster`) when it names several nodes or carries `?cluster=true`
 * (or `options.cluster`), else `createRedis`. A cluster client takes the first URL's user,
 * password and scheme (`rediss://` → TLS) for every node it discovers; Redis Cluster has
 * only database 0, so a URL with another database is refused. Every script of the state
 * store keeps its keys in one slot (see key-layout.ts), so atomicity is the same on both.
 */
export function createRedisClient(connection: string | RedisConnection, clientOptions: CreateRedisOptions & { cluster?: boolean } = {}): RedisClient {
  const setting = typeof connection === "string" ? connection : connection.url;
  const options = typeof connection === "string" ? clientOptions : withConnection(connection, clientOptions);
  const urls = redisNodeUrls(setting);
  if (!(options.cluster ?? isClusterSetting(setting))) return createRedis(urls[0] as string, options);
  const first = new URL(urls[0] as string);
  for (const url of urls) {
    const db = new URL(url).pathname.replace(/^\//, "");
    if (db !== "" && db !== "0") throw new RedisKitError("REDIS_INVALID_ARGUMENT", `REDIS_URL: ${redactRedisUrl(url)} names database ${db}; Redis Cluster has only database 0`);
  }
  const name = options.name ?? "icpstream";
  const where = { redis: name, cluster: urls.map(redactRedisUrl) };
  const log = options.logger;
  const nodes = urls.map((url) => {
    const parsed = new URL(url);
    return { host: parsed.hostname, port: parsed.port === "" ? 6379 : Number(parsed.port) };
  });
  const redisOptions: RedisOptions = {
    ...options.ioredis,
    connectionName: name,
    maxRetriesPerRequest: options.maxRetriesPerRequest ?? 5,
    ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
    ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
    ...(first.protocol === "rediss:" ? { tls: { ...(options.ioredis?.tls ?? {}) } } : {}),
  };
  const cluster = new Cluster(nodes, {
    redisOptions,
    // Writes and reads go to primaries: the store reads what it has just applied.
    scaleReads: "master",
    clusterRetryStrategy: (attempt) => {
      const delay = reconnectDelayMs(attempt);
      log?.warn({ ...where, attempt, delayMs: delay }, "redis cluster reconnecting");
      return delay;
    },
    // A primary that failed over: its replica answers MOVED/READONLY until the slots are refreshed.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 300,
    slotsRefreshTimeout: 2000,
  });
  cluster.on("error", (error: Error) => log?.error({ ...where, err: { message: error.message, code: (error as { code?: string }).code } }, "redis cluster connection error"));
  cluster.on("ready", () => log?.info(where, "redis cluster ready"));
  return cluster;
}

/**
 * How to reach Redis: `url` as REDIS_URL takes it (one node, or the seed nodes of a Redis
 * Cluster), a password kept out of the URL, and TLS settings for rediss:// URLs (`ca`: PEM
 * text of the CA to trust instead of Node's store; `servername`: the name the servers'
 * certificates carry when the URL names an IP address).
 */
export interface RedisConnection {
  url: string;
  password?: string;
  tls?: { ca?: string; servername?: string };
}

function withConnection(connection: RedisConnection, options: CreateRedisOptions & { cluster?: boolean }): CreateRedisOptions & { cluster?: boolean } {
  const tls = connection.tls ? { ...(connection.tls.ca ? { ca: connection.tls.ca } : {}), ...(connection.tls.servername ? { servername: connection.tls.servername } : {}) } : undefined;
  return {
    ...options,
    ioredis: {
      ...options.ioredis,
      ...(connection.password ? { password: connection.password } : {}),
      ...(tls ? { tls: { ...(typeof options.ioredis?.tls === "object" ? options.ioredis.tls : {}), ...tls } } : {}),
    },
  };
}

function readRedisSetting(variable: string, file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new RedisKitError("REDIS_INVALID_ARGUMENT", `${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/**
 * The one place services, tools and tests turn the environment into a Redis connection
 * (called from `main` or a test's set-up):
 *
 * - `REDIS_URL` redis://[user[:password]@]host:port, rediss:// for TLS; several, comma-separated,
 *   for the seed nodes of a Redis Cluster (see `redisNodeUrls`)
 * - `REDIS_PASSWORD_FILE` a file holding the password (one trailing newline dropped), so the
 *   URL carries none; the URL's user name (an ACL user) still applies
 * - `REDIS_TLS_CA_FILE` PEM certificates to trust for rediss:// (a private CA)
 * - `REDIS_TLS_SERVERNAME` the name to check the servers' certificates against when the URL
 *   names an IP address or another name
 *
 * Throws REDIS_INVALID_ARGUMENT naming the variable: a TLS setting with a redis:// URL, a
 * password both in the URL and in a file, a file that cannot be read.
 */
export function redisConnectionFromEnv(env: Record<string, string | undefined>): RedisConnection {
  const url = env.REDIS_URL;
  if (!url) throw new RedisKitError("REDIS_INVALID_ARGUMENT", "REDIS_URL: is required (redis://host:port, rediss:// for TLS)");
  const urls = redisNodeUrls(url);
  const tlsUrl = urls.every((u) => u.startsWith("rediss://"));
  const caFile = env.REDIS_TLS_CA_FILE || undefined;
  const servername = env.REDIS_TLS_SERVERNAME || undefined;
  if ((caFile || servername) && !tlsUrl) throw new RedisKitError("REDIS_INVALID_ARGUMENT", `${caFile ? "REDIS_TLS_CA_FILE" : "REDIS_TLS_SERVERNAME"}: is set, but REDIS_URL does not use rediss:// (TLS) for every node`);
  const passwordFile = env.REDIS_PASSWORD_FILE || undefined;
  if (passwordFile && urls.some((u) => new URL(u).password !== "")) throw new RedisKitError("REDIS_INVALID_ARGUMENT", "REDIS_PASSWORD_FILE: is set, but REDIS_URL carries a password too; keep one");
  const connection: RedisConnection = { url };
  if (passwordFile) {
    const password = readRedisSetting("REDIS_PASSWORD_FILE", passwordFile).replace(/\r?\n$/, "");
    if (password === "") throw new RedisKitError("REDIS_INVALID_ARGUMENT", `REDIS_PASSWORD_FILE: ${passwordFile} is empty`);
    connection.password = password;
  }
  if (tlsUrl && (caFile || servername)) connection.tls = { ...(caFile ? { ca: readRedisSetting("REDIS_TLS_CA_FILE", caFile) } : {}), ...(servername ? { servername } : {}) };
  return connection;
}

/** The names of the Redis connection variables, for tools that pass them on to child processes. */
export const REDIS_CONNECTION_VARIABLES = ["REDIS_URL", "REDIS_PASSWORD_FILE", "REDIS_TLS_CA_FILE", "REDIS_TLS_SERVERNAME"] as const;
