import { hostname } from "node:os";
import { pino, stdTimeFunctions } from "pino";
import type { DestinationStream, LevelWithSilent, LoggerOptions, Logger as PinoLogger } from "pino";
import { redactSecrets, redactUrl } from "./redact.js";

export type { PinoLogger };

/** A log call: structured fields first, then the message (pino's argument order). */
export interface LogFn {
  (fields: object, message?: string): void;
  (message: string): void;
}

/**
 * What a package needs from a logger, without importing pino. A pino logger (ours, or
 * kafka-kit's, or fastify's) satisfies it, so services pass theirs straight in.
 *
 * Context travels in child loggers, not in every call. The binding names are fixed so
 * that one query finds an event across services:
 * - `service` — set once by `createLogger`;
 * - `topic`, `partition`, `offset` — bound per Kafka message by the consumer loop;
 * - `eventId` — bound once the message is decoded (the envelope's id);
 * - `accountKey`, `scorecard` — bound by handlers that work on one account.
 */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: LogBindings): Logger;
}

/** The conventional child-logger bindings; others are allowed. */
export interface LogBindings {
  topic?: string;
  partition?: number;
  offset?: string;
  eventId?: string;
  accountKey?: string;
  scorecard?: string;
  [key: string]: unknown;
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const satisfies readonly LevelWithSilent[];
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface CreateLoggerOptions {
  /** The service name, on every line as `service`. */
  service: string;
  level: LogLevel;
  /** Human-readable, coloured output for a terminal (pino-pretty in a worker thread). Not for production. */
  pretty?: boolean;
  /** Where lines go instead of stdout (a file, or a test capturing output). Takes precedence over `pretty`. */
  destination?: DestinationStream;
}

/**
 * A pino logger that keeps secrets out of the output by default: fields named like
 * credentials are censored at any depth (see `isSecretKey`), credentials inside URLs are
 * stripped from fields and messages alike, and errors are serialized before they are
 * redacted. Child bindings go through the same filter.
 *
 * Lines are JSON with a string `level` and an ISO `time`.
 */
export function createLogger(options: CreateLoggerOptions): PinoLogger {
  const config: LoggerOptions = {
    level: options.level,
    base: { service: options.service, pid: process.pid, hostname: hostname() },
    timestamp: stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      log: (fields) => redactSecrets(fields) as Record<string, unknown>,
    },
    // `err` is redacted by the `log` formatter above (which runs first); this keeps pino
    // from serializing the already-serialized error a second time.
    serializers: { err: (err: unknown) => (err instanceof Error ? redactSecrets(err) : err) },
    hooks: {
      logMethod(args, method) {
        const cleaned = args.map((arg) => (typeof arg === "string" ? redactUrl(arg) : arg));
        method.apply(this, cleaned as Parameters<typeof method>);
      },
    },
  };
  const logger = options.destination
    ? pino(config, options.destination)
    : options.pretty
      ? pino({ ...config, transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" } } })
      : pino(config);
  return redactChildBindings(logger);
}

/**
 * pino applies no formatter to child bindings (they are serialized once, when the child
 * is made), so `child` is wrapped here. Children inherit the wrapper through pino's
 * prototype chain, so grandchildren are covered too.
 */
function redactChildBindings(logger: PinoLogger): PinoLogger {
  const child = logger.child;
  const redactingChild = function (this: PinoLogger, bindings: Record<string, unknown>, childOptions?: object) {
    return child.call(this, redactSecrets(bindings) as Record<string, unknown>, childOptions);
  };
  logger.child = redactingChild as PinoLogger["child"];
  return logger;
}

/** A logger that writes nothing: for tests and tools that print their own output. */
export function silentLogger(): PinoLogger {
  return pino({ enabled: false });
}
