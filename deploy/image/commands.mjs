// The commands of the icpstream image (`docker run icpstream <command> [args…]`): each runs one
// compiled entry point in the image's own process (PID 1, so signals reach it directly).
// `ops`: the command serves /healthz, /readyz and /metrics on ICP_OPS_PORT (9100 in the image),
// which the image's HEALTHCHECK and the Kubernetes probes ask; the others are jobs or pollers.
// Entry paths are from the image's working directory, the repository's layout.

/** @type {Readonly<Record<string, { entry: string; ops: boolean; about: string }>>} */
export const COMMANDS = {
  fit: { entry: "services/fit/dist/main.js", ops: true, about: "the fit service: profiles in, fit scores out" },
  timing: { entry: "services/timing/dist/main.js", ops: true, about: "the timing service: signals in, timing scores out, decay by the clock" },
  combiner: { entry: "services/combiner/dist/main.js", ops: true, about: "the combiner: fit × timing, tier changes out" },
  router: { entry: "services/router/dist/main.js", ops: true, about: "the router: tier changes to routing actions and webhooks" },
  outcomes: { entry: "services/outcomes/dist/main.js", ops: true, about: "the outcome stage: opportunities scored, live model health" },
  enrichment: { entry: "services/enrichment/dist/main.js", ops: true, about: "the enrichment waterfall: requests for the next layer" },
  "enrichment-worker": { entry: "services/enrichment/dist/worker-main.js", ops: true, about: "the sample enrichment worker (answers from ICP_ENRICHMENT_SOURCE)" },
  gateway: { entry: "services/ingest/dist/gateway-main.js", ops: true, about: "the HTTP ingest gateway (ICP_GATEWAY_PORT, 8080 in the image)" },
  resolver: { entry: "services/ingest/dist/resolver-main.js", ops: true, about: "the resolver of parked items (ICP_GATEWAY_SOURCES)" },
  console: { entry: "services/console/dist/main.js", ops: true, about: "the web console (ICP_CONSOLE_PORT, 8080 in the image)" },
  puller: { entry: "services/ingest/dist/puller-main.js", ops: false, about: "the puller of API-only sources" },
  synthetic: { entry: "services/ingest/dist/synthetic-main.js", ops: false, about: "a seeded synthetic market, sent once" },
  topics: { entry: "packages/kafka-kit/dist/bin/topics.js", ops: false, about: "creates the catalog's topics (once, before the services)" },
  icp: { entry: "services/cli/dist/main.js", ops: false, about: "the icp command, with its arguments" },
};

/** What `docker run icpstream` with no or an unknown command prints. */
export function usage(given) {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.about}`);
  return `${given === undefined ? "no command given" : `unknown command: ${given}`}\nusage: docker run [options] icpstream <command> [args…]\n${lines.join("\n")}`;
}

/** The image command PID 1 runs, from its command line (`node deploy/image/entrypoint.mjs <command> …`), or undefined. */
export function commandOf(argv) {
  const at = argv.findIndex((arg) => arg.endsWith("entrypoint.mjs"));
  return at >= 0 ? argv[at + 1] : undefined;
}
