import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./config.js";
import { checkWorkspaceBuild } from "./workspace-build.js";

const copies: string[] = [];
afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The repository's package.json and tsconfig files (no sources but the ones a case needs), to break one. */
function copyOfLayout(): string {
  const dir = mkdtempSync(join(tmpdir(), "icp-layout-"));
  copies.push(dir);
  cpSync(REPO_ROOT, dir, {
    recursive: true,
    filter: (source) => {
      const rel = source.slice(REPO_ROOT.length).replace(/^\//, "");
      if (rel === "" || /^[^/]+\.json$/.test(rel)) return true;
      if (!/^(packages|services|infra)(\/|$)/.test(rel) || /(^|\/)(node_modules|dist|web|fixtures)(\/|$)/.test(rel)) return false;
      return /\.(json|ts)$/.test(rel) || !/\.[a-z]+$/.test(rel);
    },
  });
  return dir;
}

function edit(file: string, change: (text: string) => string): void {
  writeFileSync(file, change(readFileSync(file, "utf8")));
}

describe("the compiled build and the from-source tools resolve workspaces alike", () => {
  it("the repository's exports, tsconfig paths and build references agree", () => {
    expect(checkWorkspaceBuild(REPO_ROOT)).toEqual([]);
  });

  it("an export whose compiled target is not its source's dist/ twin is reported", () => {
    const root = copyOfLayout();
    edit(join(root, "packages/scoring/package.json"), (t) => t.replace('"default": "./dist/index.js"', '"default": "./src/index.ts"'));
    expect(checkWorkspaceBuild(root)).toEqual(['packages/scoring/package.json: exports["."].default should be ./dist/index.js (the compiled ./src/index.ts), found ./src/index.ts']);
  });

  it("a tsconfig path that no longer matches the export's source is reported", () => {
    const root = copyOfLayout();
    edit(join(root, "tsconfig.json"), (t) => t.replace('"@icpstream/fit": ["./services/fit/src/handler.ts"]', '"@icpstream/fit": ["./services/fit/src/index.ts"]'));
    expect(checkWorkspaceBuild(root)).toEqual(['tsconfig.json: paths["@icpstream/fit"] should be ["./services/fit/src/handler.ts"], found ["./services/fit/src/index.ts"]']);
  });

  it("a workspace import missing from dependencies and build references is reported, so tsc -b cannot build out of order", () => {
    const root = copyOfLayout();
    edit(join(root, "packages/routing/package.json"), (t) => t.replace('"@icpstream/scoring": "*",', ""));
    expect(checkWorkspaceBuild(root)).toEqual(
      expect.arrayContaining([
        "packages/routing/tsconfig.build.json: references packages/scoring, which is not a built dependency of @icpstream/routing",
        expect.stringMatching(/^packages\/routing\/src\/.+\.ts: imports @icpstream\/scoring, which @icpstream\/routing's package.json does not list in dependencies$/),
      ]),
    );
  });

  it("a new workspace that is neither built nor declared source-only is reported", () => {
    const root = copyOfLayout();
    edit(join(root, "tsconfig.build.json"), (t) => t.replace('    { "path": "./services/timing/tsconfig.build.json" }', "").replace(/,\n\s*\]/, "\n  ]"));
    expect(checkWorkspaceBuild(root)).toContain("services/timing: @icpstream/timing is not in tsconfig.build.json (add it, or list it in SOURCE_ONLY_WORKSPACES)");
  });
});
