import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect } from "vitest";
import { freePort } from "@icpstream/infra";
import { isolatedCatalog } from "@icpstream/kafka-kit/testing";
import { createRedis, pingRedis } from "@icpstream/redis-kit";
import { stackTest as test, uniqueName, waitFor, type StackFixture } from "@icpstream/testkit";

/**
 * Issue 13, point 5: `/readyz` tells the truth. A service whose topics hold nothing used to
 * stay unready for ever (lag was only learnt from fetched batches), and one whose Redis was
 * down stayed ready. Each test runs a real service (its main.ts, as a child process).
 */
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const TSX = createRequire(import.meta.url).resolve("tsx");

interface ReadyBody {
  ready: boolean;
  detail: { dependencies: Record<string, string>; assignedPartitions: unknown[] | null; lagging: unknown[] };
}

async function readyz(opsUrl: string): Promise<{ status: number; body: ReadyBody } | undefined> {
  try {
    const response = await fetch(`${opsUrl}/readyz`);
    return { status: response.status, body: (await response.json()) as ReadyBody };
  } catch {
    return undefined; // not listening yet
  }
}

/** A service's main.ts as its own process, configured only by the environment; its output is printed if the test fails. */
async function startService(stack: StackFixture, name: "fit" | "timing", env: { topicPrefix: string; redisUrl: string }, onTestFailed: (fn: () => void) => void): Promise<string> {
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, ["--import", TSX, join("services", name, "src", "main.ts")], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      KAFKA_BROKERS: stack.settings.KAFKA_BROKERS,
      SCHEMA_REGISTRY_URL: stack.settings.SCHEMA_REGISTRY_URL,
      REDIS_URL: env.redisUrl,
      ICP_TOPIC_PREFIX: env.topicPrefix,
      ICP_REDIS_PREFIX: stack.keyPrefix,
      ICP_GROUP_PREFIX: `${uniqueName("readyz")}.`,
      ICP_OPS_PORT: String(port),
      ICP_SESSION_TIMEOUT_MS: "6000",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  onTestFailed(() => console.log(`${name} said:\n${output.join("")}`));
  stack.onCleanup(() => stopChild(child, "SIGTERM"));
  return `http://127.0.0.1:${port}`;
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  await exited;
}

/** A redis-server of the test's own (never the shared one), with its data kept across a stop. */
async function privateRedis(stack: StackFixture): Promise<{ url: string; start(): Promise<void>; stop(): Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "icp-readyz-redis-"));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const server = {
    url,
    async start() {
      const args = ["--bind", "127.0.0.1", "--port", String(port), "--dir", dir, "--appendonly", "yes", "--save", "", "--protected-mode", "no"];
      child = spawn(process.env.ICP_REDIS_SERVER ?? "redis-server", args, { stdio: "ignore" });
      const probe = createRedis(url, { maxRetriesPerRequest: 0 });
      try {
        // redis-server starts in milliseconds; a loaded machine gets ten seconds.
        await waitFor(() => pingRedis(probe).then(() => true, () => false), { timeoutMs: 10_000, intervalMs: 100, what: `redis-server on port ${port}` });
      } finally {
        probe.disconnect();
      }
    },
    async stop() {
      if (child) await stopChild(child, "SIGTERM");
      child = undefined;
    },
  };
  stack.onCleanup(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  await server.start();
  return server;
}

const topicPrefixOf = (firmographicTopic: string) => firmographicTopic.slice(0, -"icp.firmographic".length);

describe("readiness that tells the truth", () => {
  test("a service whose topics hold nothing becomes ready: every assigned partition is at its high watermark", async ({ stack, onTestFailed }) => {
    const catalog = await isolatedCatalog(stack, { prefix: "rz", partitions: 2 });
    const opsUrl = await startService(stack, "timing", { topicPrefix: topicPrefixOf(catalog.firmographic.topic), redisUrl: stack.settings.REDIS_URL }, onTestFailed);

    const ready = await waitFor(async () => {
      const answer = await readyz(opsUrl);
      return answer?.status === 200 ? answer.body : undefined;
    }, { timeoutMs: 45_000, intervalMs: 250, what: "/readyz to answer 200 on empty topics" });
    // Timing reads hiring, funding, intent and the rubric promotions: two partitions each, all empty.
    expect(ready.detail.assignedPartitions).toHaveLength(8);
    expect(ready.detail.lagging).toEqual([]);
    expect(ready.detail.dependencies).toEqual({ redis: "ok", broker: "ok" });
  });

  test("stopping Redis makes the service not ready, and it is ready again once Redis is back", async ({ stack, onTestFailed }) => {
    const catalog = await isolatedCatalog(stack, { prefix: "rz", partitions: 2 });
    const redis = await privateRedis(stack);
    const opsUrl = await startService(stack, "fit", { topicPrefix: topicPrefixOf(catalog.firmographic.topic), redisUrl: redis.url }, onTestFailed);
    const statusIs = (status: number) => async () => {
      const answer = await readyz(opsUrl);
      return answer?.status === status ? answer.body : undefined;
    };
    await waitFor(statusIs(200), { timeoutMs: 45_000, intervalMs: 250, what: "/readyz 200 with Redis up" });

    await redis.stop();
    const down = await waitFor(statusIs(503), { timeoutMs: 20_000, intervalMs: 250, what: "/readyz 503 with Redis stopped" });
    expect(down.ready).toBe(false);
    expect(down.detail.dependencies.redis).toMatch(/^unreachable: /);
    expect(down.detail.dependencies.broker).toBe("ok");

    await redis.start();
    const back = await waitFor(statusIs(200), { timeoutMs: 30_000, intervalMs: 250, what: "/readyz 200 once Redis is back" });
    expect(back.detail.dependencies).toEqual({ redis: "ok", broker: "ok" });
  });
});
