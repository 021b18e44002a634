import { redactSecrets, redactUrl } from "@icpstream/observability";
import { isScoringError } from "@icpstream/scoring";
import { CommanderError } from "commander";
import { CliError } from "./io.js";
import type { CliIo } from "./io.js";
import { buildProgram } from "./program.js";

/** Runs `icp` with the given arguments (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync([...argv], { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (isScoringError(error)) {
      io.stderr(`${error.problems.join("\n")}\n`);
      return 1;
    }
    if (error instanceof CliError) {
      io.stderr(`icp: ${redactUrl(error.message)}\n`);
      return 1;
    }
    io.stderr(`icp: ${describeFailure(error)}\n`);
    return 1;
  }
}

/**
 * Any other failure (the registry or the broker unreachable, a bug) as text for stderr,
 * through the same redaction as the services' logs — Node's own printer would show every
 * field of the error, the registry client's request URL and its password included.
 * A classified error (a stable `code`, such as kafka-kit's REGISTRY_UNAVAILABLE) is one
 * line; anything else keeps its stack, for the bug report.
 */
export function describeFailure(error: unknown): string {
  const e = error instanceof Error ? error : new Error(String(error));
  const message = redactUrl(e.message);
  const { code, retryable } = e as { code?: unknown; retryable?: unknown };
  if (typeof code === "string") return `${message} (${code}${retryable === true ? ", may succeed if retried" : ""})`;
  const { stack } = redactSecrets(e) as { stack?: unknown };
  return typeof stack === "string" ? stack : message;
}
