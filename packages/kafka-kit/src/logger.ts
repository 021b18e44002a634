import { pino } from "pino";
import type { Logger, LoggerOptions } from "pino";

/**
 * Loggers redact secrets by default: any field named like a credential, wherever it sits
 * one or two levels deep, and the headers that carry them.
 */
export const REDACT_PATHS = [
  "apiKey",
  "*.apiKey",
  "secret",
  "*.secret",
  "password",
  "*.password",
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "req.headers.authorization",
  'req.headers["x-api-key"]',
  'req.headers["x-icp-signature"]',
  "headers.authorization",
  'headers["x-api-key"]',
  'headers["x-icp-signature"]',
];

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino({ level: "info", ...options, redact: { paths: [...REDACT_PATHS, ...((options.redact as { paths?: string[] } | undefined)?.paths ?? [])], censor: "[redacted]" } });
}

/** For tests and tools that print their own output. */
export function silentLogger(): Logger {
  return pino({ enabled: false });
}
