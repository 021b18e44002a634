#!/usr/bin/env node
// Assembles what the image's runtime stage holds, from a checkout where `npm run build` ran:
//
//   node deploy/image/runtime-tree.mjs <target>
//
// - package.json and package-lock.json, and every workspace's package.json (all of them, so
//   `npm ci --omit=dev` in <target> agrees with the lockfile);
// - the compiled JavaScript of every built workspace (dist/, without declarations, source maps
//   and .tsbuildinfo), and the files of src/ the build copies beside it (Redis's Lua script);
// - the data the services read at run time: rubrics/, examples/ (source mappings, sample
//   files), the router's example configuration, the console's web assets, the icp launcher and
//   the image's entry point. No TypeScript source, test or bench goes in.
// Then, in <target>: npm ci --omit=dev --ignore-scripts (the Dockerfile does this).
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Files and folders copied as they are (when present), from the repository root. */
export const RUNTIME_DATA = ["rubrics", "examples", "packages/routing/routing.example.yaml", "services/console/web", "services/cli/bin", "deploy/image"];

/** The workspace folders of the root package.json's "workspaces" globs (`dir/*` or a folder). */
export function workspaceFolders(root = ROOT) {
  const { workspaces } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  return workspaces.flatMap((pattern) => {
    if (!pattern.endsWith("/*")) return existsSync(join(root, pattern, "package.json")) ? [pattern] : [];
    const parent = pattern.slice(0, -2);
    return readdirSync(join(root, parent)).map((d) => `${parent}/${d}`).filter((d) => existsSync(join(root, d, "package.json")));
  });
}

/** Whether a file of a dist/ folder belongs in the image (JavaScript and assets; no typings, maps or build state). */
export function shippedFromDist(file) {
  return !file.endsWith(".d.ts") && !file.endsWith(".map") && !file.endsWith(".tsbuildinfo");
}

export function assemble(target, root = ROOT) {
  if (existsSync(target) && readdirSync(target).length > 0) throw new Error(`${target} is not empty`);
  mkdirSync(target, { recursive: true });
  const copy = (rel, options = {}) => cpSync(join(root, rel), join(target, rel), { recursive: true, ...options });
  copy("package.json");
  copy("package-lock.json");
  for (const workspace of workspaceFolders(root)) {
    copy(`${workspace}/package.json`);
    const dist = join(root, workspace, "dist");
    if (existsSync(dist)) copy(`${workspace}/dist`, { filter: (source) => source === dist || shippedFromDist(relative(dist, source)) });
  }
  for (const rel of RUNTIME_DATA) if (existsSync(join(root, rel))) copy(rel);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = process.argv[2];
  if (!target) {
    console.error("usage: node deploy/image/runtime-tree.mjs <target folder>");
    process.exit(2);
  }
  if (existsSync(target) && readdirSync(target).length > 0) {
    console.error(`${target} is not empty`);
    process.exit(1);
  }
  try {
    assemble(target);
  } catch (error) {
    rmSync(target, { recursive: true, force: true });
    console.error(error.message);
    process.exit(1);
  }
  console.log(`runtime tree in ${target}; next: npm ci --omit=dev --ignore-scripts there`);
}
