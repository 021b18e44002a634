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
 * One clock for every process: it reads the start of the current UTC day when the wall
 * clock reads `anchorMs`, and runs `daysPerSecond` simulated days per wall second
 * (`accelerated:<ISO>@<anchor>x<factor>`, see service-runtime's parseClock).
 */
export function demoClock(anchorMs: number, daysPerSecond: number): { spec: string; startIso: string; factor: number } {
  if (!(daysPerSecond > 0) || !Number.isFinite(daysPerSecond)) throw new RangeError(`ICP_DEMO_SPEED: expected a positive number of simulated days per wall second, got ${daysPerSecond}`);
  const startIso = new Date(Math.floor(anchorMs / DAY_MS) * DAY_MS).toISOString();
  const factor = Math.round((daysPerSecond * DAY_MS) / 1000);
  return { spec: `accelerated:${startIso}@${Math.floor(anchorMs)}x${factor}`, startIso, factor };
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
