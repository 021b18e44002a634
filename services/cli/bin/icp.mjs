#!/usr/bin/env node
// The `icp` command. It runs the compiled JavaScript (services/cli/dist, `npm run build`) when
// that build is current: present and newer than every source it was built from (a check of
// modification times, no compilation). Otherwise it runs the TypeScript sources through tsx's
// loader, with the repository's tsconfig so workspace packages resolve to their src/ too, and
// builds nothing: a command run in the middle of an edit never waits for tsc, and never runs
// code older than the sources. `npm start` builds; so can `npm run build`.
// ICP_CLI_FROM_SOURCE=1 forces the sources (the build is then not even checked).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const buildScript = join(root, "scripts", "build.mjs");

async function compiledIsCurrent() {
  if (process.env.ICP_CLI_FROM_SOURCE === "1") return false;
  // An installed image has the compiled tree and no sources to compare with.
  if (!existsSync(buildScript) || !existsSync(join(root, "services", "cli", "src"))) return existsSync(join(root, "services", "cli", "dist", "main.js"));
  const { staleReason } = await import(pathToFileURL(buildScript).href);
  return staleReason(root) === null;
}

if (await compiledIsCurrent()) {
  await import("../dist/main.js");
} else {
  const { register } = await import("tsx/esm/api");
  register({ tsconfig: join(root, "tsconfig.json") });
  await import("../src/main.ts");
}
