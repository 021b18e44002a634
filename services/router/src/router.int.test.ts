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
import { WEBHOOK_DLQ_HEADERS } from "@icpstream/webhooks";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const SECRET = "whsec-test-only";

interface Received {
  path: string;
  verified: boolean;
  deliveryId: string | undefined;
  status: number;
  action: RoutingActionV1;
}

/**
 * A subscriber on 127.0.0.1: a path in `down` answers 503 (`/down` always is), any other
 * verifies the signature and accepts.
 */
async function receiver(stack: StackFixture): Promise<{ url: string; received: Received[]; down: Set<string> }> {
  const received: Received[] = [];
  const down = new Set(["/down"]);
  const server: Server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const header = request.headers[SIGNATURE_HEADER];
      const check = verifyWebhook({ secret: SECRET, body, header: Array.isArray(header) ? header[0] : header, now: Date.now() });
      const path = request.url ?? "";
      const status = down.has(path) ? 503 : check.ok ? 204 : 401;
      received.push({ path, verified: check.ok, deliveryId: request.headers["icp-delivery-id"] as string | undefined, status, action: JSON.parse(body) as RoutingActionV1 });
      response.writeHead(status).end(status === 503 ? "down for maintenance" : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  stack.onCleanup(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, down };
}

/**
 * The router's main as its own process, configured only through the environment like in
 * production. `endpoints`: the webhook subscriptions, one YAML flow mapping each. Two runs
 * with the same `groupPrefix` are the same router restarted.
 */
function startRouter(stack: StackFixture, catalog: TopicCatalog, options: { endpoints: string[]; groupPrefix?: string }): ChildProcess {
  const dir = mkdtempSync(join(tmpdir(), "icp-router-int-"));
  const hooks = join(dir, "webhooks.yaml");
  writeFileSync(hooks, ["endpoints:", ...options.endpoints.map((endpoint) => `  - ${endpoint}`), ""].join("\n"));
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
      ICP_GROUP_PREFIX: options.groupPrefix ?? `${uniqueName("router")}.`,
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
    if (child.exitCode === null && child.signalCode === null) {
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

async function publishChanges(stack: StackFixture, codec: RegistryCodec, catalog: TopicCatalog, changes: TierChangedEventV1[]): Promise<void> {
  const producer = stack.kafka.producer();
  await producer.connect();
  stack.onCleanup(() => producer.disconnect());
  for (const event of changes) {
    const encoded = await codec.encode(catalog.tierChanged, event);
    await producer.send({ topic: catalog.tierChanged.topic, messages: [{ key: encoded.key, value: encoded.value }] });
  }
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once("exit", resolve));

describe("router service against the real stack", () => {
  test("a tier change becomes routing actions on the topic and signed webhooks; a failing webhook ends in the dead-letter topic while the rest flows", async ({ stack }) => {
    const catalog = await isolatedCatalog(stack, { prefix: "rt" });
    const hooks = await receiver(stack);
    const codec = new RegistryCodec(confluentRegistry({ url: stack.settings.SCHEMA_REGISTRY_URL }), { mode: "register" });
    const actions = await collectTopic(stack, catalog.routingActions.topic);
    const deadLetters = await collectTopic(stack, catalog.routingActions.deadLetterTopic);
    const router = startRouter(stack, catalog, {
      endpoints: [
        `{ id: crm, url: "${hooks.url}/ok", secretEnv: ICP_TEST_WEBHOOK_SECRET }`,
        `{ id: flaky, url: "${hooks.url}/down", secretEnv: ICP_TEST_WEBHOOK_SECRET, maxAttempts: 2, backoff: { initialMs: 50, maxMs: 100, jitter: false } }`,
      ],
    });

    await publishChanges(stack, codec, catalog, [change("acme.com", { triggerActive: true }), change("globex.com", { triggerActive: false, strongIntent: false, reasons: [{ text: "Fit 81" }] })]);

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
    expect(await exited(router)).toBe(0);
  }, 90_000);

  test("webhooks still failing when the router is killed are delivered after it restarts, under the same delivery ids", async ({ stack }) => {
    const catalog = await isolatedCatalog(stack, { prefix: "rt" });
    const hooks = await receiver(stack);
    const codec = new RegistryCodec(confluentRegistry({ url: stack.settings.SCHEMA_REGISTRY_URL }), { mode: "register" });
    const groupPrefix = `${uniqueName("router")}.`;
    // Retried for longer than the test runs (about 90 s): only the crash ends these deliveries in the first run.
    const endpoints = [`{ id: crm, url: "${hooks.url}/crm", secretEnv: ICP_TEST_WEBHOOK_SECRET, maxAttempts: 50, backoff: { initialMs: 100, maxMs: 2000, jitter: false } }`];
    hooks.down.add("/crm");
    const actions = await collectTopic(stack, catalog.routingActions.topic);
    const first = startRouter(stack, catalog, { endpoints, groupPrefix });

    // One change, two actions for one account (stop the Tier 2 sequence, route to an owner),
    // delivered one after the other: the first keeps failing, the second waits behind it.
    await publishChanges(stack, codec, catalog, [change("acme.com", { triggerActive: true })]);
    await waitFor(() => actions.length >= 2, { what: "two routing actions on the topic", timeoutMs: 45_000 });
    const actionIds = new Set((await Promise.all(actions.map((m) => codec.decode(catalog.routingActions, m.value, m.key)))).map((a) => a.idempotencyKey));
    await waitFor(() => hooks.received.length >= 2, { what: "the first webhook refused and retried", timeoutMs: 45_000 });
    const failingIds = new Set(hooks.received.map((r) => r.deliveryId));

    first.kill("SIGKILL");
    expect(await exited(first)).toBeNull();
    const sentBeforeRestart = hooks.received.length;
    hooks.down.delete("/crm");
    const second = startRouter(stack, catalog, { endpoints, groupPrefix });

    // The restarted router reads the unsettled actions again and delivers every one, signed,
    // the one that was failing under the delivery id it was tried with before.
    const accepted = () => hooks.received.slice(sentBeforeRestart).filter((r) => r.status === 204);
    await waitFor(() => actionIds.size > 0 && [...actionIds].every((id) => accepted().some((r) => r.deliveryId === id)), { what: "every action delivered after the restart", timeoutMs: 60_000 });
    expect(new Set(accepted().map((r) => r.deliveryId))).toEqual(actionIds);
    expect([...failingIds].every((id) => id !== undefined && actionIds.has(id))).toBe(true);
    expect(accepted().every((r) => r.verified)).toBe(true);

    // Each delivery moves the group's offset while the router runs: a crash now would send nothing again.
    const admin = await stack.admin();
    const byPartition = (rows: Array<{ partition: number; offset: string }>) => JSON.stringify(rows.map((r) => [r.partition, Math.max(0, Number(r.offset))]).sort());
    const ends = byPartition((await admin.fetchTopicOffsets(catalog.routingActions.topic)).map((e) => ({ partition: e.partition, offset: e.high })));
    const committed = async () => {
      const [topic] = await admin.fetchOffsets({ groupId: `${groupPrefix}router-webhooks`, topics: [catalog.routingActions.topic] });
      return byPartition(topic?.partitions ?? []);
    };
    await waitFor(async () => (await committed()) === ends, { what: "the webhook group's offsets at the end of the actions topic", timeoutMs: 20_000 });

    second.kill("SIGTERM");
    expect(await exited(second)).toBe(0);
  }, 150_000);
});
