import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, posix, relative } from "node:path";

/**
 * Workspaces that stay TypeScript only: development tools run through tsx (the local stack,
 * the integration-test harness). Every other workspace ships compiled JavaScript.
 */
export const SOURCE_ONLY_WORKSPACES: readonly string[] = ["@icpstream/infra", "@icpstream/testkit"];

interface PackageJson {
  name: string;
  exports?: Record<string, string | Record<string, string>>;
  dependencies?: Record<string, string>;
}

/** tsconfig files are JSON with whole-line `//` comments. */
function readJsonc(file: string): unknown {
  return JSON.parse(readFileSync(file, "utf8").replace(/^\s*\/\/.*$/gm, ""));
}

function* typeScriptFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* typeScriptFiles(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

/** The workspace packages this source file imports (`@icpstream/x`, `@icpstream/x/sub`), by package name. */
function importedWorkspaces(source: string): Set<string> {
  const names = new Set<string>();
  for (const match of source.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)"(@icpstream\/[a-z-]+)(?:\/[a-z-]+)?"/g)) names.add(match[1]!);
  return names;
}

/**
 * Checks that the compiled build and the from-source tools agree on how `@icpstream/*` resolves,
 * reading the repository at `root`. Returns the problems found (empty when consistent):
 * - each workspace is built (listed in tsconfig.build.json) or source-only, never both or neither;
 * - a built workspace's exports give `source` (src/…ts) and `default` (the same file in dist/ as
 *   .js), except subpaths that are source-only helpers for tests, which have no `default`;
 * - the root tsconfig.json `paths` (used by tsc and tsx) name exactly every export's source file;
 * - a built workspace's tsconfig.build.json references exactly its built `@icpstream` dependencies,
 *   and its non-test sources import no workspace it does not depend on (tsc -b would build out of order).
 */
export function checkWorkspaceBuild(root: string): string[] {
  const problems: string[] = [];
  const folders = ["packages", "services"].flatMap((parent) => (existsSync(join(root, parent)) ? readdirSync(join(root, parent)).map((d) => `${parent}/${d}`) : []));
  if (existsSync(join(root, "infra", "package.json"))) folders.push("infra");
  const workspaces = new Map<string, { dir: string; pkg: PackageJson }>();
  for (const dir of folders) {
    const file = join(root, dir, "package.json");
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, "utf8")) as PackageJson;
    workspaces.set(pkg.name, { dir, pkg });
  }
  const buildConfig = readJsonc(join(root, "tsconfig.build.json")) as { references?: { path: string }[] };
  const built = new Set((buildConfig.references ?? []).map((r) => posix.dirname(r.path.replace(/^\.\//, ""))));
  const paths = ((readJsonc(join(root, "tsconfig.json")) as { compilerOptions?: { paths?: Record<string, string[]> } }).compilerOptions?.paths ?? {}) as Record<string, string[]>;
  const expectedPaths = new Map<string, string>();

  for (const [name, { dir, pkg }] of workspaces) {
    const sourceOnly = SOURCE_ONLY_WORKSPACES.includes(name);
    if (sourceOnly && built.has(dir)) problems.push(`${dir}: ${name} is a source-only workspace but tsconfig.build.json builds it`);
    if (!sourceOnly && !built.has(dir)) problems.push(`${dir}: ${name} is not in tsconfig.build.json (add it, or list it in SOURCE_ONLY_WORKSPACES)`);
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      const specifier = subpath === "." ? name : `${name}/${subpath.replace(/^\.\//, "")}`;
      const source = typeof target === "string" ? target : target.source;
      if (!source || !/^\.\/src\/.+\.ts$/.test(source)) {
        problems.push(`${dir}/package.json: exports["${subpath}"] has no "source" under ./src/`);
        continue;
      }
      expectedPaths.set(specifier, `./${dir}/${source.slice(2)}`);
      if (sourceOnly) continue;
      const compiled = typeof target === "string" ? undefined : target.default;
      const wanted = source.replace(/^\.\/src\//, "./dist/").replace(/\.ts$/, ".js");
      const testHelper = typeof target !== "string" && Object.keys(target).length === 1;
      if (!testHelper && compiled !== wanted) problems.push(`${dir}/package.json: exports["${subpath}"].default should be ${wanted} (the compiled ${source}), found ${compiled ?? "none"}`);
    }
  }
  for (const [specifier, file] of expectedPaths) {
    if (paths[specifier]?.[0] !== file) problems.push(`tsconfig.json: paths["${specifier}"] should be ["${file}"], found ${JSON.stringify(paths[specifier] ?? null)}`);
  }
  for (const specifier of Object.keys(paths)) if (!expectedPaths.has(specifier)) problems.push(`tsconfig.json: paths["${specifier}"] matches no workspace export`);

  const byDir = new Map([...workspaces].map(([name, w]) => [w.dir, name]));
  for (const dir of built) {
    const name = byDir.get(dir);
    const workspace = name ? workspaces.get(name) : undefined;
    if (!name || !workspace) {
      problems.push(`tsconfig.build.json: ${dir} is not a workspace`);
      continue;
    }
    const config = readJsonc(join(root, dir, "tsconfig.build.json")) as { references?: { path: string }[] };
    const referenced = new Set((config.references ?? []).map((r) => posix.normalize(posix.join(dir, posix.dirname(r.path)))));
    const declared = Object.keys(workspace.pkg.dependencies ?? {}).filter((dep) => workspaces.has(dep) && !SOURCE_ONLY_WORKSPACES.includes(dep));
    const wantedRefs = new Set(declared.map((dep) => workspaces.get(dep)!.dir));
    for (const ref of wantedRefs) if (!referenced.has(ref)) problems.push(`${dir}/tsconfig.build.json: should reference ../../${ref}/tsconfig.build.json (a dependency)`);
    for (const ref of referenced) if (!wantedRefs.has(ref)) problems.push(`${dir}/tsconfig.build.json: references ${ref}, which is not a built dependency of ${name}`);
    for (const file of typeScriptFiles(join(root, dir, "src"))) {
      if (file.endsWith(".test.ts")) continue;
      for (const imported of importedWorkspaces(readFileSync(file, "utf8"))) {
        if (imported === name || declared.includes(imported)) continue;
        // Test helpers the build leaves out may import the test harness.
        if (SOURCE_ONLY_WORKSPACES.includes(imported) && isExcluded(root, dir, file)) continue;
        problems.push(`${relative(root, file)}: imports ${imported}, which ${name}'s package.json does not list in dependencies`);
      }
    }
  }
  return problems;
}

function isExcluded(root: string, dir: string, file: string): boolean {
  const config = readJsonc(join(root, dir, "tsconfig.build.json")) as { exclude?: string[] };
  const rel = relative(join(root, dir), file).split("\\").join("/");
  return (config.exclude ?? []).some((pattern) => pattern === rel || (pattern.includes("*") && new RegExp(`^${pattern.replace(/\./g, "\\.").replace(/\*\*\//g, "(?:.*/)?").replace(/\*/g, "[^/]*")}$`).test(rel)));
}
