#!/usr/bin/env node
// `npm test` on a fresh clone: installs dependencies, brings up the stack (Kafka, schema
// registry, Redis) unless one is given in the environment, runs the unit tests and then the
// integration tests, and stops the stack again if it started it (ICP_KEEP_STACK=1 keeps it).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBrowser, ensureDependencies, localStackRunning, log, ROOT, run, stackGivenInEnvironment, tsx } from "./bootstrap.mjs";

ensureDependencies();

const vitest = join(ROOT, "node_modules", "vitest", "vitest.mjs");
const reports = mkdtempSync(join(tmpdir(), "icpstream-test-"));
const totals = { passed: 0, failed: 0, skipped: 0 };

/** Runs one vitest project; adds its counts (read from vitest's JSON report) to the totals. */
function runProject(project) {
  const outputFile = join(reports, `${project}.json`);
  const code = run(process.execPath, [vitest, "run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${outputFile}`]);
  try {
    const report = JSON.parse(readFileSync(outputFile, "utf8"));
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests + (code !== 0 && report.numFailedTests === 0 ? 1 : 0);
    totals.skipped += report.numPendingTests + report.numTodoTests;
  } catch {
    totals.failed += 1; // No report: the run itself broke (config, global setup); count it as a failure.
  }
  return code;
}

let exitCode = runProject("unit");

let startedStack = false;
if (exitCode === 0) {
  if (!stackGivenInEnvironment() && !localStackRunning()) {
    log("starting the local stack (first run downloads Kafka and the registry from Maven Central)");
    startedStack = true;
    if (tsx("infra/src/cli.ts", ["up"]) !== 0) exitCode = 1;
  }
  if (exitCode === 0) {
    ensureBrowser();
    exitCode = runProject("integration");
  }
} else {
  log("unit tests failed: integration tests not run");
}

if (startedStack && process.env.ICP_KEEP_STACK !== "1") {
  log("stopping the stack this run started (ICP_KEEP_STACK=1 keeps it running)");
  tsx("infra/src/cli.ts", ["down"]);
}
rmSync(reports, { recursive: true, force: true });

console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ""}`);
process.exit(exitCode);
