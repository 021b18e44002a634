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
      io.stderr(`icp: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
