#!/usr/bin/env node
// `npm start` on a fresh clone: installs dependencies, brings up the stack, then runs the
// live demo: the scoring services (fit, timing, combiner, and the router when present) on
// one accelerated clock, a synthetic market fed through them, and a terminal view of tier
// changes and the tier distribution. Ctrl-C stops the view and the services (gracefully)
// and leaves the stack running. The services, the console and the view run compiled, with
// plain node: the build (scripts/build.mjs, incremental) runs first when dist/ is missing or
// older than the sources.
//
// Knobs (environment): ICP_DEMO_ACCOUNTS (3000), ICP_DEMO_SPEED (simulated days per wall
// second, 1), ICP_DEMO_SECONDS (stop by itself after N seconds; 0 = until Ctrl-C),
// ICP_DEMO_SEED, ICP_DEMO_LIVE_DAYS, ICP_DEMO_LINES_PER_SECOND, ICP_DEMO_SUMMARY_SECONDS,
// ICP_DEMO_OPS_PORT_BASE (19111), ICP_DEMO_STACK_ONLY=1 (stack up and status only).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, openSync, readFileSync, closeSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureDependencies, log, ROOT, run, runOrExit, stackGivenInEnvironment, tsx } from "./bootstrap.mjs";
import { compiledPath, ensureBuilt } from "./build.mjs";

ensureDependencies();
if (ensureBuilt(log) !== 0) {
  log("the build failed (see tsc's errors above); npm run build shows them again");
  process.exit(1);
}
// The build is current from here on: the demo's plan is compiled JavaScript like the services.
const { DEMO_NAMESPACE: demoNamespace, consolePlan, demoClock, positiveSetting, servicesToStart, wholeNumberSetting } = await import("../services/demo/dist/start-plan.js");
const { parseEnvFile } = await import("../services/cli/dist/live/settings.js");
runOrExit(process.execPath, ["--version"], { stdio: "ignore" });
if (!stackGivenInEnvironment()) {
  if (tsx("infra/src/cli.ts", ["up"]) !== 0) process.exit(1);
}
if (process.env.ICP_DEMO_STACK_ONLY === "1") {
  tsx("infra/src/cli.ts", ["status"]);
  log("stack is up; stop it with:  npm run stack:down");
  process.exit(0);
}

const stackDir = process.env.ICP_STACK_DIR ?? join(ROOT, ".stack");
const stackEnvFile = join(stackDir, "stack.env");
const stackEnv = stackGivenInEnvironment() || !existsSync(stackEnvFile) ? {} : parseEnvFile(readFileSync(stackEnvFile, "utf8"));
const logDir = join(stackDir, "logs");
mkdirSync(logDir, { recursive: true });

let speed;
let opsBase;
let clock;
try {
  speed = positiveSetting(process.env.ICP_DEMO_SPEED ?? "1", "ICP_DEMO_SPEED");
  opsBase = wholeNumberSetting(process.env.ICP_DEMO_OPS_PORT_BASE ?? "19111", "ICP_DEMO_OPS_PORT_BASE");
  clock = demoClock(Date.now(), speed, join(stackDir, "demo-clock"));
} catch (error) {
  log(error.message);
  process.exit(1);
}
// Day 0 until the view releases the clock (see services/demo/src/start-plan.ts).
writeFileSync(clock.file, `${clock.startIso}\n`);
const env = {
  ...process.env,
  ...stackEnv,
  ...demoNamespace,
  ICP_CLOCK: clock.spec,
  ICP_DEMO_CLOCK_START: clock.startIso,
  ICP_DEMO_CLOCK_FILE: clock.file,
  ICP_DEMO_CLOCK_FACTOR: String(clock.factor),
  // Decay boundaries are checked four times per simulated day at the default speed.
  ICP_TICK_INTERVAL_MS: process.env.ICP_TICK_INTERVAL_MS ?? String(Math.max(50, Math.round(250 / speed))),
};

const children = new Map(); // name → { child, exited: Promise<number|null> }
let stopping = false;

function startChild(name, file, { logFile, extraEnv = {} } = {}) {
  const fd = logFile ? openSync(logFile, "w") : undefined;
  const child = spawn(process.execPath, [join(ROOT, file)], {
    cwd: ROOT,
    env: { ...env, ...extraEnv },
    stdio: fd === undefined ? ["ignore", "inherit", "inherit"] : ["ignore", fd, fd],
  });
  if (fd !== undefined) closeSync(fd);
  const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  children.set(name, { child, exited, logFile });
  return { child, exited };
}

function logTail(file, lines = 15) {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

async function waitForHealth(name, port, exited, timeoutMs = 90_000) {
  let gone = false;
  exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gone && !stopping) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return false;
}

/** SIGTERM every child still running (view first), wait for them, SIGKILL what hangs. */
let stopped;
function stopAll(reason) {
  stopped ??= stopChildren(reason);
  return stopped;
}
async function stopChildren(reason) {
  stopping = true;
  if (reason) log(reason);
  const order = [...children.keys()].sort((a, b) => (a === "view" ? -1 : b === "view" ? 1 : 0));
  for (const name of order) {
    const { child } = children.get(name);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  }
  const hang = setTimeout(() => {
    for (const [name, { child }] of children) {
      if (child.exitCode === null && child.signalCode === null) {
        log(`${name} did not stop in 30 s; killing it`);
        child.kill("SIGKILL");
      }
    }
  }, 30_000);
  await Promise.all([...children.values()].map((c) => c.exited));
  clearTimeout(hang);
}

// Whatever happens to this process, its children go with it.
process.on("exit", () => {
  for (const { child } of children.values()) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
});
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    interrupted = true;
    stopAll(`${signal}: stopping the view and the services`).then(finish);
  });
}

function finish() {
  log(`services stopped; logs in ${logDir}. The stack keeps running (npm run stack:status); stop it with:  npm run stack:down`);
  process.exit(failed ? 1 : 0);
}
let failed = false;

log(`demo: namespace topics "${demoNamespace.ICP_TOPIC_PREFIX}*", Redis "${demoNamespace.ICP_REDIS_PREFIX}*", groups "${demoNamespace.ICP_GROUP_PREFIX}*"; clock ${clock.spec}`);
if (run(process.execPath, [join(ROOT, compiledPath("services/demo/src/prepare-main.ts"))], { env }) !== 0) {
  log("could not prepare the demo namespace");
  process.exit(1);
}

const services = servicesToStart((file) => existsSync(join(ROOT, file)));
for (const [index, service] of services.entries()) {
  const logFile = join(logDir, `${service.name}.log`);
  const { exited } = startChild(service.name, service.main, { logFile, extraEnv: { ICP_OPS_PORT: String(opsBase + index) } });
  exited.then((code) => {
    if (!stopping) {
      failed = service.required;
      log(`${service.name} exited (code ${code}); last lines of ${logFile}:\n${logTail(logFile)}`);
      if (service.required) stopAll("a scoring service stopped; stopping the demo").then(finish);
    }
  });
}
log(`starting ${services.map((s) => s.name).join(", ")} (logs in ${logDir}/<service>.log)`);
for (const [index, service] of services.entries()) {
  if (!service.required) continue;
  const ok = await waitForHealth(service.name, opsBase + index, children.get(service.name).exited);
  if (stopping) break;
  if (!ok) {
    failed = true;
    log(`${service.name} did not come up; last lines of its log:\n${logTail(join(logDir, `${service.name}.log`))}`);
    await stopAll();
    finish();
  }
}

// The web console beside the demo (optional: the demo runs without it).
if (!stopping && existsSync(join(ROOT, "services/console/src/main.ts"))) {
  const outcomesIndex = services.findIndex((s) => s.name === "outcomes");
  const tokenFile = join(stackDir, "console-token");
  let plan;
  try {
    plan = consolePlan(process.env, { outcomesOpsPort: outcomesIndex >= 0 ? opsBase + outcomesIndex : null, makeToken: () => randomBytes(24).toString("base64url") });
  } catch (error) {
    log(error.message);
  }
  if (plan) {
    if (plan.tokenFrom === "file") writeFileSync(tokenFile, `${plan.token}\n`, { mode: 0o600 });
    const logFile = join(logDir, "console.log");
    // Its /healthz, /readyz and /metrics on the port after the services' ops ports.
    const { exited } = startChild("console", compiledPath("services/console/src/main.ts"), { logFile, extraEnv: { ...plan.env, ICP_OPS_PORT: String(opsBase + services.length) } });
    let up = false;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline && !stopping && !up; ) {
      up = await fetch(`${plan.url}/login`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
      if (!up) await new Promise((resolve) => setTimeout(resolve, 300));
    }
    exited.then((code) => !stopping && log(`console exited (code ${code}); last lines of ${logFile}:\n${logTail(logFile)}`));
    if (up) log(`console: ${plan.url}  (sign in with ${plan.tokenFrom === "file" ? `the token in ${tokenFile}` : "ICP_CONSOLE_TOKEN"})`);
    else log(`the console did not come up; the demo runs without it. Last lines of ${logFile}:\n${logTail(logFile)}`);
  }
}

if (!stopping) {
  log("services are up; Ctrl-C stops the demo");
  const view = startChild("view", compiledPath("services/demo/src/main.ts"));
  const code = await view.exited;
  if (!interrupted && !stopping) {
    if (code !== 0) failed = true;
    await stopAll(code === 0 ? "demo finished; stopping the services" : `the demo view failed (exit ${code}); stopping the services`);
    finish();
  }
}
