import { Redis, type RedisOptions } from "ioredis";

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
  const client = new Redis(url, {
    ...options.ioredis,
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
export async function pingRedis(client: Pick<Redis, "status" | "ping">): Promise<void> {
  if (client.status !== "ready") throw new Error(`redis connection ${client.status}`);
  await client.ping();
}
