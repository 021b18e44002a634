import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * A stack process runs detached from the command that started it, so `stack:up` can return
 * and later commands can find it again through its pid file. The marker is a string that
 * must appear in the process's command line: it guards against a recycled pid.
 */
export interface ManagedProcess {
  name: string;
  pidFile: string;
  logFile: string;
  marker: string;
}

export function readPid(proc: ManagedProcess): number | undefined {
  if (!existsSync(proc.pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(proc.pidFile, "utf8").trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return undefined;
  }
}

/** The pid of the running process, or undefined (a stale pid file is removed). */
export function runningPid(proc: ManagedProcess): number | undefined {
  const pid = readPid(proc);
  if (pid === undefined) return undefined;
  const cmd = commandLine(pid);
  if (cmd !== undefined && cmd.includes(proc.marker)) return pid;
  rmSync(proc.pidFile, { force: true });
  return undefined;
}

/** Resident memory of a process in bytes, from /proc (Linux). */
export function residentBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export function startDetached(
  proc: ManagedProcess,
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): number {
  mkdirSync(dirname(proc.logFile), { recursive: true });
  mkdirSync(dirname(proc.pidFile), { recursive: true });
  const log = openSync(proc.logFile, "a");
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ["ignore", log, log],
    });
    if (child.pid === undefined) throw new Error(`could not start ${proc.name}: ${command} did not spawn`);
    child.unref();
    writeFileSync(proc.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops a process: SIGTERM, then SIGKILL after `graceMs`. Kafka needs a few seconds for a
 * controlled shutdown (it flushes logs and writes a clean-shutdown marker that makes the
 * next start skip log recovery), so the grace period is generous.
 */
export async function stopProcess(proc: ManagedProcess, graceMs = 30_000): Promise<"stopped" | "killed" | "not-running"> {
  const pid = runningPid(proc);
  if (pid === undefined) return "not-running";
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!alive(pid)) {
      rmSync(proc.pidFile, { force: true });
      return "stopped";
    }
    await sleep(200);
  }
  process.kill(pid, "SIGKILL");
  rmSync(proc.pidFile, { force: true });
  return "killed";
}

/** The last lines of a log file, for error messages. */
export function tailOf(file: string, lines = 40): string {
  if (!existsSync(file)) return `(no log at ${file})`;
  const text = readFileSync(file, "utf8");
  return text.split("\n").slice(-lines - 1).join("\n");
}

/** Polls `probe` until it resolves true; `describe` names what is awaited in the error. */
export async function waitUntil(
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; stillAlive?: () => boolean; describe: string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (options.stillAlive && !options.stillAlive()) throw new Error(`${options.describe}: the process exited`);
    if (Date.now() > deadline) throw new Error(`${options.describe}: not ready after ${options.timeoutMs / 1000}s`);
    await sleep(options.intervalMs ?? 250);
  }
}

/** A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
