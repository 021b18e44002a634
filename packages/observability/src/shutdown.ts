import type { Logger } from "./logger.js";

/** Where signals come from: `process`, or an EventEmitter in tests. */
export interface SignalSource {
  on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

export interface ShutdownOptions {
  /**
   * How long the handler may take before the process is killed anyway. Keep it under the
   * orchestrator's grace period (Kubernetes: 30 s by default, then SIGKILL) so the reason
   * gets logged instead of the process vanishing mid-line.
   */
  timeoutMs: number;
  logger: Logger;
  /** Default: the real `process`. */
  signals?: SignalSource;
  /** Default: `process.exit`. */
  exit?: (code: number) => void;
}

export const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT"];

/**
 * Runs `handler` once, on the first of `signals` (stop consuming, commit, flush the
 * producer, close Redis…), then exits 0; exits 1 if the handler throws or outlasts
 * `timeoutMs`, logging why. Later signals are logged and ignored while it runs.
 * Returns a function that removes the listeners.
 */
export function onShutdown(
  signals: readonly NodeJS.Signals[],
  handler: (signal: NodeJS.Signals) => void | Promise<void>,
  options: ShutdownOptions,
): () => void {
  const source = options.signals ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const { logger, timeoutMs } = options;
  let started = false;

  const listener = (signal: NodeJS.Signals) => {
    if (started) {
      logger.warn({ signal }, "already shutting down; signal ignored");
      return;
    }
    started = true;
    logger.info({ signal, timeoutMs }, "shutting down");
    const timer = setTimeout(() => {
      logger.error({ signal, timeoutMs }, "shutdown did not finish in time; forcing exit");
      exit(1);
    }, timeoutMs);
    Promise.resolve()
      .then(() => handler(signal))
      .then(
        () => {
          clearTimeout(timer);
          logger.info({ signal }, "shutdown complete");
          exit(0);
        },
        (error: unknown) => {
          clearTimeout(timer);
          logger.error({ signal, err: error }, "shutdown failed");
          exit(1);
        },
      );
  };

  for (const signal of signals) source.on(signal, listener);
  return () => {
    for (const signal of signals) source.off(signal, listener);
  };
}
