/**
 * redis-kit's error taxonomy: foreign errors (ioredis, Redis replies) are classified here,
 * once, so the consumer loop can retry what is retryable and dead-letter or crash on the rest.
 */
export type RedisKitErrorCode =
  /** The connection is down, timed out, or a failover is in progress: retry later. */
  | "REDIS_UNAVAILABLE"
  /** Redis answered with an error (a script bug, a wrong type at a key): retrying will not help. */
  | "REDIS_COMMAND_FAILED"
  /** A caller passed something the key layout or a script cannot take (bad partition, offset, prefix). */
  | "REDIS_INVALID_ARGUMENT";

export class RedisKitError extends Error {
  override readonly name = "RedisKitError";
  readonly code: RedisKitErrorCode;
  readonly retryable: boolean;

  constructor(code: RedisKitErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = code === "REDIS_UNAVAILABLE";
  }
}

export function isRedisKitError(error: unknown): error is RedisKitError {
  return error instanceof RedisKitError;
}

// Replies that mean "the server is there but cannot serve this now" (failover, loading, cluster moves).
const TRANSIENT_REPLY = /^(LOADING|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|BUSY)\b/;
const NETWORK = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|Connection is closed|Reached the max retries per request|Stream isn't writeable|connect ETIMEDOUT|Command timed out/i;

/** Wraps any error from a Redis call as a RedisKitError whose message names where it happened (`what`). */
export function classifyRedisError(error: unknown, what: string): RedisKitError {
  if (error instanceof RedisKitError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : "";
  const transient = TRANSIENT_REPLY.test(message) || NETWORK.test(message) || name === "MaxRetriesPerRequestError";
  return new RedisKitError(transient ? "REDIS_UNAVAILABLE" : "REDIS_COMMAND_FAILED", `${what}: ${message}`, { cause: error });
}
