import { seededRandom } from "@icpstream/ingest";
import type { Pipeline } from "./pipeline-harness.js";
import { SERVICES } from "./pipeline-harness.js";
import type { ServiceName } from "./service-process.js";

export interface Kill {
  service: ServiceName;
  /** Seconds since the chaos began. */
  atSeconds: number;
  /** Share of the input events the pipeline had applied when the kill came (0–1). */
  progress: number;
  /** The service had started consuming (a kill during start-up tests less). */
  wasRunning: boolean;
}

export interface ChaosOptions {
  seed: number;
  /** Share of the input applied so far (0–1). */
  progress(): Promise<number>;
  /** True once the feed is fully sent: the chaos may end when its quota is met. */
  feedDone(): boolean;
  /** Every service is killed at least once while consuming, after this share of progress. */
  killEachAfter: number;
  minKills: number;
  maxKills: number;
  /** Pause before a kill, ms (drawn uniformly). */
  gapMs: [number, number];
  /** Pause between a kill and the restart, ms. */
  downMs: [number, number];
  /** The chaos stops here whatever its quota (keeps the test bounded). */
  deadline: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Kills a randomly chosen service with SIGKILL at a random moment, restarts it after a short
 * pause, and repeats — seeded, so a run's choices can be replayed (the moments still depend
 * on the machine). Ends when the feed is sent, every service was killed while consuming
 * after `killEachAfter` progress and `minKills` is reached; or at `maxKills` or the deadline.
 * Every service is running when it returns.
 */
export async function runChaos(pipeline: Pipeline, options: ChaosOptions): Promise<Kill[]> {
  const random = seededRandom(options.seed);
  const between = ([low, high]: [number, number]) => low + Math.floor(random() * (high - low));
  const started = Date.now();
  const kills: Kill[] = [];
  const owed = new Set<ServiceName>(SERVICES);
  const quotaMet = () => options.feedDone() && owed.size === 0 && kills.length >= options.minKills;
  while (!quotaMet() && kills.length < options.maxKills && Date.now() < options.deadline) {
    await sleep(between(options.gapMs));
    for (const name of SERVICES) pipeline.services[name].assertAlive();
    const progress = await options.progress();
    const candidates = progress >= options.killEachAfter && owed.size > 0 ? [...owed] : [...SERVICES];
    const service = candidates[Math.floor(random() * candidates.length)] as ServiceName;
    const wasRunning = pipeline.services[service].isRunning();
    await pipeline.services[service].kill();
    kills.push({ service, atSeconds: Math.round((Date.now() - started) / 100) / 10, progress: Math.round(progress * 100) / 100, wasRunning });
    if (progress >= options.killEachAfter && wasRunning) owed.delete(service);
    await sleep(between(options.downMs));
    pipeline.services[service].start();
  }
  for (const name of SERVICES) if (!pipeline.services[name].running) pipeline.services[name].start();
  return kills;
}
