import { readFile, writeFile } from "node:fs/promises";

/**
 * Everything the commands do to the outside world, passed in so tests can run a
 * command against in-memory files and capture what it prints.
 */
export interface CliIo {
  readText(path: string): Promise<string>;
  /** The file's bytes, for input files whose encoding the reader decides (imports). */
  readBytes(path: string): Promise<Uint8Array>;
  writeText(path: string, text: string): Promise<void>;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stdout is a terminal (tables there, CSV when piped). */
  stdoutIsTty: boolean;
  /** The current instant, for `--as-of` defaults only. */
  now(): Date;
}

function readError(path: string, error: unknown): CliError {
  const code = (error as NodeJS.ErrnoException).code;
  return new CliError(code === "ENOENT" ? `${path}: no such file` : code === "EISDIR" ? `${path}: is a directory, not a file` : `${path}: cannot read (${code ?? (error as Error).message})`);
}

export function processIo(): CliIo {
  // A reader that stops early (`icp rubric status | head`, `icp tail | head`) closes the pipe:
  // that ends the command quietly, as it does for other Unix tools, instead of an EPIPE trace.
  if (process.stdout.listenerCount("error") === 0) {
    process.stdout.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(0);
      throw error;
    });
  }
  return {
    readText: async (path) => {
      try {
        return await readFile(path, "utf8");
      } catch (error) {
        throw readError(path, error);
      }
    },
    readBytes: async (path) => {
      try {
        return await readFile(path);
      } catch (error) {
        throw readError(path, error);
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
