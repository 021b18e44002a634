import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
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

interface BuildScript {
  staleReason(root: string): string | null;
  compiledPath(source: string): string;
}
const buildScript = (await import(join(REPO_ROOT, "scripts", "build.mjs"))) as BuildScript;

describe("when npm start and icp consider the compiled build current", () => {
  /** A one-workspace repository: pkg/a with a source, a test, a Lua asset; built (or not) at `builtAt`. */
  function fixture(): { root: string; touch(rel: string, at: number): void; write(rel: string, text?: string): void } {
    const root = mkdtempSync(join(tmpdir(), "icp-build-"));
    copies.push(root);
    const write = (rel: string, text = "{}\n") => {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), text);
    };
    const touch = (rel: string, at: number) => utimesSync(join(root, rel), at / 1000, at / 1000);
    write("tsconfig.build.json", JSON.stringify({ files: [], references: [{ path: "./pkg/a/tsconfig.build.json" }] }));
    for (const rel of ["tsconfig.base.json", "tsconfig.build-base.json", "pkg/a/package.json", "pkg/a/tsconfig.build.json", "pkg/a/src/index.ts", "pkg/a/src/index.test.ts", "pkg/a/src/lua/step.lua"]) {
      write(rel);
      touch(rel, 1_000_000);
    }
    return { root, touch, write };
  }

  it("a workspace never built is not current", () => {
    expect(buildScript.staleReason(fixture().root)).toBe("pkg/a has not been built");
  });

  it("built after every input and with its assets copied, it is current; a test file changed later does not matter", () => {
    const { root, touch, write } = fixture();
    write("pkg/a/dist/.tsbuildinfo");
    touch("pkg/a/dist/.tsbuildinfo", 2_000_000);
    write("pkg/a/dist/lua/step.lua");
    touch("pkg/a/dist/lua/step.lua", 2_000_000);
    touch("pkg/a/src/index.test.ts", 3_000_000);
    expect(buildScript.staleReason(root)).toBeNull();
  });

  it("a source, a package.json or the shared settings changed after the build make it stale, naming what changed", () => {
    const { root, touch, write } = fixture();
    write("pkg/a/dist/.tsbuildinfo");
    touch("pkg/a/dist/.tsbuildinfo", 2_000_000);
    write("pkg/a/dist/lua/step.lua");
    touch("pkg/a/dist/lua/step.lua", 2_000_000);
    touch("pkg/a/src/index.ts", 3_000_000);
    expect(buildScript.staleReason(root)).toBe("pkg/a/src/index.ts changed since pkg/a was built");
    touch("pkg/a/src/index.ts", 1_000_000);
    touch("pkg/a/package.json", 3_000_000);
    expect(buildScript.staleReason(root)).toBe("pkg/a/package.json changed since pkg/a was built");
    touch("pkg/a/package.json", 1_000_000);
    touch("tsconfig.base.json", 3_000_000);
    expect(buildScript.staleReason(root)).toBe("the TypeScript settings changed since pkg/a was built");
  });

  it("an asset of src/ missing from dist/ makes it stale", () => {
    const { root, touch, write } = fixture();
    write("pkg/a/dist/.tsbuildinfo");
    touch("pkg/a/dist/.tsbuildinfo", 2_000_000);
    expect(buildScript.staleReason(root)).toBe("pkg/a/src/lua/step.lua is not in dist/");
  });

  it("an entry point's compiled twin sits in dist/ with the same path", () => {
    expect(buildScript.compiledPath("services/fit/src/main.ts")).toBe("services/fit/dist/main.js");
    expect(buildScript.compiledPath("packages/kafka-kit/src/bin/topics.ts")).toBe("packages/kafka-kit/dist/bin/topics.js");
    expect(() => buildScript.compiledPath("scripts/start.mjs")).toThrow("not a TypeScript file under a workspace's src/: scripts/start.mjs");
  });
});
