import type { Logger } from "pino";
import { classifyError } from "./errors.js";

/**
 * Runs `attempt` until it succeeds, the failure is not retryable (`classifyError`), or
 * `maxAttempts` are spent; waits `delayMs`, doubling, between attempts. The last failure is
 * thrown as is.
 */
export async function withRetries<R>(attempt: () => Promise<R>, maxAttempts: number, delayMs: number, logger: Logger): Promise<R> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      const failure = classifyError(error);
      if (!failure.retryable || n >= maxAttempts) throw error;
      logger.warn({ code: failure.code, attempt: n, reason: failure.message }, "retrying");
      await new Promise((resolve) => setTimeout(resolve, delayMs * 2 ** (n - 1)));
    }
  }
}
