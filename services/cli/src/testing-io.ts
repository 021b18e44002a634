import { readFile } from "node:fs/promises";
import type { CliIo } from "./io.js";
import { CliError } from "./io.js";

/** An in-memory CliIo for tests: virtual files first, then the repository's real files. */
export function memoryIo(files: Record<string, string | Uint8Array> = {}, opts: { tty?: boolean; now?: string } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const written: Record<string, string> = {};
  const root = new URL("../../../", import.meta.url);
  const io: CliIo = {
    readText: async (path) => {
      const file = files[path];
      if (file !== undefined) return typeof file === "string" ? file : new TextDecoder().decode(file);
      try {
        return await readFile(new URL(path, root), "utf8");
      } catch {
        throw new CliError(`${path}: no such file`);
      }
    },
    readBytes: async (path) => {
      const file = files[path];
      if (file !== undefined) return typeof file === "string" ? new TextEncoder().encode(file) : file;
      try {
        return await readFile(path.startsWith("/") ? path : new URL(path, root));
      } catch {
        throw new CliError(`${path}: no such file`);
      }
    },
    writeText: async (path, text) => {
      written[path] = text;
    },
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    stdoutIsTty: opts.tty ?? false,
    now: () => new Date(opts.now ?? "2026-11-01T00:00:00Z"),
  };
  return { io, stdout: () => out.join(""), stderr: () => err.join(""), written };
}
