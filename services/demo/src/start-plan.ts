/**
 * What `npm start` (scripts/start.mjs) sets up around the demo, as pure values:
 * the namespace, the shared accelerated clock, and which services to start.
 */

/** The demo's own namespace: reset on every run, so the unprefixed pipeline and tests' namespaces are never touched. */
export const DEMO_NAMESPACE = {
  ICP_TOPIC_PREFIX: "demo.",
  ICP_REDIS_PREFIX: "demo.",
  ICP_GROUP_PREFIX: "demo.icp.",
} as const;

const DAY_MS = 86_400_000;

/**
 * One clock for every process, held at day 0 until the market's history is scored: a file
 * clock (`file:<path>`, see service-runtime's parseClock) that the demo view writes. Day 0
 * is the start of the current UTC day at `anchorMs`; once released the view advances it
 * `daysPerSecond` simulated days per wall second (`factor` ms of simulated time per wall ms).
 * Held, because an accelerated clock started with the services would age the 90-day
 * backfill while the pipeline is still reading it (at 1 day/s, a minute of backlog is 60
 * days of decay) and the first summary would show a market that never existed.
 */
export function demoClock(anchorMs: number, daysPerSecond: number, clockFile: string): { spec: string; startIso: string; factor: number; file: string } {
  if (!(daysPerSecond > 0) || !Number.isFinite(daysPerSecond)) throw new RangeError(`ICP_DEMO_SPEED: expected a positive number of simulated days per wall second, got ${daysPerSecond}`);
  const startIso = new Date(Math.floor(anchorMs / DAY_MS) * DAY_MS).toISOString();
  const factor = Math.round((daysPerSecond * DAY_MS) / 1000);
  return { spec: `file:${clockFile}`, startIso, factor, file: clockFile };
}

export interface ServiceToStart {
  name: string;
  main: string;
  /** The demo stops when a required service stops; an optional one is reported and left out. */
  required: boolean;
}

/** fit, timing, combiner; the router too once its composition root exists. */
export function servicesToStart(exists: (file: string) => boolean): ServiceToStart[] {
  const services: ServiceToStart[] = ["fit", "timing", "combiner"].map((name) => ({ name, main: `services/${name}/src/main.ts`, required: true }));
  if (exists("services/router/src/main.ts")) services.push({ name: "router", main: "services/router/src/main.ts", required: false });
  return services;
}

/** A whole number ≥ 0 from the environment, or an error naming the variable. */
export function wholeNumberSetting(value: string, name: string): number {
  if (!/^\d+$/.test(value)) throw new RangeError(`${name}: expected a whole number, got ${JSON.stringify(value)}`);
  return Number(value);
}

export function positiveSetting(value: string, name: string): number {
  const n = Number(value);
  if (value.trim() === "" || !(n > 0) || !Number.isFinite(n)) throw new RangeError(`${name}: expected a positive number, got ${JSON.stringify(value)}`);
  return n;
}
