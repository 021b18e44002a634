#!/usr/bin/env node
// The image's HEALTHCHECK: GET /healthz (or the path given, e.g. /readyz) on the ops port,
// ICP_OPS_PORT (9100 in the image); exit 0 on a 200, 1 otherwise. A container running a
// command without an ops server (a job, the puller, icp) has nothing to check and is healthy.
import { readFileSync } from "node:fs";
import { COMMANDS, commandOf } from "./commands.mjs";

const path = process.argv[2] ?? "/healthz";
let running;
try {
  running = commandOf(readFileSync("/proc/1/cmdline", "utf8").split("\0"));
} catch {
  running = undefined; // not Linux, or no /proc: check the port anyway
}
if (running !== undefined && COMMANDS[running]?.ops === false) process.exit(0);
const port = process.env.ICP_OPS_PORT ?? "9100";
try {
  // 3 s: the ops server answers in milliseconds and bounds its own checks at 2 s.
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(3000) });
  if (!response.ok) console.error(`${path}: ${response.status} ${await response.text()}`);
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  console.error(`${path} on port ${port}: ${error.message}`);
  process.exit(1);
}
