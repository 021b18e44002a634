import { mkdirSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import { type ConnectionSettings, connectionSettings, type StackConfig } from "./config.js";
import { createCatalogTopics, kafkaProcess, kafkaReady, startKafka } from "./kafka.js";
import { type ManagedProcess, residentBytes, runningPid, stopProcess, tailOf, waitUntil } from "./processes.js";
import { chooseRegistryRuntime, enforceBackwardCompatibility, registryProcess, registryReady, startRegistry } from "./registry.js";
import { ensureRedisServer, redisProcess, redisReady, startRedis } from "./redis.js";

export type Log = (line: string) => void;

interface Component {
  name: "kafka" | "registry" | "redis";
  port: number;
  process: ManagedProcess;
  ready: () => Promise<boolean>;
  /** Fetches what is missing and starts the process. */
  start: () => Promise<number>;
  /** Runs once the component answers, before it counts as up. */
  afterReady?: () => Promise<void>;
}

function components(config: StackConfig, log: Log): Component[] {
  return [
    {
      name: "redis",
      port: config.redis.port,
      process: redisProcess(config),
      ready: () => redisReady(config),
      start: async () => {
        ensureRedisServer(config, log);
        return startRedis(config);
      },
    },
    {
      name: "kafka",
      port: config.kafka.port,
      process: kafkaProcess(config),
      ready: () => kafkaReady(config),
      start: () => startKafka(config),
    },
    {
      name: "registry",
      port: config.registry.port,
      process: registryProcess(config),
      ready: () => registryReady(config),
      start: async () => {
        const runtime = chooseRegistryRuntime(config);
        if (runtime.fallbackReason) log(runtime.fallbackReason);
        log(`registry: Apicurio Registry ${runtime.version} on Java ${runtime.jdk.major} (${runtime.jdk.java})`);
        return startRegistry(config, runtime);
      },
      afterReady: () => enforceBackwardCompatibility(config),
    },
  ];
}

function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export function writeConnectionSettings(config: StackConfig): ConnectionSettings {
  const settings = connectionSettings(config);
  mkdirSync(config.stateDir, { recursive: true });
  const lines = Object.entries(settings).map(([key, value]) => `${key}=${value}`);
  writeFileSync(join(config.stateDir, "stack.env"), `# Written by npm run stack:up; read by services and tests.\n${lines.join("\n")}\n`);
  return settings;
}

/**
 * Brings the stack up. Idempotent: a component whose process runs and answers is left alone.
 * Every component is started before any is awaited, so the slow registry start overlaps the
 * broker's. Fails with the tail of the log of a component that does not come up.
 */
export async function stackUp(config: StackConfig, log: Log): Promise<ConnectionSettings> {
  const all = components(config, log);
  const started = await Promise.all(
    all.map(async (component) => {
      const pid = runningPid(component.process);
      if (pid !== undefined) {
        if (await component.ready().catch(() => false)) {
          log(`${component.name}: already running (pid ${pid}, port ${component.port})`);
          return { component, pid, fresh: false };
        }
        log(`${component.name}: running (pid ${pid}) but not answering yet; waiting`);
        return { component, pid, fresh: false };
      }
      if (await portInUse(component.port)) {
        throw new Error(
          `${component.name}: port ${component.port} is taken by a process this stack did not start. ` +
            `Stop it, or choose another port (see README: ICP_*_PORT).`,
        );
      }
      const t0 = Date.now();
      const newPid = await component.start();
      log(`${component.name}: started (pid ${newPid}, port ${component.port}) in ${Date.now() - t0} ms incl. fetch`);
      return { component, pid: newPid, fresh: true };
    }),
  );
  await Promise.all(
    started.map(async ({ component }) => {
      try {
        await waitUntil(component.ready, {
          timeoutMs: config.readyTimeoutMs,
          describe: `${component.name} on port ${component.port}`,
          stillAlive: () => runningPid(component.process) !== undefined,
        });
        await component.afterReady?.();
      } catch (error) {
        throw new Error(`${(error as Error).message}\n--- last lines of ${component.process.logFile} ---\n${tailOf(component.process.logFile)}`);
      }
    }),
  );
  const topics = await createCatalogTopics(config);
  if (topics.created.length > 0) log(`kafka: created ${topics.created.length} topics (${topics.created.join(", ")})`);
  for (const mismatch of topics.mismatched) log(`kafka: topic differs from the catalog: ${mismatch}`);
  const settings = writeConnectionSettings(config);
  log(`ready: ${Object.entries(settings).map(([k, v]) => `${k}=${v}`).join(" ")}`);
  return settings;
}

/** Stops the stack's processes (broker last, so consumers of it are already gone). Data stays. */
export async function stackDown(config: StackConfig, log: Log): Promise<void> {
  const order = ["registry", "redis", "kafka"] as const;
  const byName = new Map(components(config, log).map((c) => [c.name, c]));
  for (const name of order) {
    const component = byName.get(name);
    if (!component) continue;
    const outcome = await stopProcess(component.process);
    log(`${name}: ${outcome}`);
  }
}

export interface ComponentStatus {
  name: string;
  pid?: number;
  port: number;
  ready: boolean;
  rssBytes?: number;
  log: string;
}

export async function stackStatus(config: StackConfig, log: Log): Promise<ComponentStatus[]> {
  return Promise.all(
    components(config, log).map(async (component) => {
      const pid = runningPid(component.process);
      const ready = pid !== undefined && (await component.ready().catch(() => false));
      const rssBytes = pid === undefined ? undefined : residentBytes(pid);
      return {
        name: component.name,
        port: component.port,
        ready,
        log: component.process.logFile,
        ...(pid !== undefined ? { pid } : {}),
        ...(rssBytes !== undefined ? { rssBytes } : {}),
      };
    }),
  );
}
