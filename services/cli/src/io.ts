import { readFile, writeFile } from "node:fs/promises";

/**
 * Everything the commands do to the outside world, passed in so tests can run a
 * command against in-memory files and capture what it prints.
 */
export interface CliIo {
  readText(path: string): Promise<string>;
  writeText(path: string, text: string): Promise<void>;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stdout is a terminal (tables there, CSV when piped). */
  stdoutIsTty: boolean;
  /** The current instant, for `--as-of` defaults only. */
  now(): Date;
}

export function processIo(): CliIo {
  return {
    readText: async (path) => {
      try {
        return await readFile(path, "utf8");
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new CliError(code === "ENOENT" ? `${path}: no such file` : `${path}: cannot read (${code ?? (error as Error).message})`);
      }
    },
    writeText: (path, text) => writeFile(path, text, "utf8"),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdoutIsTty: process.stdout.isTTY === true,
    now: () => new Date(),
  };
}

/** A usage or environment problem worth one line on stderr and exit code 1. */
export class CliError extends Error {
  override readonly name = "CliError";
}
