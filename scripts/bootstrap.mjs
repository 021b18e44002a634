// Set-up shared by `npm start` and `npm test`, written against Node's standard library only:
// it runs before dependencies exist on a fresh clone.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

export function log(line) {
  console.log(`[icpstream] ${line}`);
}

/** Runs a command with inherited output; returns its exit code (never throws on failure). */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit", ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

export function runOrExit(command, args, options = {}) {
  const code = run(command, args, options);
  if (code !== 0) {
    log(`${command} ${args.join(" ")} failed with exit code ${code}`);
    process.exit(code);
  }
}

/** Installs dependencies when node_modules is missing or older than the lockfile. */
export function ensureDependencies() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    log(`Node.js ${process.versions.node} is too old: icpstream needs Node.js 20.19 or newer.`);
    process.exit(1);
  }
  const marker = join(ROOT, "node_modules", ".package-lock.json");
  const lock = join(ROOT, "package-lock.json");
  const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs);
  if (!stale) return;
  log("installing dependencies (npm ci)");
  runOrExit("npm", existsSync(lock) ? ["ci", "--no-audit", "--no-fund"] : ["install", "--no-audit", "--no-fund"]);
}

const TSX = join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

/** Runs a TypeScript entry point of the repository with tsx. */
export function tsx(file, args = [], options = {}) {
  return run(process.execPath, [TSX, join(ROOT, file), ...args], options);
}

/** True when all three connection settings are given: then we use that stack and start none. */
export function stackGivenInEnvironment() {
  return Boolean(process.env.KAFKA_BROKERS && process.env.SCHEMA_REGISTRY_URL && process.env.REDIS_URL);
}

/** True when the local stack answers (`stack:status` exits 0). */
export function localStackRunning() {
  return tsx("infra/src/cli.ts", ["status"], { stdio: "ignore" }) === 0;
}

/**
 * The browser the web console's test drives: `ICP_CHROMIUM`, else Debian's /usr/bin/chromium.
 * When it is missing and we are root on a Debian machine, installs Debian's `chromium` package
 * (as the stack does for redis-server); otherwise says what to install (the test then fails
 * with the same advice). Nothing is downloaded from outside the package registries.
 */
export function ensureBrowser() {
  const browser = process.env.ICP_CHROMIUM ?? "/usr/bin/chromium";
  if (existsSync(browser)) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const hasApt = run("sh", ["-c", "command -v apt-get"], { stdio: "ignore" }) === 0;
  if (process.env.ICP_CHROMIUM === undefined && isRoot && hasApt) {
    log("chromium not found: installing Debian's chromium package for the web console's browser test");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    if (run("apt-get", ["update", "-qq"], { env }) === 0 && run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium"], { env }) === 0 && existsSync(browser)) return;
  }
  log(`no browser at ${browser}: the web console's browser test needs Chromium (Debian: apt-get install chromium; elsewhere set ICP_CHROMIUM)`);
}
