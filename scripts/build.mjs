#!/usr/bin/env node
// The compiled build: every workspace listed in tsconfig.build.json is compiled by `tsc -b`
// from src/ to its own dist/ (ES modules, declarations, source maps; .tsbuildinfo makes a
// rebuild incremental), and the files of src/ that are not TypeScript (Redis's Lua script)
// are copied beside the JavaScript that reads them. Package "exports" point plain `node` at
// dist/ ("default") and tsx, vitest and tsc at src/ ("source" condition and tsconfig paths).
//
//   node scripts/build.mjs            build when any workspace is missing or older than its sources
//   node scripts/build.mjs --check    exit 0 when the build is current, 1 when not (builds nothing)
//   node scripts/build.mjs --force    build even when current
//
// Written against Node's standard library only, like bootstrap.mjs: `npm start` and the `icp`
// command call it before anything else is loaded.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Files every workspace's compilation depends on besides its own. */
const SHARED_INPUTS = ["tsconfig.base.json", "tsconfig.build-base.json"];

/** The workspace folders the build covers, from the root tsconfig.build.json's references. */
export function builtWorkspaces(root = ROOT) {
  const config = JSON.parse(readFileSync(join(root, "tsconfig.build.json"), "utf8"));
  return config.references.map((ref) => dirname(ref.path.replace(/^\.\//, "")));
}

function* filesUnder(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

/** A source file that is compiled or copied into dist/ (tests are neither). */
function isBuildInput(file) {
  return !file.endsWith(".test.ts");
}

/** Files of src/ that are shipped as they are: everything that is not TypeScript. */
function isAsset(file) {
  return !file.endsWith(".ts");
}

/**
 * Why the build is not current, or null when it is: a workspace without dist/.tsbuildinfo, a
 * source, package.json or tsconfig newer than it, or a non-TypeScript file of src/ missing
 * from dist/ or older there. Reads modification times only (a few hundred stat calls).
 */
export function staleReason(root = ROOT) {
  const shared = Math.max(...SHARED_INPUTS.map((file) => statSync(join(root, file)).mtimeMs));
  for (const workspace of builtWorkspaces(root)) {
    const dir = join(root, workspace);
    const buildInfo = join(dir, "dist", ".tsbuildinfo");
    if (!existsSync(buildInfo)) return `${workspace} has not been built`;
    const builtAt = statSync(buildInfo).mtimeMs;
    if (shared > builtAt) return `the TypeScript settings changed since ${workspace} was built`;
    for (const file of [join(dir, "package.json"), join(dir, "tsconfig.build.json")]) {
      if (statSync(file).mtimeMs > builtAt) return `${relative(root, file)} changed since ${workspace} was built`;
    }
    const src = join(dir, "src");
    for (const file of filesUnder(src)) {
      if (!isBuildInput(file)) continue;
      const mtime = statSync(file).mtimeMs;
      if (isAsset(file)) {
        const copy = join(dir, "dist", relative(src, file));
        if (!existsSync(copy) || statSync(copy).mtimeMs < mtime) return `${relative(root, file)} is not in dist/`;
      } else if (mtime > builtAt) {
        return `${relative(root, file)} changed since ${workspace} was built`;
      }
    }
  }
  return null;
}

/** Copies the non-TypeScript files of every built workspace's src/ into its dist/. */
function copyAssets(root) {
  for (const workspace of builtWorkspaces(root)) {
    const src = join(root, workspace, "src");
    for (const file of filesUnder(src)) {
      if (!isBuildInput(file) || !isAsset(file)) continue;
      const target = join(root, workspace, "dist", relative(src, file));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(file, target);
    }
  }
}

/**
 * Builds with `tsc -b` (incremental: only workspaces whose inputs changed are compiled again)
 * and copies the assets. Returns tsc's exit code; output goes to this process's stdio.
 */
export function build(root = ROOT, { quiet = false } = {}) {
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  // Sources saved while tsc runs are newer than this, so the next check sees them.
  const startedAt = new Date();
  // Quiet: tsc's report (it writes errors to stdout) is shown only when the build fails.
  const result = spawnSync(process.execPath, [tsc, "-b", join(root, "tsconfig.build.json")], { cwd: root, stdio: quiet ? ["ignore", "pipe", "inherit"] : "inherit", encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    if (quiet && result.stdout) process.stderr.write(result.stdout);
    return result.status ?? 1;
  }
  copyAssets(root);
  // tsc -b leaves a workspace's .tsbuildinfo alone when nothing it compiles changed (a
  // package.json edit, a touched file): mark every workspace as checked now, so staleReason
  // does not ask for the same no-op build again.
  for (const workspace of builtWorkspaces(root)) utimesSync(join(root, workspace, "dist", ".tsbuildinfo"), startedAt, startedAt);
  return 0;
}

/**
 * Builds when the build is not current (see `staleReason`); `log` hears why and how long it
 * took. Returns 0 when the build is current afterwards, tsc's exit code otherwise.
 */
export function ensureBuilt(log = () => {}, root = ROOT) {
  const reason = staleReason(root);
  if (reason === null) return 0;
  log(`building the compiled JavaScript (${reason})`);
  const started = Date.now();
  const code = build(root, { quiet: true });
  if (code === 0) log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return code;
}

/** `services/fit/src/main.ts` → `services/fit/dist/main.js`: where tsc puts an entry point. */
export function compiledPath(sourceFile) {
  const match = /^(.*\/)src\/(.*)\.ts$/.exec(sourceFile);
  if (!match) throw new Error(`not a TypeScript file under a workspace's src/: ${sourceFile}`);
  return `${match[1]}dist/${match[2]}.js`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== "--check" && a !== "--force");
  if (unknown.length > 0) {
    console.error(`usage: node scripts/build.mjs [--check | --force]   (unknown: ${unknown.join(" ")})`);
    process.exit(2);
  }
  if (args.includes("--check")) {
    const reason = staleReason();
    console.log(reason === null ? "the compiled build is current" : `the compiled build is not current: ${reason}`);
    process.exit(reason === null ? 0 : 1);
  }
  const started = Date.now();
  const stale = args.includes("--force") || staleReason() !== null;
  const code = stale ? build() : 0;
  if (code === 0 && stale) console.log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.exit(code);
}
