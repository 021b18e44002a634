import { createHmac } from "node:crypto";
import { join } from "node:path";
import { describe, expect } from "vitest";
import { silentLogger } from "@icpstream/observability";
import { RegistryCodec, confluentRegistry, kafkaConnectionFromEnv } from "@icpstream/kafka-kit";
import { buildGateway, connectSender, loadSourceMappings, startResolver } from "@icpstream/ingest";
import type { ParkedEntry } from "@icpstream/ingest";
import { redisIdIndex, redisParkingLot, redisReplayCache } from "@icpstream/redis-kit";
import { stackTest as test, uniqueName, waitFor, connectionEnv } from "@icpstream/testkit";
import { Registry } from "prom-client";
import { REPO_ROOT } from "./support/service-process.js";
import { Pipeline } from "./support/pipeline-harness.js";

/**
 * A vendor's payload to a tier change, on the real stack: the gateway takes Segment's own
 * messages (signed as Segment signs them), the resolver keeps the id → account index, and the
 * fit, timing and combiner services run as processes. A demo request that names its account
 * only by a groupId arrives first: it is parked. Then the group call describes the account:
 * its profile is scored, the resolver learns the groupId from it and releases the demo
 * request, and the account's tier moves with the fresh strong intent.
 */
const SECRET = "segment-e2e-secret";
const DAY_MS = 86_400_000;
const DEMO_AT = "2026-11-20T14:03:12.090Z";
const CLOCK = Date.parse(DEMO_AT) + DAY_MS;

const sign = (body: string) => createHmac("sha1", SECRET).update(body).digest("hex");

describe("third-party sources through the running pipeline", () => {
  test("a Segment demo request parked until its group's profile arrives becomes a tier change", { timeout: 180_000 }, async ({ stack, onTestFailed }) => {
    const pipeline = await Pipeline.create(stack, { clock: CLOCK, partitions: 1 });
    onTestFailed(() => console.log(pipeline.logTails()));
    pipeline.startAll();
    await pipeline.waitUntilRunning();

    const sources = loadSourceMappings([join(REPO_ROOT, "examples", "sources", "segment.yaml")], { ICP_SOURCE_SEGMENT_SECRET: SECRET });
    const redis = stack.redis();
    const index = redisIdIndex(redis, { prefix: stack.keyPrefix });
    const sender = await connectSender({ ...kafkaConnectionFromEnv(connectionEnv(stack.settings)), registryUrl: stack.settings.SCHEMA_REGISTRY_URL, clientId: uniqueName("e2e-gw"), schemaMode: "register", catalog: pipeline.catalog });
    stack.onCleanup(() => sender.close());
    const app = buildGateway({
      sink: sender,
      apiKeys: ["unused"],
      hmacSecrets: [],
      bodyLimitBytes: 65_536,
      maxBatch: 100,
      defaultSource: "gateway",
      now: () => new Date(CLOCK),
      logger: silentLogger(),
      sources: { sources, replay: redisReplayCache(redis, { prefix: stack.keyPrefix, ttlSeconds: 600 }), index },
    });
    stack.onCleanup(() => app.close());

    const producer = stack.kafka.producer();
    await producer.connect();
    stack.onCleanup(() => producer.disconnect());
    const codec = new RegistryCodec(confluentRegistry({ url: stack.settings.SCHEMA_REGISTRY_URL }), { mode: "register" });
    const resolver = await startResolver({
      kafka: stack.kafka,
      producer,
      codec,
      catalog: pipeline.catalog,
      sink: sender,
      index,
      lot: redisParkingLot<ParkedEntry>(redis, { prefix: stack.keyPrefix, maxItems: 100 }),
      mappings: new Map([...sources].map(([name, s]) => [name, s.mapping])),
      groupPrefix: pipeline.groupPrefix,
      maxAgeMs: 7 * DAY_MS,
      tickMs: 500,
      futureToleranceHours: 24,
      now: () => new Date(CLOCK),
      logger: silentLogger(),
      registry: new Registry(),
      sessionTimeoutMs: 6_000,
    });
    stack.onCleanup(() => resolver.stop());

    const post = (body: string) => app.inject({ method: "POST", url: "/v1/sources/segment", payload: body, headers: { "content-type": "application/json", "x-signature": sign(body) } });
    const groupId = uniqueName("acct");
    const domain = `${uniqueName("e2e")}.example`;

    // 1. A demo request from a gmail address: its account is known only by the groupId.
    const demo = JSON.stringify({ type: "track", event: "Demo Requested", messageId: uniqueName("m"), anonymousId: "anon-1", timestamp: DEMO_AT, context: { groupId, traits: { email: "someone@gmail.com", title: "VP Operations" } }, properties: {} });
    const parked = await post(demo);
    expect(parked.statusCode).toBe(202);
    expect(parked.json()).toMatchObject({ accepted: 0, parked: 1 });

    // 2. The group call describes the account: a strong fit, no activity yet.
    const group = JSON.stringify({
      type: "group",
      messageId: uniqueName("m"),
      groupId,
      timestamp: "2026-11-19T09:00:00.000Z",
      traits: { name: "E2E Software", website: `https://www.${domain}`, industry: "Computer Software", employees: "800", annual_revenue: "$90M", address: { country: "US" } },
    });
    const profiled = await post(group);
    expect(profiled.statusCode).toBe(202);
    expect(profiled.json()).toMatchObject({ accepted: 1 });
    // The same signed delivery again is a replay.
    expect((await post(group)).statusCode).toBe(409);

    // 3. The account is placed, the demo request is released, and the tier moves.
    type Change = { accountKey: string; previousTier: { rank: number } | null; tier: { rank: number; name: string }; strongIntent: boolean; timing: number };
    let changes: Change[] = [];
    await waitFor(
      async () => {
        changes = (await pipeline.readTopic(pipeline.catalog.tierChanged)).map((m) => m.event as unknown as Change).filter((c) => c.accountKey === domain);
        return changes.some((c) => c.previousTier !== null && c.timing > 0);
      },
      { timeoutMs: 120_000, intervalMs: 1_000, what: `a tier change of ${domain} after its demo request` },
    );
    const first = changes[0];
    const moved = changes.find((c) => c.previousTier !== null && c.timing > 0);
    expect(first?.previousTier).toBeNull();
    expect(moved?.strongIntent).toBe(true);
    expect(moved?.tier.rank).toBeLessThan(moved?.previousTier?.rank ?? 0);
    // The demo request on the intent topic is the released one, attributed to Segment.
    const intent = (await pipeline.readTopic(pipeline.catalog.intent)).map((m) => m.event).filter((e) => e.accountKey === domain);
    expect(intent).toEqual([expect.objectContaining({ type: "demo_request", source: "segment", occurredAt: DEMO_AT, contactTitle: "VP Operations" })]);
    expect(await index.lookup("segment-group", groupId)).toBe(domain);
  });
});
