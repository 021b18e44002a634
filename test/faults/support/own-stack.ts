import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadStackConfig, stackDown, stackUp, type StackConfig } from "@icpstream/infra";
import { kafkaNodeProcess, kafkaNodeReady, startKafkaNode } from "../../../infra/src/kafka.js";
import { runningPid, waitUntil, type ManagedProcess } from "../../../infra/src/processes.js";
import { redisClusterSpec, redisProcess, redisReady, startRedis } from "../../../infra/src/redis.js";
import { redisClusterNodeProcess, redisClusterNodeState, startRedisClusterNode } from "../../../infra/src/redis-cluster.js";
import { StackFixture, type StackSettings } from "@icpstream/testkit";

/** The single-node fault stack's ports. */
const SINGLE_PORTS = { kafka: 29192, controller: 29193, registry: 28181, management: 29101, redis: 26479 };

/**
 * A local stack of the fault tests' own — its own ports and ICP_STACK_DIR — for the faults
 * that take a broker or Redis down: the shared stack, other tests and a developer's
 * stack never notice. Downloads come from the shared cache. Stopped and deleted at the end.
 *
 * `cluster`: the cluster topology (three Kafka nodes, a Redis Cluster of 3 primaries + 3
 * replicas) on ports from `base` (default 27000, or ICP_FAULTS_CLUSTER_PORT_BASE): Kafka
 * base+92/+192/+292 (controllers +1), registry base+81 (management base+1), Redis Cluster
 * base+400…405 with its bus on base+500…505.
 */
export class OwnStack {
  readonly config: StackConfig;
  settings: StackSettings | undefined;

  constructor(options: { topology?: "single" | "cluster"; base?: number } = {}) {
    const dir = mkdtempSync(join(tmpdir(), "icp-faults-stack-"));
    const base = options.base ?? Number(process.env.ICP_FAULTS_CLUSTER_PORT_BASE ?? 27000);
    const ports =
      options.topology === "cluster"
        ? { kafka: base + 92, controller: base + 93, registry: base + 81, management: base + 1, redis: base + 79 }
        : SINGLE_PORTS;
    this.config = loadStackConfig({
      ...process.env,
      ICP_STACK_DIR: dir,
      ICP_STACK_TOPOLOGY: options.topology ?? "single",
      ICP_STACK_SECURITY: "none",
      ICP_KAFKA_PORT: String(ports.kafka),
      ICP_KAFKA_CONTROLLER_PORT: String(ports.controller),
      ICP_REGISTRY_PORT: String(ports.registry),
      ICP_REGISTRY_MANAGEMENT_PORT: String(ports.management),
      ICP_REDIS_PORT: String(ports.redis),
      ICP_REDIS_CLUSTER_PORT: String(base + 400),
      ICP_REDIS_CLUSTER_BUS_PORT: String(base + 500),
    });
  }

  async up(): Promise<StackSettings> {
    const connection = await stackUp(this.config, (line) => console.log(`[faults stack] ${line}`), {});
    this.settings = { ...connection, origin: "local-stack" };
    return this.settings;
  }

  /** Runs `body` with a test's slice of this stack (its own topics and key prefix), cleaned up whatever happens. */
  async withFixture(body: (stack: StackFixture) => Promise<void>): Promise<void> {
    const stack = new StackFixture(this.settings);
    try {
      await body(stack);
    } finally {
      await stack.cleanup();
    }
  }

  async down(): Promise<void> {
    await stackDown(this.config, (line) => console.log(`[faults stack] ${line}`), {});
    rmSync(this.config.stateDir, { recursive: true, force: true });
  }

  private kafkaNode(id: number) {
    const node = this.config.kafka.nodes.find((n) => n.id === id);
    if (!node) throw new Error(`the fault stack has no Kafka node ${id}`);
    return node;
  }

  /** SIGKILLs Redis (no shutdown, no final AOF rewrite): what survives is what the append-only file holds. */
  killRedis(): void {
    kill(redisProcess(this.config), "the fault stack's Redis");
  }

  /** Starts Redis again on the same data dir (it loads the append-only file) and waits until it answers. */
  async startRedis(): Promise<void> {
    startRedis(this.config);
    await waitUntil(() => redisReady(this.config), { timeoutMs: 60_000, describe: "the fault stack's Redis after a restart" });
  }

  /** SIGKILLs a broker (default: the only one): no controlled shutdown, the next start recovers its logs. */
  killKafka(id = 1): void {
    kill(kafkaNodeProcess(this.config, this.kafkaNode(id)), `the fault stack's broker ${id}`);
  }

  /** Starts a broker again and waits until it is back in the cluster. */
  async startKafka(id = 1): Promise<void> {
    const node = this.kafkaNode(id);
    await startKafkaNode(this.config, node);
    await waitUntil(() => kafkaNodeReady(this.config, node), { timeoutMs: 120_000, describe: `the fault stack's broker ${id} after a restart` });
  }

  /** The Redis Cluster node on `port`: SIGKILLed like a machine that vanishes. */
  killRedisNode(port: number): void {
    kill(redisClusterNodeProcess(redisClusterSpec(this.config).dir, port), `the fault stack's Redis node ${port}`);
  }

  /** Starts a Redis Cluster node again; it rejoins from its nodes.conf (a failed-over primary comes back as a replica). */
  async startRedisNode(port: number): Promise<void> {
    const spec = redisClusterSpec(this.config);
    startRedisClusterNode(spec, spec.ports.indexOf(port));
    await waitUntil(async () => (await redisClusterNodeState(spec, port)) === "ok", { timeoutMs: 60_000, describe: `the fault stack's Redis node ${port} back in the cluster` });
  }

  /** Whether a process is gone (pid file or not): waits until the kill took effect. */
  async gone(which: "redis" | "kafka" | { kafka: number } | { redis: number }): Promise<void> {
    const proc =
      which === "redis" ? redisProcess(this.config)
      : which === "kafka" ? kafkaNodeProcess(this.config, this.kafkaNode(1))
      : "kafka" in which ? kafkaNodeProcess(this.config, this.kafkaNode(which.kafka))
      : redisClusterNodeProcess(redisClusterSpec(this.config).dir, which.redis);
    await waitUntil(async () => runningPid(proc) === undefined, { timeoutMs: 30_000, describe: `${proc.name} gone` });
  }
}

function kill(proc: ManagedProcess, what: string): void {
  const pid = runningPid(proc);
  if (pid === undefined) throw new Error(`${what} is not running`);
  process.kill(pid, "SIGKILL");
}
