/**
 * The streaming pipeline under load, on the local stack (npm run stack:up): fit, timing and
 * combiner as child processes through the e2e harness, fed by the ingest producer.
 *
 *   npx tsx bench/pipeline.ts [--partitions 3] [--drain-events 10000] [--step-seconds 6] [--latency-seconds 20]
 *
 * Phases, each bounded (≤ 60 s) and in one run, so the ratios compare like with like:
 * 1. baselines: a no-op kafkajs relay with the pipeline's two hops (input → relay → relay →
 *    output, eachBatch, acks=all, same partitions, same message size), and Redis alone with
 *    the stateful consumer's call pattern (read, apply, read outbox, clear) per message;
 * 2. drain: N events sent as fast as the producer can, time until every service is quiet;
 * 3. sustained: paced rates from ½ to 1½ × the drain rate, 6 s each, until the backlog grows;
 *    the highest rate whose backlog stays under one second of input is "sustainable";
 * 4. latency at ½ of that rate (HDR histogram, first 5 s are warm-up): an account's last
 *    event produced → its tier change published (broker CreateTime, set by the combiner's
 *    producer), and separately hiring events for already-scored accounts → tier change;
 * 5. state size: MEMORY USAGE of sampled state hashes of the three services, and INFO totals.
 * Prints figures and conditions; writes JSON and a markdown summary to bench/results/ (git-ignored).
 */
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { register } from "node:module";
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import hdr from "hdr-histogram-js";
import type { Kafka, KafkaMessage } from "kafkajs";
import type { SignalEventV1 } from "@icpstream/contracts";
import { asFeed, benchStackSettings, marketStream, take, type Input } from "./support/market-input.js";

// testkit builds its vitest fixture on load: outside vitest, "vitest" must resolve to a stub.
register("./support/vitest-stub.mjs", import.meta.url);
const { StackFixture, uniqueName, waitFor } = await import("@icpstream/testkit");
const { Pipeline, DAY_MS } = await import("../test/e2e/support/pipeline-harness.js");
const { RedisPartitionStateStore } = await import("@icpstream/redis-kit");

const { values } = parseArgs({
  options: {
    partitions: { type: "string", default: "3" },
    "drain-events": { type: "string", default: "10000" },
    "step-seconds": { type: "string", default: "6" },
    "latency-seconds": { type: "string", default: "20" },
    "baseline-messages": { type: "string", default: "20000" },
  },
});
const PARTITIONS = Number(values.partitions);
const DRAIN_EVENTS = Number(values["drain-events"]);
const STEP_MS = Number(values["step-seconds"]) * 1000;
const LATENCY_MS = Number(values["latency-seconds"]) * 1000;
const WARMUP_MS = 5_000;
const BASELINE_MESSAGES = Number(values["baseline-messages"]);
const PHASE_LIMIT_MS = 60_000;
const CLOCK = Date.parse("2026-10-01T00:00:00.000Z");

const histogram = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 3 });
const summary = (h: ReturnType<typeof histogram>) => ({ count: h.totalCount, p50: h.getValueAtPercentile(50), p99: h.getValueAtPercentile(99), p999: h.getValueAtPercentile(99.9), max: h.maxValue });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Phase 1a: input → relay → relay → output with kafkajs, nothing else. Messages/s through both hops. */
async function relayBaseline(stack: InstanceType<typeof StackFixture>, kafka: Kafka, messageBytes: number) {
  const topics = await Promise.all(["relay-in", "relay-mid", "relay-out"].map((prefix) => stack.topic({ prefix, partitions: PARTITIONS })));
  const relays = [];
  for (let hop = 0; hop < 2; hop++) {
    const producer = kafka.producer({ maxInFlightRequests: 1 });
    await producer.connect();
    const consumer = kafka.consumer({ groupId: uniqueName("bench-relay") });
    await consumer.connect();
    await consumer.subscribe({ topic: topics[hop] as string, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: PARTITIONS,
      eachBatch: async ({ batch }) => {
        await producer.send({ topic: topics[hop + 1] as string, acks: -1, messages: batch.messages.map((m: KafkaMessage) => ({ key: m.key, value: m.value })) });
      },
    });
    relays.push({ consumer, producer });
  }
  await sleep(3_000); // both relays joined their groups (fromBeginning: nothing is missed, this only keeps the join out of the timing)
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const value = Buffer.alloc(messageBytes, 7);
  const started = performance.now();
  for (let i = 0; i < BASELINE_MESSAGES; i += 500) {
    await producer.send({ topic: topics[0] as string, acks: -1, messages: Array.from({ length: Math.min(500, BASELINE_MESSAGES - i) }, (_, k) => ({ key: `account-${i + k}`, value })) });
  }
  const admin = await stack.admin();
  await waitFor(async () => (await admin.fetchTopicOffsets(topics[2] as string)).reduce((a, o) => a + Number(o.high), 0) >= BASELINE_MESSAGES, { timeoutMs: PHASE_LIMIT_MS, intervalMs: 100, what: "the relay to pass every message" });
  const ms = performance.now() - started;
  await producer.disconnect();
  for (const r of relays) {
    await r.consumer.disconnect();
    await r.producer.disconnect();
  }
  return { messages: BASELINE_MESSAGES, messageBytes, ms: Math.round(ms), perSecond: Math.round(BASELINE_MESSAGES / (ms / 1000)) };
}

/** Phase 1b: Redis alone, with the stateful consumer's calls per message (read, apply state + outbox + offset, read outbox, clear) on one shard per partition. */
async function redisBaseline(stack: InstanceType<typeof StackFixture>, stateBytes: number, batch: number) {
  const store = new RedisPartitionStateStore(stack.redis(), { prefix: `${stack.keyPrefix}redis-bench:${batch}:` });
  const perShard = Math.floor(BASELINE_MESSAGES / PARTITIONS);
  const state = "x".repeat(stateBytes);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: PARTITIONS }, async (_, partition) => {
      const shard = { group: "bench", stream: "redis", partition };
      const generation = await store.claim(shard);
      for (let i = 0; i < perShard; i += batch) {
        const accounts = Array.from({ length: Math.min(batch, perShard - i) }, (_, k) => `account-${(i + k) % 5_000}`);
        await store.read(shard, accounts);
        const outbox = Object.fromEntries(accounts.map((a, k) => [`t:${String(i + k).padStart(20, "0")}:0000`, state]));
        await store.apply(shard, { generation, source: { topic: "t", offset: String(i + accounts.length - 1) }, writes: [...accounts.map((a) => ({ hash: { account: a }, set: { s: state } })), { hash: { shared: "outbox" }, set: outbox }] });
        await store.readShared(shard, "outbox");
        await store.apply(shard, { generation, writes: [{ hash: { shared: "outbox" }, del: Object.keys(outbox) }] });
      }
    }),
  );
  const ms = performance.now() - started;
  const messages = perShard * PARTITIONS;
  return { messages, batch, stateBytes, ms: Math.round(ms), perSecond: Math.round(messages / (ms / 1000)) };
}

async function main() {
  const at = new Date().toISOString();
  const stack = new StackFixture(benchStackSettings());
  const kafka = stack.kafka;
  const stream = marketStream(90_000);
  const result: Record<string, unknown> = { bench: "pipeline", command: `npx tsx bench/pipeline.ts ${process.argv.slice(2).join(" ")}`.trim(), at };
  try {
    const pipeline = await Pipeline.create(stack, { clock: CLOCK, partitions: PARTITIONS, tickIntervalMs: 1_000 });
    const sendInputs = (inputs: readonly Input[]) => pipeline.send(asFeed(inputs));
    const inputTopics = () => [pipeline.catalog.firmographic, pipeline.catalog.hiring, pipeline.catalog.funding, pipeline.catalog.intent].map((s) => s.topic);
    /** Input events not yet through the whole pipeline: every service's unapplied input, summed. */
    const backlog = async () => {
      const progress = await pipeline.progress();
      let high = 0;
      for (const topic of inputTopics()) high += (await pipeline.highWatermarks(topic)).reduce((a, b) => a + b, 0);
      const scored = [pipeline.catalog.fitScored, pipeline.catalog.timingScored];
      let scoredHigh = 0;
      for (const spec of scored) scoredHigh += (await pipeline.highWatermarks(spec.topic)).reduce((a, b) => a + b, 0);
      return { inputs: high - progress.applied.fit - progress.applied.timing, combiner: scoredHigh - progress.applied.combiner, applied: progress.applied };
    };

    // Message sizes as the registry codec writes them (the relay baseline uses their mean).
    const sample = take(marketStream(1), 2_000);
    const meanJson = Math.round(sample.reduce((a, i) => a + JSON.stringify(i.event).length, 0) / sample.length);

    console.log("phase 1: baselines");
    const relay = await relayBaseline(stack, kafka, meanJson);
    const redisPerMessage = await redisBaseline(stack, 600, 1);
    const redisPerBatch = await redisBaseline(stack, 600, 100);
    result.baseline = { relay, redisPerMessage, redisPerBatch };

    console.log("phase 2: drain");
    pipeline.startAll();
    await pipeline.waitUntilRunning();
    const drainInputs = take(stream, DRAIN_EVENTS);
    const started = performance.now();
    await sendInputs(drainInputs);
    const sentMs = performance.now() - started;
    await pipeline.waitForQuiescence({ timeoutMs: 240_000, what: "the drain to finish" });
    const drainMs = performance.now() - started;
    const drain = { events: drainInputs.length, sentMs: Math.round(sentMs), ms: Math.round(drainMs), perSecond: Math.round(drainInputs.length / (drainMs / 1000)) };
    result.drain = drain;
    const hiringAccounts = [...new Set(drainInputs.filter((i) => i.topic === "firmographic").map((i) => i.account))];

    console.log("phase 3: sustained rate ladder");
    const steps: { rate: number; offered: number; backlogEnd: number; sustained: boolean }[] = [];
    const ladderStart = performance.now();
    let best = 0;
    for (const factor of [0.5, 0.75, 1, 1.25, 1.5, 2, 3]) {
      if (performance.now() - ladderStart > PHASE_LIMIT_MS - STEP_MS) break;
      const rate = Math.round((drain.perSecond * factor) / 50) * 50;
      let sent = 0;
      const stepStart = performance.now();
      while (performance.now() - stepStart < STEP_MS) {
        const due = Math.floor(((performance.now() - stepStart) / 1000) * rate) - sent;
        if (due > 0) {
          await sendInputs(take(stream, due));
          sent += due;
        } else await sleep(20);
      }
      const offered = Math.round(sent / ((performance.now() - stepStart) / 1000));
      const left = await backlog();
      const backlogEnd = left.inputs + left.combiner;
      const sustained = backlogEnd <= rate && offered >= rate * 0.9;
      steps.push({ rate, offered, backlogEnd, sustained });
      console.log(`  ${rate}/s offered ${offered}/s: backlog ${backlogEnd} at the end → ${sustained ? "sustained" : "not sustained"}`);
      if (!sustained) break;
      best = offered;
      await pipeline.waitForQuiescence({ timeoutMs: 30_000, what: "the pipeline to settle between steps" });
    }
    result.sustained = { steps, highestSustainedPerSecond: best };
    await pipeline.waitForQuiescence({ timeoutMs: 120_000, what: "the pipeline to settle after the ladder" });

    console.log("phase 4: latency at half the sustained rate");
    const latencyRate = Math.max(50, Math.round(best / 2));
    const lastSentAt = new Map<string, number[]>(); // account → send times, in order
    const hiringSentAt = new Map<string, number>();
    const all = histogram();
    const hiring = histogram();
    let hiringChanges = 0;
    const reader = kafka.consumer({ groupId: uniqueName("bench-tier-reader") });
    await reader.connect();
    await reader.subscribe({ topic: pipeline.catalog.tierChanged.topic, fromBeginning: false });
    let measuring = false;
    const seenFirst = new Set<string>();
    await reader.run({
      eachMessage: async ({ message }) => {
        if (!measuring) return;
        const published = Number(message.timestamp);
        const account = message.key?.toString().split(":")[0];
        if (!account) return;
        const hiringAt = hiringSentAt.get(account);
        if (hiringAt !== undefined) {
          if (!seenFirst.has(account) && published >= hiringAt) {
            seenFirst.add(account);
            hiring.recordValue(Math.max(1, published - hiringAt));
            hiringChanges++;
          }
          return;
        }
        const times = lastSentAt.get(account);
        if (!times) return;
        let cause: number | undefined;
        for (const t of times) if (t <= published) cause = t;
        if (cause !== undefined) all.recordValue(Math.max(1, published - cause));
      },
    });
    await sleep(3_000); // the reader has joined (it reads from the end)
    let hiringIndex = 0;
    const hiringEvery = 10; // one hiring event per ten load events
    let sent = 0;
    const phaseStart = performance.now();
    measuring = true;
    while (performance.now() - phaseStart < LATENCY_MS) {
      const elapsed = performance.now() - phaseStart;
      const due = Math.floor((elapsed / 1000) * latencyRate) - sent;
      if (due <= 0) {
        await sleep(5);
        continue;
      }
      const inputs = take(stream, due);
      const warm = elapsed >= WARMUP_MS;
      const now = Date.now();
      if (warm) for (const i of inputs) lastSentAt.set(i.account, [...(lastSentAt.get(i.account) ?? []), now]);
      const extra: Input[] = [];
      if (warm && sent % hiringEvery < due) {
        const account = hiringAccounts[hiringIndex++ % hiringAccounts.length] as string;
        if (!hiringSentAt.has(account)) {
          hiringSentAt.set(account, now);
          extra.push({ topic: "hiring", account, event: { type: "hiring_spike", eventId: uniqueName("bench-hiring"), accountKey: account, occurredAt: new Date(CLOCK - DAY_MS).toISOString(), observedAt: new Date(CLOCK - DAY_MS + 60_000).toISOString(), source: "jobs-feed", schemaVersion: 1, department: "sales", openRoles: 25, growthPct: 80 } as unknown as SignalEventV1 });
        }
      }
      await sendInputs([...inputs, ...extra]);
      sent += due;
    }
    await pipeline.waitForQuiescence({ timeoutMs: 60_000, what: "the latency phase to settle" });
    await sleep(1_000);
    measuring = false;
    await reader.disconnect();
    result.latency = { ratePerSecond: latencyRate, seconds: LATENCY_MS / 1000, warmupSeconds: WARMUP_MS / 1000, anyEventMs: summary(all), hiringMs: { ...summary(hiring), hiringEventsSent: hiringSentAt.size, tierChanges: hiringChanges } };

    console.log("phase 5: state size");
    const redis = stack.redis();
    const sizes: Record<string, { keys: number; sampledBytesPerKey: number }> = {};
    for (const name of ["fit", "timing", "combiner"] as const) {
      const pattern = `${stack.keyPrefix}*${pipeline.groupPrefix}${name}*:state:*`;
      let cursor = "0";
      const keys: string[] = [];
      do {
        const [next, found] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 2000);
        cursor = next;
        keys.push(...found);
      } while (cursor !== "0" && keys.length < 100_000);
      const picked = keys.filter((_, i) => i % Math.max(1, Math.floor(keys.length / 300)) === 0);
      let bytes = 0;
      for (const key of picked) bytes += Number(await redis.memory("USAGE", key, "SAMPLES", 0));
      sizes[name] = { keys: keys.length, sampledBytesPerKey: Math.round(bytes / Math.max(1, picked.length)) };
    }
    const info = await redis.info("memory");
    const usedMemory = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
    const perAccount = Object.values(sizes).reduce((a, s) => a + s.sampledBytesPerKey, 0);
    const accounts = sizes.fit?.keys ?? 0;
    result.stateSize = { accounts, perService: sizes, bytesPerAccountAllServices: perAccount, redisUsedMemory: usedMemory, extrapolated: { "1M": perAccount * 1e6, "10M": perAccount * 1e7 } };

    result.conditions = {
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpu: cpus()[0]?.model ?? "unknown",
      cores: cpus().length,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      partitions: PARTITIONS,
      kafkajs: JSON.parse(readFileSync("node_modules/kafkajs/package.json", "utf8")).version,
      ioredis: JSON.parse(readFileSync("node_modules/ioredis/package.json", "utf8")).version,
      redis: /redis_version:(\S+)/.exec(await redis.info("server"))?.[1],
      kafka: "local stack (npm run stack:up), one broker, same machine",
      meanEventJsonBytes: meanJson,
      stack: stack.settings.origin,
    };

    const pipelineRatio = Math.round((drain.perSecond / relay.perSecond) * 1000) / 1000;
    result.ratios = { drainToRelay: pipelineRatio, sustainedToRelay: Math.round((best / relay.perSecond) * 1000) / 1000 };
    const c = result.conditions as Record<string, unknown>;
    const lat = result.latency as { anyEventMs: ReturnType<typeof summary>; hiringMs: ReturnType<typeof summary> & { hiringEventsSent: number; tierChanges: number } };
    const lines = [
      `# pipeline bench ${at}`,
      ``,
      `conditions: node ${c.node}, ${c.platform}, ${c.cpu} × ${c.cores}, ${c.memoryGb} GiB; kafkajs ${c.kafkajs}, ioredis ${c.ioredis}, redis ${c.redis}; ${c.kafka}; ${PARTITIONS} partitions; mean event ${meanJson} B of JSON`,
      ``,
      `- relay baseline (2 hops, kafkajs eachBatch, acks=all, ${meanJson} B): ${relay.perSecond} msg/s (${relay.messages} in ${relay.ms} ms)`,
      `- redis baseline (consumer's call pattern, ${PARTITIONS} shards): per message ${redisPerMessage.perSecond} msg/s; per batch of 100 ${redisPerBatch.perSecond} msg/s`,
      `- pipeline drain: ${drain.events} events in ${drain.ms} ms = ${drain.perSecond} events/s (${pipelineRatio}× the relay)`,
      `- sustained: highest ${best} events/s (${(result.ratios as { sustainedToRelay: number }).sustainedToRelay}× the relay); steps ${steps.map((s) => `${s.offered}/s→backlog ${s.backlogEnd}${s.sustained ? "" : " ✗"}`).join(", ")}`,
      `- latency at ${latencyRate}/s (last event of an account → its tier change published): p50 ${lat.anyEventMs.p50} ms, p99 ${lat.anyEventMs.p99} ms, p99.9 ${lat.anyEventMs.p999} ms, max ${lat.anyEventMs.max} ms (${lat.anyEventMs.count} changes)`,
      `- hiring event → tier change: p50 ${lat.hiringMs.p50} ms, p99 ${lat.hiringMs.p99} ms, p99.9 ${lat.hiringMs.p999} ms, max ${lat.hiringMs.max} ms (${lat.hiringMs.tierChanges} changes of ${lat.hiringMs.hiringEventsSent} hiring events)`,
      `- state: ${perAccount} B per account over fit+timing+combiner hashes (MEMORY USAGE sample at ${accounts} accounts); extrapolated 1M ≈ ${(perAccount / 1024).toFixed(2)} GiB, 10M ≈ ${((perAccount * 10) / 1024).toFixed(1)} GiB (hash contents only, no Redis fragmentation); INFO used_memory ${Math.round(usedMemory / 2 ** 20)} MiB (whole server)`,
    ];
    console.log(lines.join("\n"));
    mkdirSync("bench/results", { recursive: true });
    const base = `bench/results/pipeline-${at.replace(/[:.]/g, "-")}`;
    writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
    writeFileSync(`${base}.md`, `${lines.join("\n")}\n`);
    console.log(`written ${base}.json and ${base}.md`);
  } finally {
    await stack.cleanup();
  }
}

await main();
process.exit(0);
