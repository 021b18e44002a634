import type { Logger } from "./logger.js";

/** What a fatal error is logged with: `Logger` plus pino's `fatal` level when there is one. */
export type FatalLogger = Logger & { fatal?: Logger["error"] };

/**
 * The handler `exitOnFatalError` installs, on its own so it can be tested without a process:
 * logs the error under `err` (so the logger's redaction applies to it and to every field
 * it carries) with where it came from, then exits 1.
 */
export function fatalErrorHandler(logger: FatalLogger, exit: (code: number) => void = (code) => process.exit(code)): (error: unknown, origin: string) => void {
  return (error, origin) => {
    const fields = { err: error, origin };
    if (logger.fatal) logger.fatal(fields, "stopped: an error nobody handled");
    else logger.error(fields, "stopped: an error nobody handled");
    exit(1);
  };
}

/**
 * Routes every error that would otherwise reach Node's own printer — an uncaught exception,
 * a rejected top-level `await` in `main.ts`, an unhandled rejection — through the logger,
 * then exits 1.
 *
 * Why: Node prints such an error with `util.inspect`, every field included. The registry
 * client's error carries the request URL, so a `SCHEMA_REGISTRY_URL` with a password was
 * printed in clear whenever the registry was down at start. Logged instead, the error goes
 * through the same redaction as every other line (URL credentials stripped, secret-named
 * fields censored). Call it right after the logger is made, in `main` only.
 */
export function exitOnFatalError(logger: FatalLogger, exit?: (code: number) => void): void {
  const handler = fatalErrorHandler(logger, exit);
  process.on("uncaughtException", handler);
}
