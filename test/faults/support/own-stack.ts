import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadStackConfig, stackDown, stackUp, type StackConfig } from "@icpstream/infra";
import { kafkaProcess, kafkaReady, startKafka } from "../../../infra/src/kafka.js";
import { runningPid, waitUntil } from "../../../infra/src/processes.js";
import { redisProcess, redisReady, startRedis } from "../../../infra/src/redis.js";
import type { StackSettings } from "@icpstream/testkit";

/**
 * A local stack of the fault tests' own — its own ports and ICP_STACK_DIR — for the faults
 * that take the broker or Redis down: the shared stack, other tests and a developer's
 * stack never notice. Downloads come from the shared cache. Stopped and deleted at the end.
 */
export class OwnStack {
  readonly config: StackConfig;
  settings: StackSettings | undefined;

  constructor(ports = { kafka: 29192, controller: 29193, registry: 28181, management: 29101, redis: 26479 }) {
    const dir = mkdtempSync(join(tmpdir(), "icp-faults-stack-"));
    this.config = loadStackConfig({
      ...process.env,
      ICP_STACK_DIR: dir,
      ICP_KAFKA_PORT: String(ports.kafka),
      ICP_KAFKA_CONTROLLER_PORT: String(ports.controller),
      ICP_REGISTRY_PORT: String(ports.registry),
      ICP_REGISTRY_MANAGEMENT_PORT: String(ports.management),
      ICP_REDIS_PORT: String(ports.redis),
    });
  }

  async up(): Promise<StackSettings> {
    const connection = await stackUp(this.config, (line) => console.log(`[faults stack] ${line}`));
    this.settings = { ...connection, origin: "local-stack" };
    return this.settings;
  }

  async down(): Promise<void> {
    await stackDown(this.config, (line) => console.log(`[faults stack] ${line}`));
    rmSync(this.config.stateDir, { recursive: true, force: true });
  }

  /** SIGKILLs Redis (no shutdown, no final AOF rewrite): what survives is what the append-only file holds. */
  killRedis(): void {
    const pid = runningPid(redisProcess(this.config));
    if (pid === undefined) throw new Error("the fault stack's Redis is not running");
    process.kill(pid, "SIGKILL");
  }

  /** Starts Redis again on the same data dir (it loads the append-only file) and waits until it answers. */
  async startRedis(): Promise<void> {
    startRedis(this.config);
    await waitUntil(() => redisReady(this.config), { timeoutMs: 60_000, describe: "the fault stack's Redis after a restart" });
  }

  /** SIGKILLs the broker: no controlled shutdown, the next start recovers its logs. */
  killKafka(): void {
    const pid = runningPid(kafkaProcess(this.config));
    if (pid === undefined) throw new Error("the fault stack's broker is not running");
    process.kill(pid, "SIGKILL");
  }

  async startKafka(): Promise<void> {
    await startKafka(this.config);
    await waitUntil(() => kafkaReady(this.config), { timeoutMs: 120_000, describe: "the fault stack's broker after a restart" });
  }

  /** Whether a process is gone (pid file or not): waits until the kill took effect. */
  async gone(which: "redis" | "kafka"): Promise<void> {
    const proc = which === "redis" ? redisProcess(this.config) : kafkaProcess(this.config);
    await waitUntil(async () => runningPid(proc) === undefined, { timeoutMs: 30_000, describe: `${which} gone` });
  }
}
