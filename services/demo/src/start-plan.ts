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
  /** The composition root's source, from the repository root (`services/<name>/src/main.ts`). */
  source: string;
  /** What `node` runs: the compiled composition root (`services/<name>/dist/main.js`, built by `npm run build`). */
  main: string;
  /** The demo stops when a required service stops; an optional one is reported and left out. */
  required: boolean;
}

function service(name: string, required: boolean): ServiceToStart {
  return { name, source: `services/${name}/src/main.ts`, main: `services/${name}/dist/main.js`, required };
}

/**
 * fit, timing, combiner; the router and the outcome stage too once their composition roots
 * exist (`exists` is asked about the source file). The services run compiled, with plain node.
 */
export function servicesToStart(exists: (file: string) => boolean): ServiceToStart[] {
  const services: ServiceToStart[] = ["fit", "timing", "combiner"].map((name) => service(name, true));
  for (const name of ["router", "outcomes"]) if (exists(`services/${name}/src/main.ts`)) services.push(service(name, false));
  return services;
}

/**
 * The web console beside the demo: its port (`ICP_CONSOLE_PORT`, default 18100), its token —
 * `ICP_CONSOLE_TOKEN` when set, else a fresh random one the caller writes to a file
 * (readable by the user only) and never prints — and where model health comes from (the
 * outcome stage's ops port). `makeToken` gives the random token (the caller's crypto).
 */
export function consolePlan(env: Readonly<Record<string, string | undefined>>, options: { outcomesOpsPort: number | null; makeToken: () => string }): {
  port: number;
  url: string;
  token: string;
  tokenFrom: "environment" | "file";
  env: Record<string, string>;
} {
  const port = wholeNumberSetting(env.ICP_CONSOLE_PORT ?? "18100", "ICP_CONSOLE_PORT");
  const given = env.ICP_CONSOLE_TOKEN;
  const token = given !== undefined && given.length > 0 ? given : options.makeToken();
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    token,
    tokenFrom: given ? "environment" : "file",
    env: {
      ICP_CONSOLE_PORT: String(port),
      ICP_CONSOLE_TOKEN: token,
      ...(options.outcomesOpsPort !== null ? { ICP_CONSOLE_OUTCOMES_URL: `http://127.0.0.1:${options.outcomesOpsPort}` } : {}),
    },
  };
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
