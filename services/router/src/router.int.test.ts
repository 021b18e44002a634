import { collectTopic, isolatedCatalog } from "@icpstream/kafka-kit/testing";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect } from "vitest";
import { EXAMPLE_EVENTS } from "@icpstream/contracts";
import type { RoutingActionV1, TierChangedEventV1, TopicCatalog } from "@icpstream/contracts";
import { confluentRegistry, DLQ_HEADERS, headerText, RegistryCodec } from "@icpstream/kafka-kit";
import { SIGNATURE_HEADER, verifyWebhook } from "@icpstream/routing";
import { stackTest as test, uniqueName, waitFor, type StackFixture } from "@icpstream/testkit";
import { WEBHOOK_DLQ_HEADERS } from "./webhook-dispatch.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const SECRET = "whsec-test-only";

interface Received {
  path: string;
  verified: boolean;
  deliveryId: string | undefined;
  action: RoutingActionV1;
}

/** A subscriber on 127.0.0.1: `/ok` verifies the signature and accepts; `/down` always answers 503. */
async function receiver(stack: StackFixture): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server: Server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const header = request.headers[SIGNATURE_HEADER];
      const check = verifyWebhook({ secret: SECRET, body, header: Array.isArray(header) ? header[0] : header, now: Date.now() });
      received.push({ path: request.url ?? "", verified: check.ok, deliveryId: request.headers["icp-delivery-id"] as string | undefined, action: JSON.parse(body) as RoutingActionV1 });
      if (request.url === "/down") response.writeHead(503).end("down for maintenance");
      else response.writeHead(check.ok ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  stack.onCleanup(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

/** The router's main as its own process, configured only through the environment like in production. */
function startRouter(stack: StackFixture, catalog: TopicCatalog, webhooksUrl: string): ChildProcess {
  const dir = mkdtempSync(join(tmpdir(), "icp-router-int-"));
  const hooks = join(dir, "webhooks.yaml");
  writeFileSync(
    hooks,
    [
      "endpoints:",
      `  - { id: crm, url: "${webhooksUrl}/ok", secretEnv: ICP_TEST_WEBHOOK_SECRET }`,
      `  - { id: flaky, url: "${webhooksUrl}/down", secretEnv: ICP_TEST_WEBHOOK_SECRET, maxAttempts: 2, backoff: { initialMs: 50, maxMs: 100, jitter: false } }`,
      "",
    ].join("\n"),
  );
  const { KAFKA_BROKERS, SCHEMA_REGISTRY_URL, REDIS_URL } = stack.settings;
  const output: string[] = [];
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      KAFKA_BROKERS,
      SCHEMA_REGISTRY_URL,
      REDIS_URL,
      ICP_TOPIC_PREFIX: catalog.tierChanged.topic.slice(0, -"icp.tier-changed".length),
      ICP_REDIS_PREFIX: stack.keyPrefix,
      ICP_GROUP_PREFIX: `${uniqueName("router")}.`,
      ICP_OPS_PORT: "0",
      ICP_TICK_INTERVAL_MS: "0",
      ICP_SESSION_TIMEOUT_MS: "10000",
      ICP_WEBHOOKS_CONFIG: hooks,
      ICP_TEST_WEBHOOK_SECRET: SECRET,
      ICP_WEBHOOK_DRAIN_TIMEOUT_MS: "3000",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  stack.onCleanup(async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  });
  child.once("exit", (code) => {
    if (code !== 0 && code !== null) console.error(`router exited with ${code}:\n${output.join("")}`);
  });
  return child;
}

const change = (accountKey: string, fields: Partial<TierChangedEventV1> = {}): TierChangedEventV1 => ({
  ...(EXAMPLE_EVENTS.tierChanged[0] as TierChangedEventV1),
  accountKey,
  eventId: `tc-${accountKey}:v1`,
  idempotencyKey: `tc-${accountKey}`,
  occurredAt: "2026-10-20T09:00:00Z",
  ...fields,
});

describe("router service against the real stack", () => {
  test("a tier change becomes routing actions on the topic and signed webhooks; a failing webhook ends in the dead-letter topic while the rest flows", async ({ stack }) => {
    const catalog = await isolatedCatalog(stack, { prefix: "rt" });
    const hooks = await receiver(stack);
    const codec = new RegistryCodec(confluentRegistry({ url: stack.settings.SCHEMA_REGISTRY_URL }), { mode: "register" });
    const actions = await collectTopic(stack, catalog.routingActions.topic);
    const deadLetters = await collectTopic(stack, catalog.routingActions.deadLetterTopic);
    const router = startRouter(stack, catalog, hooks.url);

    const producer = stack.kafka.producer();
    await producer.connect();
    stack.onCleanup(() => producer.disconnect());
    for (const event of [change("acme.com", { triggerActive: true }), change("globex.com", { triggerActive: false, strongIntent: false, reasons: [{ text: "Fit 81" }] })]) {
      const encoded = await codec.encode(catalog.tierChanged, event);
      await producer.send({ topic: catalog.tierChanged.topic, messages: [{ key: encoded.key, value: encoded.value }] });
    }

    // Tier 2 → Tier 1: stop the Tier 2 sequence, route to an owner; two accounts, four actions.
    await waitFor(() => actions.length >= 4, { what: "four routing actions on the topic", timeoutMs: 45_000 });
    const decoded = await Promise.all(actions.map((m) => codec.decode(catalog.routingActions, m.value, m.key)));
    const routes = decoded.filter((a): a is Extract<RoutingActionV1, { type: "route_to_owner" }> => a.type === "route_to_owner").sort((a, b) => a.accountKey.localeCompare(b.accountKey));
    expect(routes.map((r) => [r.accountKey, r.team, r.priority, r.slaDueAt])).toEqual([
      ["acme.com", "global", "front", "2026-10-20T10:00:00.000Z"], // active trigger: 1 h, from the change's occurredAt
      ["globex.com", "global", "normal", "2026-10-20T13:00:00.000Z"], // Tier 1: 4 h
    ]);
    expect(decoded.filter((a) => a.type === "stop_sequence")).toHaveLength(2);

    // Every action reaches the healthy subscriber, signed so that it verifies.
    await waitFor(() => hooks.received.filter((r) => r.path === "/ok").length >= 4, { what: "four signed webhooks", timeoutMs: 20_000 });
    const delivered = hooks.received.filter((r) => r.path === "/ok");
    expect(delivered.every((r) => r.verified)).toBe(true);
    expect(new Set(delivered.map((r) => r.deliveryId))).toEqual(new Set(decoded.map((a) => a.idempotencyKey)));

    // The subscriber that is down gets two attempts per action, then each action is dead-lettered with the reason.
    await waitFor(() => deadLetters.length >= 4, { what: "four webhook dead letters", timeoutMs: 20_000 });
    for (const letter of deadLetters) {
      expect(headerText(letter.headers, DLQ_HEADERS.code)).toBe("WEBHOOK_ATTEMPTS_EXHAUSTED");
      expect(headerText(letter.headers, WEBHOOK_DLQ_HEADERS.endpoint)).toBe("flaky");
      expect(headerText(letter.headers, WEBHOOK_DLQ_HEADERS.attempts)).toBe("2");
      expect(headerText(letter.headers, WEBHOOK_DLQ_HEADERS.lastStatus)).toBe("503");
      const action = await codec.decode(catalog.routingActions, letter.value, letter.key);
      expect(headerText(letter.headers, WEBHOOK_DLQ_HEADERS.deliveryId)).toBe(action.idempotencyKey);
    }
    expect(hooks.received.filter((r) => r.path === "/down")).toHaveLength(8);

    // A graceful stop: the process drains and exits cleanly.
    router.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => router.once("exit", resolve));
    expect(code).toBe(0);
  }, 90_000);
});
