import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, createWriteStream, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The repository root: services run from here, as `npm start` would run them. */
export const REPO_ROOT = new URL("../../../", import.meta.url).pathname;

// tsx's ESM loader, resolved once: the service runs as `node --import <tsx> main.ts`, so the
// pid we signal is the service itself (npx or the tsx CLI would put a parent in between,
// and a SIGKILL to the parent would leave the service running).
const TSX_LOADER = createRequire(import.meta.url).resolve("tsx");

export type ServiceName = "fit" | "timing" | "combiner";
/** Services a test starts beside the scoring pipeline (see `Pipeline.extraService`). */
export type ExtraServiceName = "outcomes" | "console";
/** Any service a test may run as a process: the scoring services and the router. */
export type ProcessName = ServiceName | "router" | "enrichment";

/**
 * Opt-in CPU profiling: with ICP_CPU_PROF_DIR set, every service runs under `node --cpu-prof`
 * and writes its profiles to `<ICP_CPU_PROF_DIR>/<log name>-<incarnation>/` when it exits,
 * one per thread under Node's default name `CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile`
 * (thread 0 is the service; tsx's module loader runs in another thread). Node writes profiles
 * only on a normal exit, so stop profiled services with `terminate` (SIGTERM), not `kill`.
 * ICP_CPU_PROF_INTERVAL_US sets the sampling interval (Node's default: 1000 µs).
 */
function profilingFlags(logName: string, incarnation: number): string[] {
  const dir = process.env.ICP_CPU_PROF_DIR;
  if (!dir) return [];
  const interval = process.env.ICP_CPU_PROF_INTERVAL_US;
  return ["--cpu-prof", "--cpu-prof-dir", join(dir, `${logName}-${incarnation}`), ...(interval ? ["--cpu-prof-interval", interval] : [])];
}

/** Whether services are being profiled (see `profilingFlags`): their profiles need a graceful stop. */
export const PROFILING = Boolean(process.env.ICP_CPU_PROF_DIR);

// Children still alive when the test process leaves (a timeout, an interrupted run) would
// keep consuming forever: kill them on the way out. Cleanup normally got there first.
const alive = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of alive) child.kill("SIGKILL");
});

/**
 * One scoring service as a child process with its own environment: started, SIGKILLed and
 * restarted by the test. Every incarnation appends to the same log file, headed by a marker
 * line, so a failure can show the last lines of what each service said.
 */
export class ServiceProcess {
  readonly logFile: string;
  private child: ChildProcess | undefined;
  private incarnation = 0;
  /** Exits nobody asked for (a crash, not a kill): reported by `assertAlive`. */
  private unexpectedExit: string | undefined;

  constructor(
    readonly name: ProcessName | ExtraServiceName,
    private readonly env: Record<string, string>,
    logDir: string,
    private readonly logName: string = name,
    /** The entry point, from the repository root (default `services/<name>/src/main.ts`). */
    private readonly entry: string = join("services", name, "src", "main.ts"),
  ) {
    this.logFile = join(logDir, `${this.logName}.log`);
  }

  /** A second member of the same service (same environment, so the same consumer group), logging to `<logName>.log`. */
  twin(logName: string): ServiceProcess {
    return new ServiceProcess(this.name, this.env, dirname(this.logFile), logName, this.entry);
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  start(): void {
    if (this.child) throw new Error(`${this.name} is already running (pid ${this.child.pid})`);
    this.incarnation++;
    appendFileSync(this.logFile, `----- ${this.name} #${this.incarnation} started ${new Date().toISOString()} -----\n`);
    const log = createWriteStream(this.logFile, { flags: "a" });
    const child = spawn(process.execPath, [...profilingFlags(this.logName, this.incarnation), "--import", TSX_LOADER, this.entry], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "", ...this.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    alive.add(child);
    child.once("exit", (code, signal) => {
      alive.delete(child);
      if (this.child === child) {
        this.unexpectedExit = `${this.name} #${this.incarnation} exited by itself (code ${code}, signal ${signal})`;
        this.child = undefined;
      }
      // The pipes may still hold the last lines: end the file once they are drained.
      setTimeout(() => log.end(), 50);
    });
    this.child = child;
  }

  /** SIGKILL: no shutdown hook runs, whatever was in flight is cut off. Resolves when the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await gone;
    appendFileSync(this.logFile, `----- ${this.name} #${this.incarnation} SIGKILLed ${new Date().toISOString()} -----\n`);
  }

  /**
   * SIGTERM: the service's graceful shutdown (in-flight work finishes, then it leaves the
   * group). Resolves with the exit code when the process is gone; SIGKILLs it after `graceMs`.
   */
  async terminate(graceMs = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.child;
    if (!child) return { code: null, signal: null };
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
    const gone = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    const outcome = await gone.finally(() => clearTimeout(timer));
    appendFileSync(this.logFile, `----- ${this.name} #${this.incarnation} SIGTERMed ${new Date().toISOString()}: exit code ${outcome.code}, signal ${outcome.signal} -----\n`);
    return outcome;
  }

  /** SIGSTOP / SIGCONT: freezes the process (it neither heartbeats nor writes) and lets it go on where it stopped. */
  pause(): void {
    this.child?.kill("SIGSTOP");
  }

  resume(): void {
    this.child?.kill("SIGCONT");
  }

  /** Throws when the service died without being killed (it should never exit by itself). */
  assertAlive(): void {
    if (this.unexpectedExit) throw new Error(`${this.unexpectedExit}\n${this.tail(40)}`);
  }

  /** True once the current incarnation logged that it runs (consumer started, ops endpoints up). */
  isRunning(): boolean {
    if (!this.child) return false;
    const text = this.currentLog();
    return /"msg":"running"/.test(text);
  }

  /** The last `lines` lines of the log, across incarnations. */
  tail(lines = 30): string {
    let text = "";
    try {
      text = readFileSync(this.logFile, "utf8");
    } catch {
      return `(${this.name}: no log)`;
    }
    return `== ${this.name} (${this.logFile}) ==\n${text.trimEnd().split("\n").slice(-lines).join("\n")}`;
  }

  /** How often the log mentions `pattern` (all incarnations). */
  count(pattern: RegExp): number {
    try {
      return readFileSync(this.logFile, "utf8").match(new RegExp(pattern.source, "g"))?.length ?? 0;
    } catch {
      return 0;
    }
  }

  private currentLog(): string {
    try {
      const text = readFileSync(this.logFile, "utf8");
      const marker = `----- ${this.name} #${this.incarnation} started`;
      return text.slice(text.lastIndexOf(marker));
    } catch {
      return "";
    }
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }
}
