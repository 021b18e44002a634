import { appendFileSync } from "node:fs";
import type { KafkaMessage } from "kafkajs";
import { inject } from "vitest";
import { deadLetterTopics } from "@icpstream/contracts";
import type { TierChangedEventV1, TopicCatalog, TopicSpec } from "@icpstream/contracts";
import { DLQ_HEADERS, headerText } from "@icpstream/kafka-kit";
import { finalScoresOf, recomputeFinalState } from "@icpstream/pipeline";
import type { CombinerState, FinalScore } from "@icpstream/pipeline";
import { uniqueName, waitFor } from "@icpstream/testkit";
import type { StackFixture } from "@icpstream/testkit";
import { checkTierChanges, firstMismatch, type TierChangeLog as TierChangeReport } from "../../e2e/support/pipeline-checks.js";
import { marketFeed, Pipeline, SERVICES, type Feed } from "../../e2e/support/pipeline-harness.js";
import type { ServiceName } from "../../e2e/support/service-process.js";
import type { FaultRow } from "./fault-report.js";

/** The services' clock: a fixed instant after the last event of every feed, as the batch recompute sees it. */
export const CLOCK = Date.parse("2026-10-01T00:00:00.000Z");

/** ~600 accounts give ~3,000 input events over 120 days: enough to land faults mid-stream, small enough to stay within a minute a fault. */
export function faultFeed(seed: number, accounts = 600): Feed {
  return marketFeed({ seed, accounts, start: "2026-06-01T00:00:00.000Z", days: 120 });
}

/** The topics each service consumes and the shard stream its offsets live under (as the services' main.ts say). */
export function inputsOf(catalog: TopicCatalog, service: ServiceName): { specs: TopicSpec[]; stream: string } {
  if (service === "fit") return { specs: [catalog.firmographic, catalog.contacts], stream: catalog.firmographic.topic };
  if (service === "timing") return { specs: [catalog.hiring, catalog.funding, catalog.intent], stream: "signals" };
  return { specs: [catalog.fitScored, catalog.timingScored], stream: "scores" };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The tier-changed topic as read back: raw bytes and decoded event per message. */
export type TierChangedLog = { partition: number; offset: string; value: Buffer; event: TierChangedEventV1 }[];

/** One fault's moment: when it was injected and what each service had to apply by then. */
export interface Injection {
  label: string;
  at: number;
  /** Milliseconds until the watched services had applied everything their inputs held at `at` (undefined: never). */
  recoveryMs?: number;
  recovered: Promise<void>;
}

/**
 * A seeded feed streaming through a running pipeline, sent in paced chunks so that faults
 * land while every service still has work in hand; the faults are the test's, this class
 * measures them: progress, recovery per injection (from the injection until the watched
 * services have applied every message their inputs held at that moment), and at the end
 * the accounting and the checks against the batch recompute, recorded as one report row.
 */
export class FaultRun {
  readonly injections: Injection[] = [];
  /** Messages written to the input topics beside the feed (poison, duplicates). */
  extraSent = 0;
  /** Poison messages sent: each must be dead-lettered, once. */
  poisonSent = 0;
  private chunksSent = 0;
  private readonly producing: Promise<void>;
  private readonly started = Date.now();

  private constructor(
    private readonly stack: StackFixture,
    readonly pipeline: Pipeline,
    readonly feed: Feed,
    private readonly chunks: number,
    chunkGapMs: number,
  ) {
    this.producing = (async () => {
      for (const chunk of sliceFeed(feed, chunks)) {
        await this.retrying(() => pipeline.send(chunk));
        this.chunksSent++;
        await sleep(chunkGapMs);
      }
    })();
    // Surfaced by `feedSent`; not an unhandled rejection meanwhile.
    this.producing.catch(() => undefined);
  }

  /** Creates the pipeline, starts the three services and begins sending the feed (in `chunks` slices, `chunkGapMs` apart). */
  static async start(stack: StackFixture, options: { feed: Feed; chunks?: number; chunkGapMs?: number; partitions?: number; onFailed?: (fn: () => void) => void }): Promise<FaultRun> {
    // Topic creation on a busy or just-started broker now and then answers "does not host this topic-partition" before its metadata settles.
    let pipeline: Pipeline | undefined;
    for (let attempt = 1; !pipeline; attempt++) {
      pipeline = await Pipeline.create(stack, { clock: CLOCK, ...(options.partitions ? { partitions: options.partitions } : {}) }).catch(async (error: unknown) => {
        if (attempt >= 6) throw error;
        await sleep(2_000);
        return undefined;
      });
    }
    options.onFailed?.(() => console.log(pipeline.logTails(40)));
    pipeline.startAll();
    await pipeline.waitUntilRunning();
    return new FaultRun(stack, pipeline, options.feed, options.chunks ?? 12, options.chunkGapMs ?? 1_000);
  }

  get feedDone(): boolean {
    return this.chunksSent === this.chunks;
  }

  async feedSent(): Promise<void> {
    await this.producing;
  }

  /** Share of the feed the fit and timing services have applied (0–1); the e2e chaos test's measure. */
  async progress(): Promise<number> {
    const applied = await this.appliedBy(["fit", "timing"]);
    return (applied.fit + applied.timing) / this.feed.size;
  }

  /** Waits until `share` of the feed is applied (a fault "after ≥20% progress"). */
  async untilProgress(share: number, timeoutMs = 120_000): Promise<number> {
    return waitFor(
      async () => {
        for (const name of SERVICES) this.pipeline.services[name].assertAlive();
        const p = await this.progress().catch(() => 0);
        return p >= share ? p : undefined;
      },
      { timeoutMs, intervalMs: 150, what: `${Math.round(share * 100)}% of the feed applied` },
    );
  }

  /**
   * Marks a fault: snapshots the input high watermarks of `watch` (taken before the fault
   * acts, so a broker about to die still answers) and measures, in the background, how long
   * until those services have applied all of it again.
   */
  async inject(label: string, watch: readonly ServiceName[], fault: () => Promise<void>, progress?: number): Promise<Injection> {
    const targets = await this.watermarksOf(watch);
    const at = Date.now();
    const injection: Injection = { label: progress === undefined ? label : `${label}@${Math.round(progress * 100)}%`, at, recovered: Promise.resolve() };
    await fault();
    injection.recovered = (async () => {
      const deadline = at + 240_000;
      while (Date.now() < deadline) {
        const caughtUp = await this.reached(targets).catch(() => false);
        if (caughtUp) {
          injection.recoveryMs = Date.now() - at;
          return;
        }
        await sleep(200);
      }
    })();
    this.injections.push(injection);
    return injection;
  }

  /** Stored offset + 1 per (service, topic, partition): what each service has applied. */
  private async appliedOffsets(service: ServiceName): Promise<Map<string, number>> {
    const { specs, stream } = inputsOf(this.pipeline.catalog, service);
    const partitions = Array.from({ length: this.pipeline.partitions }, (_, p) => p);
    const out = new Map<string, number>();
    for (const spec of specs) {
      const stored = await this.pipeline.store.loadStoredOffsets(`${this.pipeline.groupPrefix}${service}`, spec.topic, partitions, stream);
      for (const p of partitions) {
        const offset = stored.get(p);
        out.set(`${spec.topic}[${p}]`, offset === null || offset === undefined ? 0 : Number(offset) + 1);
      }
    }
    return out;
  }

  async appliedBy(services: readonly ServiceName[] = SERVICES): Promise<Record<ServiceName, number>> {
    const out = { fit: 0, timing: 0, combiner: 0 } as Record<ServiceName, number>;
    for (const service of services) for (const n of (await this.appliedOffsets(service)).values()) out[service] += n;
    return out;
  }

  private async watermarksOf(services: readonly ServiceName[]): Promise<Map<ServiceName, Map<string, number>>> {
    const out = new Map<ServiceName, Map<string, number>>();
    for (const service of services) {
      const marks = new Map<string, number>();
      for (const spec of inputsOf(this.pipeline.catalog, service).specs) {
        (await this.pipeline.highWatermarks(spec.topic)).forEach((high, p) => marks.set(`${spec.topic}[${p}]`, high));
      }
      out.set(service, marks);
    }
    return out;
  }

  /**
   * Caught up: every watched service applied what its inputs held at the injection and, on
   * a partition that received more since, at least one message more (so a service that was
   * idle when it was killed counts only once its new incarnation consumes).
   */
  private async reached(targets: Map<ServiceName, Map<string, number>>): Promise<boolean> {
    const now = await this.watermarksOf([...targets.keys()]);
    for (const [service, marks] of targets) {
      const applied = await this.appliedOffsets(service);
      for (const [where, high] of marks) {
        const current = now.get(service)?.get(where) ?? high;
        if ((applied.get(where) ?? 0) < Math.min(current, high + 1)) return false;
      }
    }
    return true;
  }

  /** Retries a send through a broker outage (the fault tests kill the broker under the producer). */
  private async retrying(send: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        if (attempt >= 20) throw error;
        await sleep(1_000);
      }
    }
  }

  /** Reads a topic from the beginning to its current end as raw messages (dead letters need not decode). */
  async readRaw(topic: string, timeoutMs = 60_000): Promise<KafkaMessage[]> {
    const high = await this.pipeline.highWatermarks(topic);
    const total = high.reduce((a, b) => a + b, 0);
    if (total === 0) return [];
    // By (partition, offset): a rebalance of the reader's group may deliver some messages again.
    const seen = new Map<string, KafkaMessage>();
    const consumer = this.stack.kafka.consumer({ groupId: uniqueName("faults-reader") });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ partition, message }) => void seen.set(`${partition}@${message.offset}`, message) });
      await waitFor(() => seen.size >= total, { timeoutMs, intervalMs: 100, what: `${total} messages of ${topic}` });
    } finally {
      await consumer.disconnect();
    }
    return [...seen.values()];
  }

  /**
   * Waits for the feed and quiescence, then checks and accounts: the end state equals the
   * batch recompute over the distinct events; every input message is applied or
   * dead-lettered (each poison message exactly once, nothing else); the tier-changed topic
   * tells each account's changes gap-free with one content per event id. Records the row
   * (also when a check fails, so the report shows it) and returns it with the problems.
   */
  async finish(fault: string, options: { quietTimeoutMs?: number; note?: string; tierChanges?: (log: TierChangedLog, final: FinalScore[], combiner: CombinerState[]) => TierChangeReport } = {}): Promise<{ row: FaultRow; problems: string[] }> {
    await this.feedSent();
    const pipeline = this.pipeline;
    const problems: string[] = [];
    await pipeline.waitForQuiescence({ timeoutMs: options.quietTimeoutMs ?? 240_000, what: `the pipeline to settle after: ${fault}` }).catch((error: Error) => {
      // Quiescence requires an empty dead-letter count to be stable, not zero; a stall is a failure of its own.
      problems.push(`not quiescent: ${error.message}`);
    });
    await Promise.all(this.injections.map((i) => i.recovered));

    const signalTopics = inputsOf(pipeline.catalog, "timing").specs;
    // Every input of fit and timing, as `appliedBy` counts them (the contacts too).
    const inputs = [...inputsOf(pipeline.catalog, "fit").specs, ...signalTopics];
    let eventsIn = 0;
    for (const spec of inputs) eventsIn += (await pipeline.highWatermarks(spec.topic)).reduce((a, b) => a + b, 0);
    const applied = await this.appliedBy(["fit", "timing"]);
    const consumed = applied.fit + applied.timing;

    // Dead letters: distinct by origin; an input dead-lettered twice is a duplicate, an internal one a bug.
    const origins = new Set<string>();
    let deadLetterMessages = 0;
    let internalDeadLetters = 0;
    const inputTopics = new Set(inputs.map((s) => s.topic));
    for (const dead of deadLetterTopics(pipeline.catalog)) {
      const messages = await this.readRaw(dead.topic);
      if (!inputTopics.has(dead.sourceTopic)) {
        internalDeadLetters += messages.length;
        continue;
      }
      deadLetterMessages += messages.length;
      for (const m of messages) origins.add(`${headerText(m.headers, DLQ_HEADERS.topic)}[${headerText(m.headers, DLQ_HEADERS.partition)}]@${headerText(m.headers, DLQ_HEADERS.offset)}`);
    }
    const deadLettered = origins.size;
    if (deadLettered !== this.poisonSent) problems.push(`${deadLettered} input messages dead-lettered, ${this.poisonSent} poison messages sent`);
    if (internalDeadLetters > 0) problems.push(`${internalDeadLetters} internal messages (scores between services) dead-lettered`);
    const lost = eventsIn - consumed;
    if (lost !== 0) problems.push(`${lost} input messages neither applied nor dead-lettered`);

    const streaming = finalScoresOf(await pipeline.combinerStates(), pipeline.rubric);
    const batch = recomputeFinalState({ profiles: this.feed.profiles, contacts: this.feed.contacts, signals: this.feed.signals.map((s) => s.event), rubric: pipeline.rubric, now: pipeline.clock });
    const mismatch = firstMismatch(streaming, batch);
    if (mismatch) {
      // The tiers alone when they differ; the whole entries when only a score or a reason does.
      const show = (entry: unknown) => JSON.stringify(entry).slice(0, 600);
      const sameTier = JSON.stringify(mismatch.streaming?.tier) === JSON.stringify(mismatch.batch?.tier);
      problems.push(`${mismatch.count} of ${batch.length} account × scorecard entries differ from the batch recompute; first ${mismatch.key}: streaming ${sameTier ? show(mismatch.streaming) : JSON.stringify(mismatch.streaming?.tier)} batch ${sameTier ? show(mismatch.batch) : JSON.stringify(mismatch.batch?.tier)}`);
    }
    if (streaming.length !== batch.length) problems.push(`streaming has ${streaming.length} entries, the batch recompute ${batch.length}`);

    const log = await pipeline.readTopic(pipeline.catalog.tierChanged);
    const combiner = await pipeline.combinerStates();
    const report = options.tierChanges ? options.tierChanges(log, batch, combiner) : checkTierChanges(log, batch, combiner);
    problems.push(...report.problems.slice(0, 10));
    if (report.problems.length > 10) problems.push(`… and ${report.problems.length - 10} more tier-change problems`);

    const recoveries = this.injections.map((i) => i.recoveryMs);
    const recoveryMs = recoveries.some((r) => r === undefined) ? null : Math.max(0, ...(recoveries as number[]));
    if (recoveryMs === null) problems.push(`a fault was never recovered from: ${this.injections.filter((i) => i.recoveryMs === undefined).map((i) => i.label).join(", ")}`);
    const row: FaultRow = {
      fault,
      eventsIn,
      feedEvents: this.feed.size,
      applied: consumed - deadLettered,
      deadLettered,
      deadLetterMessages,
      lost,
      duplicatedDownstream: report.duplicates,
      tierChanges: report.changes,
      recoveryMs,
      injections: this.injections.map((i) => ({ label: i.label, atSeconds: Math.round((i.at - this.started) / 100) / 10, recoveryMs: i.recoveryMs ?? null })),
      stateEqualsBatch: mismatch === null && streaming.length === batch.length,
      problems,
      ...(options.note ? { note: options.note } : {}),
    };
    recordRow(row);
    return { row, problems };
  }
}

/** The feed cut into `count` slices, each with its share of profiles and of signals (in occurrence order). */
export function sliceFeed(feed: Feed, count: number): Pick<Feed, "profiles" | "contacts" | "signals">[] {
  const slice = <T>(list: readonly T[], i: number) => list.slice(Math.floor((list.length * i) / count), Math.floor((list.length * (i + 1)) / count));
  return Array.from({ length: count }, (_, i) => ({ profiles: slice(feed.profiles, i), contacts: slice(feed.contacts, i), signals: slice(feed.signals, i) }));
}

/** Appends a row to this run's report file (the global teardown prints and writes the table). */
export function recordRow(row: FaultRow): void {
  appendFileSync(inject("faultReportFile"), `${JSON.stringify(row)}\n`);
  console.log(`[faults] ${row.fault}: in ${row.eventsIn}, applied ${row.applied}, dead-lettered ${row.deadLettered}, lost ${row.lost}, duplicated downstream ${row.duplicatedDownstream}, recovery ${row.recoveryMs ?? "—"} ms; ${row.problems.length === 0 ? "all checks pass" : row.problems.join("; ")}`);
}
