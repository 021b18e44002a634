import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { stackSettings, uniqueName } from "@icpstream/testkit";
import { REPO_ROOT } from "./support/service-process.js";

const TSX_LOADER = createRequire(import.meta.url).resolve("tsx");

/**
 * Every entry point, started with the broker up and the schema registry unreachable at a
 * URL with a password in it: each must stop (exit code ≠ 0), say that the registry was
 * the problem, and print the URL without its password — the registry client's error
 * carries its request URL, which Node printed whole.
 */
const ENTRY_POINTS: { name: string; args: string[] }[] = [
  ...["fit", "timing", "combiner", "router"].map((service) => ({ name: `${service} service`, args: [`services/${service}/src/main.ts`] })),
  { name: "ingest gateway", args: ["services/ingest/src/gateway-main.ts"] },
  { name: "synthetic feed", args: ["services/ingest/src/synthetic-main.ts"] },
  { name: "icp ingest", args: ["services/cli/src/main.ts", "ingest", "examples/accounts.csv", "--type", "accounts", "--no-progress"] },
];

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TSX_LOADER, ...args], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe("a registry URL's password on every error path", () => {
  it("no entry point prints the password of a registry that refuses the connection at start; each stops and names the registry without it", { timeout: 240_000 }, async () => {
    const password = `pw-${randomUUID()}`;
    const env = {
      KAFKA_BROKERS: stackSettings().KAFKA_BROKERS,
      // Port 1: nothing listens there, the connection is refused.
      SCHEMA_REGISTRY_URL: `http://icp:${password}@127.0.0.1:1/apis/ccompat/v7`,
      REDIS_URL: stackSettings().REDIS_URL,
      ICP_TOPIC_PREFIX: `${uniqueName("creds")}.`,
      ICP_GROUP_PREFIX: `${uniqueName("creds")}.`,
      ICP_GATEWAY_API_KEYS: "k",
      ICP_GATEWAY_PORT: "1",
      ICP_OPS_PORT: "1",
    };
    // Two at a time: each is a whole Node process with tsx compiling on start.
    const results: { name: string; code: number | null; output: string }[] = [];
    for (let i = 0; i < ENTRY_POINTS.length; i += 2) {
      results.push(...(await Promise.all(ENTRY_POINTS.slice(i, i + 2).map(async ({ name, args }) => ({ name, ...(await run(args, env)) })))));
    }
    for (const { name, code, output } of results) {
      expect(output, `${name} printed the password:\n${output}`).not.toContain(password);
      expect(code, `${name} did not stop:\n${output}`).not.toBe(0);
      expect(output, `${name} did not name the registry:\n${output}`).toContain("http://[redacted]@127.0.0.1:1/apis/ccompat/v7");
      expect(output, `${name} did not say the registry was unavailable:\n${output}`).toContain("REGISTRY_UNAVAILABLE");
    }
  });
});
