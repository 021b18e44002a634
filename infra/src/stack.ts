import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import { type ConnectionSettings, connectionSettings, loadStackConfig, type Security, type StackConfig, type Topology, variantDir } from "./config.js";
import { createCatalogTopics, kafkaNodeProcess, kafkaNodeReady, startKafkaNode } from "./kafka.js";
import { type ManagedProcess, residentBytes, runningPid, stopProcess, tailOf, waitUntil } from "./processes.js";
import { chooseRegistryRuntime, enforceBackwardCompatibility, registryProcess, registryReady, startRegistry } from "./registry.js";
import { ensureRedisServer, redisClusterSpec, redisProcess, redisReady, startRedis } from "./redis.js";
import { formRedisCluster, redisClusterNodeProcess, redisClusterNodeState, startRedisClusterNode } from "./redis-cluster.js";
import { ensureSecurityMaterial } from "./tls.js";

export type Log = (line: string) => void;

interface Component {
  /** `kafka`, `redis`, `registry` on the single-node stack; `kafka-1`…`kafka-3`, `redis-<port>` on the cluster. */
  name: string;
  port: number;
  process: ManagedProcess;
  ready: () => Promise<boolean>;
  /** Fetches what is missing and starts the process. */
  start: () => Promise<number>;
  /** Runs once the component answers, before it counts as up. */
  afterReady?: () => Promise<void>;
}

function registryComponent(config: StackConfig, log: Log): Component {
  return {
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
  };
}

function redisComponents(config: StackConfig, log: Log): Component[] {
  if (config.topology === "single") {
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
    ];
  }
  // The spec reads the secured stack's password: only once the material exists (see stackUp).
  const spec = () => redisClusterSpec(config);
  const dir = join(variantDir(config), "redis-cluster");
  return config.redis.clusterPorts.map((port, index) => ({
    name: `redis-${port}`,
    port,
    process: redisClusterNodeProcess(dir, port),
    // A node counts as ready once the cluster it belongs to is formed and sees all its slots served.
    ready: async () => (await redisClusterNodeState(spec(), port)) === "ok",
    start: async () => {
      ensureRedisServer(config, log);
      return startRedisClusterNode(spec(), index);
    },
  }));
}

function components(config: StackConfig, log: Log): Component[] {
  const kafka = config.kafka.nodes.map<Component>((node) => ({
    name: kafkaNodeProcess(config, node).name,
    port: node.port,
    process: kafkaNodeProcess(config, node),
    ready: () => kafkaNodeReady(config, node),
    start: () => startKafkaNode(config, node),
  }));
  return [...redisComponents(config, log), ...kafka, registryComponent(config, log)];
}

/** Every topology and security a stack dir can hold, for `down` and for the check that only one runs. */
const VARIANTS: readonly { topology: Topology; security: Security }[] = [
  { topology: "single", security: "none" },
  { topology: "cluster", security: "none" },
  { topology: "single", security: "sasl-tls" },
  { topology: "cluster", security: "sasl-tls" },
];

function withVariant(config: StackConfig, variant: { topology: Topology; security: Security }, env: NodeJS.ProcessEnv): StackConfig {
  if (config.topology === variant.topology && config.security === variant.security) return config;
  return { ...loadStackConfig({ ...env, ICP_STACK_TOPOLOGY: variant.topology, ICP_STACK_SECURITY: variant.security }), stateDir: config.stateDir };
}

const describeVariant = (v: { topology: Topology; security: Security }) => `${v.topology}${v.security === "sasl-tls" ? " (secured)" : ""}`;

/** The topology and security that `stack:up` last brought up in this stack dir (kept in `<stack>/stack.topology`). */
export function recordedVariant(stateDir: string): { topology: Topology; security: Security } | undefined {
  const file = join(stateDir, "stack.topology");
  if (!existsSync(file)) return undefined;
  const [topology, security] = readFileSync(file, "utf8").trim().split(/\s+/);
  const found = VARIANTS.find((v) => v.topology === topology && v.security === security);
  return found ? { ...found } : undefined;
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

/**
 * Writes `<stack>/stack.env` (and which topology it is for, `<stack>/stack.topology`). A
 * secured stack's file names the password files (mode 0600, in the stack dir), never a password.
 */
export function writeConnectionSettings(config: StackConfig): ConnectionSettings {
  const settings = connectionSettings(config);
  mkdirSync(config.stateDir, { recursive: true });
  const lines = Object.entries(settings).map(([key, value]) => `${key}=${value}`);
  const what = `${config.topology} topology${config.security === "sasl-tls" ? ", secured (SASL_SSL, Redis ACL + TLS)" : ""}`;
  writeFileSync(join(config.stateDir, "stack.env"), `# Written by npm run stack:up (${what}); read by services and tests.\n${lines.join("\n")}\n`);
  writeFileSync(join(config.stateDir, "stack.topology"), `${config.topology} ${config.security}\n`);
  return settings;
}

/**
 * Brings the stack up. Idempotent: a component whose process runs and answers is left alone.
 * Every component is started before any is awaited, so the slow registry start overlaps the
 * broker's. Fails with the tail of the log of a component that does not come up.
 */
export async function stackUp(config: StackConfig, log: Log, env: NodeJS.ProcessEnv = process.env): Promise<ConnectionSettings> {
  for (const variant of VARIANTS) {
    if (variant.topology === config.topology && variant.security === config.security) continue;
    const other = withVariant(config, variant, env);
    // The registry is one process for every variant; the brokers and Redis are not.
    const running = components(other, log).filter((c) => c.name !== "registry" && runningPid(c.process) !== undefined);
    if (running.length > 0) {
      throw new Error(`the ${describeVariant(variant)} stack of ${config.stateDir} is running (${running.map((c) => c.name).join(", ")}): stop it first (npm run stack:down), or use another ICP_STACK_DIR`);
    }
  }
  if (config.security === "sasl-tls") ensureSecurityMaterial(config);
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
  // Redis Cluster nodes answer before the cluster is formed: form it (once) when all run.
  if (config.topology === "cluster") {
    const spec = redisClusterSpec(config);
    const t0 = Date.now();
    await formRedisCluster(spec, config.readyTimeoutMs);
    log(`redis: cluster of ${spec.ports.length} nodes (3 primaries, 3 replicas) ok in ${Date.now() - t0} ms`);
  }
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

/**
 * Stops every process of the stack dir, whichever topology started them: the registry,
 * then Redis, then the brokers (last, so consumers of them are already gone; the nodes of a
 * cluster together, so none waits for a controlled shutdown its peers cannot answer). Data stays.
 */
export async function stackDown(config: StackConfig, log: Log, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  for (const variant of VARIANTS) {
    const all = components(withVariant(config, variant, env), log);
    const isCurrent = variant.topology === config.topology && variant.security === config.security;
    if (!isCurrent && all.every((c) => runningPid(c.process) === undefined)) continue;
    const stop = async (list: Component[]) => {
      await Promise.all(
        list.map(async (component) => {
          const outcome = await stopProcess(component.process);
          if (outcome !== "not-running" || isCurrent) log(`${component.name}: ${outcome}`);
        }),
      );
    };
    // The registry process is the same for every variant: stop it once.
    await stop(all.filter((c) => c.name === "registry"));
    await stop(all.filter((c) => c.name.startsWith("redis")));
    await stop(all.filter((c) => c.name.startsWith("kafka")));
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

/** The log file of every process of the topology. */
export function stackLogs(config: StackConfig): string[] {
  return components(config, () => undefined).map((c) => c.process.logFile);
}
