import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Redis } from "ioredis";
import { connectionSettings, freePort, loadStackConfig, writeConnectionSettings, type StackConfig } from "@icpstream/infra";
import { createKafka } from "@icpstream/kafka-kit";
import { finalScoresOf, recomputeFinalState } from "@icpstream/pipeline";
import { RedisPartitionStateStore } from "@icpstream/redis-kit";
import { StackFixture, stackSettings, type StackSettings } from "@icpstream/testkit";
import { kafkaNodeProcess, kafkaReady, startKafka } from "../../infra/src/kafka.js";
import { stopProcess, waitUntil } from "../../infra/src/processes.js";
import { redisProcess, redisReady, startRedis } from "../../infra/src/redis.js";
import { ensureSecurityMaterial, readSecret } from "../../infra/src/tls.js";
import { firstMismatch } from "./support/pipeline-checks.js";
import { marketFeed, Pipeline } from "./support/pipeline-harness.js";

/**
 * The secured stack (`stack:up --secure`) for one broker and one Redis, made here on ports of
 * this file's own: Kafka SASL_SSL with SCRAM-SHA-512 and a private CA, Redis with an ACL user
 * over TLS. Everything connects through the same settings a user would export
 * (KAFKA_SASL_*, KAFKA_SSL_CA_FILE, rediss:// + REDIS_PASSWORD_FILE + REDIS_TLS_CA_FILE): the
 * test fixture, the ingest producer, and the three scoring services as processes. The
 * registry is the shared stack's (HTTP). No password may appear in any log or in stack.env.
 */

const CLOCK = Date.parse("2026-10-01T00:00:00.000Z");
let config: StackConfig;
let settings: StackSettings;
let passwords: string[];

/** Three free ports; ICP_TEST_PORT_BASE=P takes P, P+1, P+2 instead (a machine that hands out ports by range). */
async function ports(): Promise<[number, number, number]> {
  const base = Number(process.env.ICP_TEST_PORT_BASE);
  if (Number.isInteger(base) && base > 1024) return [base, base + 1, base + 2];
  return [await freePort(), await freePort(), await freePort()];
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "icp-secured-stack-"));
  const [kafkaPort, controllerPort, redisPort] = await ports();
  config = loadStackConfig({
    ...process.env,
    ICP_STACK_DIR: dir,
    ICP_STACK_SECURITY: "sasl-tls",
    ICP_STACK_TOPOLOGY: "single",
    ICP_KAFKA_PORT: String(kafkaPort),
    ICP_KAFKA_CONTROLLER_PORT: String(controllerPort),
    ICP_REDIS_PORT: String(redisPort),
    ICP_KAFKA_HEAP: "384m",
  });
  const files = ensureSecurityMaterial(config);
  passwords = [files.kafkaAdminPassword, files.kafkaClientPassword, files.redisPassword, files.keystorePassword].map(readSecret);
  startRedis(config);
  await startKafka(config);
  await waitUntil(() => redisReady(config), { timeoutMs: 30_000, describe: "the secured Redis" });
  await waitUntil(() => kafkaReady(config), { timeoutMs: 90_000, describe: "the secured broker", intervalMs: 500 });
  writeConnectionSettings(config);
  settings = { ...connectionSettings(config), SCHEMA_REGISTRY_URL: stackSettings().SCHEMA_REGISTRY_URL, origin: "local-stack" };
}, 150_000);

afterAll(async () => {
  if (!config) return;
  await stopProcess(redisProcess(config), 10_000);
  await stopProcess(kafkaNodeProcess(config, config.kafka.nodes[0]!), 20_000);
  rmSync(config.stateDir, { recursive: true, force: true });
}, 60_000);

/** Every file under `dir` (logs, data, configs), for the secret grep. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).map((f) => join(dir, f)).filter((f) => statSync(f).isFile());
}

describe("the secured stack: SASL_SSL Kafka and an ACL user over TLS for Redis", () => {
  test("refuses a client without credentials or without TLS", async () => {
    const bare = createKafka({ brokers: settings.KAFKA_BROKERS.split(","), clientId: "no-credentials", connectionTimeoutMs: 2000, retries: 0 }).admin();
    await expect(bare.connect().then(() => bare.listTopics())).rejects.toThrow();
    await bare.disconnect().catch(() => undefined);
    const noPassword = new Redis({ host: "127.0.0.1", port: config.redis.port, tls: { ca: readFileSync(settings.REDIS_TLS_CA_FILE!, "utf8") }, lazyConnect: true, enableReadyCheck: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    noPassword.on("error", () => undefined);
    await noPassword.connect();
    await expect(noPassword.get("anything")).rejects.toThrow(/NOAUTH/);
    noPassword.disconnect();
  });

  test("the fixture produces, consumes and runs the state store's scripts through the settings alone", async () => {
    const stack = new StackFixture(settings);
    try {
      const topic = await stack.topic("secured");
      const producer = stack.kafka.producer();
      await producer.connect();
      await producer.send({ topic, messages: [{ key: "a", value: "over SASL_SSL" }] });
      await producer.disconnect();
      const consumer = stack.kafka.consumer({ groupId: stack.groupId("secured") });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = await new Promise<string>((resolve) => void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) }));
      await consumer.disconnect();
      expect(received).toBe("over SASL_SSL");

      const store = new RedisPartitionStateStore(stack.redisClient(), { prefix: stack.keyPrefix });
      const shard = { group: "secured", stream: topic, partition: 0 };
      const generation = await store.claim(shard);
      expect(await store.apply(shard, { generation, source: { topic, offset: "0", after: null }, writes: [{ hash: { account: "a.com" }, set: { fit: "{}" } }] })).toEqual({ status: "applied" });
      expect(await store.read(shard, ["a.com"])).toEqual(new Map([["a.com", { fit: "{}" }]]));
    } finally {
      await stack.cleanup();
    }
  });

  test("the scoring services run on it from the same settings, end where the batch recompute ends, and no password is in any log or in stack.env", { timeout: 180_000 }, async () => {
    const stack = new StackFixture(settings);
    try {
      const feed = marketFeed({ seed: 15, accounts: 30, start: "2026-07-01T00:00:00.000Z", days: 60 });
      const pipeline = await Pipeline.create(stack, { clock: CLOCK });
      pipeline.startAll();
      await pipeline.waitUntilRunning();
      await pipeline.send(feed);
      await pipeline.waitForQuiescence({ timeoutMs: 90_000, what: "the secured pipeline to settle" });
      const streaming = finalScoresOf(await pipeline.combinerStates(), pipeline.rubric);
      const batch = recomputeFinalState({ profiles: feed.profiles, contacts: feed.contacts, signals: feed.signals.map((s) => s.event), rubric: pipeline.rubric, now: CLOCK });
      expect(firstMismatch(streaming, batch)).toBeNull();
      expect(streaming.length).toBe(batch.length);

      const logs = [...Object.values(pipeline.services).map((s) => s.logFile), ...filesUnder(join(config.stateDir, "single-secure", "logs")), join(config.stateDir, "stack.env")];
      expect(logs.length).toBeGreaterThan(4);
      const leaks = logs.flatMap((file) => {
        const text = readFileSync(file, "utf8");
        return passwords.filter((p) => text.includes(p)).map(() => file);
      });
      expect(leaks, "files that contain a password").toEqual([]);
    } finally {
      await stack.cleanup();
    }
  });
});
