/**
 * The per-message work of the three scoring services, in process and without broker or
 * Redis (see bench/hot-path.ts): built once from a checkout's own packages, then run as
 * often as asked. Everything is imported relative to this file, so `bench/hot-path.ts
 * --against <other checkout>` can load another checkout's copy beside this one and
 * compare the two in one process.
 */
import { topicCatalog, type TopicSpec } from "@icpstream/contracts";
import { EVENT_HEADERS, InMemorySchemaRegistry, RegistryCodec, type EventContext, type HandlerResult, type StatefulHandler } from "@icpstream/kafka-kit";
import * as runtime from "@icpstream/service-runtime";
import { combinerHandler } from "../../services/combiner/src/handler.js";
import { fitHandler } from "../../services/fit/src/handler.js";
import { timingHandler } from "../../services/timing/src/handler.js";
import { marketStream, take } from "./market-input.js";

export const PHASES = ["decode", "handler", "encode", "outbox"] as const;
export type Phase = (typeof PHASES)[number];
export const STAGES = ["fit", "timing", "combiner"] as const;
export type Stage = (typeof STAGES)[number];

export interface StageResult {
  messages: number;
  outputs: number;
  /** CPU ms of the stage (user + system); phases split it in the proportions of their wall time. */
  ms: Record<Phase | "total", number>;
}

interface WireMessage {
  spec: TopicSpec;
  key: string;
  value: Buffer;
}

/** The consumer's outbox entry for one encoded output (stateful-consumer.ts `encodeOutputs`), and its read-back before the send (`flushOutbox`). */
function outboxRoundTrip(spec: TopicSpec, event: unknown, encoded: { key: string; value: Buffer }): Buffer {
  const e = event as { type?: string; eventId?: string; schemaVersion?: number };
  const headers: Record<string, string> = {};
  if (e.type) headers[EVENT_HEADERS.type] = e.type;
  if (e.eventId) headers[EVENT_HEADERS.eventId] = e.eventId;
  if (e.schemaVersion !== undefined) headers[EVENT_HEADERS.schemaVersion] = String(e.schemaVersion);
  const stored = JSON.stringify({ topic: spec.topic, key: encoded.key, value: encoded.value.toString("base64"), headers });
  const entry = JSON.parse(stored) as { value: string };
  return Buffer.from(entry.value, "base64");
}

/** Builds the feed (a seeded market, encoded as the ingest producer would) and returns a runner of the three stages over it. */
export async function createHotPath(options: { events: number; rubricPath: string; now: number }) {
  const catalog = topicCatalog({ prefix: "bench." });
  // As the services do at start: digests by node:crypto (a checkout from before the port has none).
  (runtime as { useNativeSha256?: () => void }).useNativeSha256?.();
  const rubric = runtime.loadRubricFile(options.rubricPath);
  const codec = new RegistryCodec(new InMemorySchemaRegistry(), { mode: "register" });
  await codec.prepare(catalog);
  const context = { now: options.now } as EventContext;

  /** One service over its input messages, in order, with its state in a Map as Redis holds it (strings). */
  const runStage = async (handler: StatefulHandler<TopicSpec>, inputs: readonly WireMessage[]) => {
    const state = new Map<string, Record<string, string>>();
    const ms = { decode: 0, handler: 0, encode: 0, outbox: 0, total: 0 };
    const produced: WireMessage[] = [];
    const cpuStarted = process.cpuUsage();
    for (const message of inputs) {
      let t = performance.now();
      const event = (await codec.decode(message.spec, message.value, message.key)) as { accountKey: string };
      let t2 = performance.now();
      ms.decode += t2 - t;
      t = t2;
      const result: HandlerResult = await handler.onEvent(event as never, state.get(event.accountKey) ?? {}, context);
      if (result.state?.set) state.set(event.accountKey, { ...state.get(event.accountKey), ...result.state.set });
      t2 = performance.now();
      ms.handler += t2 - t;
      for (const out of result.outputs ?? []) {
        t = performance.now();
        const encoded = await codec.encode(out.spec, out.event as never);
        t2 = performance.now();
        ms.encode += t2 - t;
        const value = outboxRoundTrip(out.spec, out.event, encoded);
        ms.outbox += performance.now() - t2;
        produced.push({ spec: out.spec, key: encoded.key, value });
      }
    }
    const cpu = process.cpuUsage(cpuStarted);
    ms.total = (cpu.user + cpu.system) / 1000;
    const wall = ms.decode + ms.handler + ms.encode + ms.outbox;
    for (const phase of PHASES) ms[phase] = wall > 0 ? (ms[phase] / wall) * ms.total : 0;
    return { result: { messages: inputs.length, outputs: produced.length, ms } satisfies StageResult, produced };
  };

  const feed: WireMessage[] = [];
  for (const input of take(marketStream(90_000), options.events)) {
    const spec = catalog[input.topic];
    const encoded = await codec.encode(spec, input.event as never);
    feed.push({ spec, key: encoded.key, value: encoded.value });
  }
  const profiles = feed.filter((m) => m.spec === catalog.firmographic);
  const signals = feed.filter((m) => m.spec !== catalog.firmographic);

  /** One pass of each service from empty state: fit over the profiles, timing over the signals, the combiner over what they produced. */
  return async function runOnce(): Promise<Record<Stage, StageResult>> {
    const fit = await runStage(fitHandler(rubric, catalog) as StatefulHandler<TopicSpec>, profiles);
    const timing = await runStage(timingHandler(rubric, catalog) as StatefulHandler<TopicSpec>, signals);
    // The combiner reads the scores in the order a partition would interleave them: per account, fit then timing.
    const scores = [...fit.produced, ...timing.produced].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const combiner = await runStage(combinerHandler(rubric, catalog) as StatefulHandler<TopicSpec>, scores);
    return { fit: fit.result, timing: timing.result, combiner: combiner.result };
  };
}
