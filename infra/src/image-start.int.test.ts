import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect } from "vitest";
import { isolatedCatalog } from "@icpstream/kafka-kit/testing";
import { stackTest as test, uniqueName, waitFor, type StackFixture } from "@icpstream/testkit";
import { REPO_ROOT } from "./config.js";
import { imageStart } from "./deploy-check.js";
import { freePort } from "./processes.js";

/**
 * The image starts its services with the very command the Dockerfile gives: its ENTRYPOINT with
 * the service's name as the command, in the image's environment, from the compiled tree. No
 * container engine runs here, so the command runs from this checkout's built tree (the runtime
 * stage holds the same layout under its WORKDIR) against the test stack; only the stack's
 * addresses, a namespace of the test's own and a free ops port are added to the image's ENV.
 */
const start = imageStart(readFileSync(join(REPO_ROOT, "Dockerfile"), "utf8"));

beforeAll(async () => {
  const { ensureBuilt } = (await import(join(REPO_ROOT, "scripts", "build.mjs"))) as { ensureBuilt: (log: (line: string) => void, root: string) => number };
  // A fresh clone has no dist/ yet (npm start builds it, but tests may run first): a cold build takes about a minute here.
  expect(ensureBuilt((line) => console.log(line), REPO_ROOT)).toBe(0);
}, 300_000);

/** Runs `<ENTRYPOINT> <command>` as the image would; returns the process and its ops URL. */
async function runImageCommand(stack: StackFixture, command: string, extraEnv: Record<string, string>, onTestFailed: (fn: () => void) => void): Promise<{ child: ChildProcess; opsPort: number }> {
  const [program, ...args] = [...start.entrypoint, command];
  expect(program).toBe("node");
  const catalog = await isolatedCatalog(stack);
  const opsPort = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      ...start.env,
      KAFKA_BROKERS: stack.settings.KAFKA_BROKERS,
      SCHEMA_REGISTRY_URL: stack.settings.SCHEMA_REGISTRY_URL,
      REDIS_URL: stack.settings.REDIS_URL,
      ICP_TOPIC_PREFIX: catalog.firmographic.topic.slice(0, -"icp.firmographic".length),
      ICP_GROUP_PREFIX: `${uniqueName("image")}.`,
      ICP_REDIS_PREFIX: stack.keyPrefix,
      ICP_OPS_PORT: String(opsPort),
      LOG_LEVEL: "warn",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  onTestFailed(() => console.log(`${command} said:\n${output.join("")}`));
  stack.onCleanup(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await gone;
  });
  return { child, opsPort };
}

async function answers(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
}

describe("the image's command, run from the compiled tree", () => {
  test("fit started as `<ENTRYPOINT> fit` in the image's environment turns ready, and the image's HEALTHCHECK passes against it", { timeout: 120_000 }, async ({ stack, onTestFailed }) => {
    const { child, opsPort } = await runImageCommand(stack, "fit", {}, onTestFailed);
    await waitFor(() => answers(`http://127.0.0.1:${opsPort}/readyz`), { timeoutMs: 90_000, intervalMs: 200, what: "fit's /readyz" });
    expect(child.exitCode).toBeNull();
    // No TypeScript loader on the command line: the process runs the compiled JavaScript.
    expect(readFileSync(`/proc/${child.pid}/cmdline`, "utf8").split("\0").filter(Boolean)).toEqual([process.execPath, ...start.entrypoint.slice(1), "fit"]);

    const [program, ...args] = start.healthcheck ?? [];
    expect(program).toBe("node");
    const check = spawnSync(process.execPath, args, { cwd: REPO_ROOT, env: { PATH: process.env.PATH, ...start.env, ICP_OPS_PORT: String(opsPort) }, encoding: "utf8" });
    expect(check.status, check.stderr).toBe(0);
  });

  test("the gateway started as `<ENTRYPOINT> gateway` answers /readyz on its ops port and its API on the image's host setting", { timeout: 120_000 }, async ({ stack, onTestFailed }) => {
    const apiPort = await freePort();
    const { opsPort } = await runImageCommand(stack, "gateway", { ICP_GATEWAY_API_KEYS: "image-test-key", ICP_GATEWAY_PORT: String(apiPort) }, onTestFailed);
    await waitFor(() => answers(`http://127.0.0.1:${opsPort}/readyz`), { timeoutMs: 90_000, intervalMs: 200, what: "the gateway's /readyz" });
    const unauthenticated = await fetch(`http://127.0.0.1:${apiPort}/v1/signals`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(unauthenticated.status).toBe(401);
  });

  test("a command the image does not know stops with the list of commands", async () => {
    const [, ...args] = [...start.entrypoint, "fitt"];
    const result = spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^unknown command: fitt\nusage: docker run/);
  });
});
