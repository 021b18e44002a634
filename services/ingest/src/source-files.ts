import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { ScoringError } from "@icpstream/scoring";
import { parseSourceMappings } from "@icpstream/imports";
import type { SourceMapping } from "@icpstream/imports";

/**
 * Source mappings read at start: files, or folders of `*.yaml` / `*.yml`, each validated
 * (every problem named by file and path), every mapping authenticated and its secret set in
 * the variable it names. Throws ScoringError MAPPING_INVALID listing every problem; the
 * gateway does not start with a mapping it cannot apply.
 */
export function loadSourceMappings(paths: readonly string[], env: Readonly<Record<string, string | undefined>>): Map<string, { mapping: SourceMapping; secrets: string[] }> {
  const mappings = readSourceMappings(paths);
  const problems: string[] = [];
  const out = new Map<string, { mapping: SourceMapping; secrets: string[] }>();
  for (const [source, mapping] of mappings) {
    // A pulled source is polled by the puller, never posted here.
    if (mapping.pull) continue;
    if (!mapping.auth) {
      problems.push(`${mapping.file}: auth: the gateway takes no unauthenticated source (name the vendor's scheme and the variable holding its secret)`);
      continue;
    }
    const secrets = (env[mapping.auth.secretEnv] ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    if (secrets.length === 0) problems.push(`${mapping.file}: auth.secretEnv: ${mapping.auth.secretEnv} is not set (the ${source} source's secret)`);
    out.set(source, { mapping, secrets });
  }
  if (problems.length > 0) throw new ScoringError("MAPPING_INVALID", problems.join("\n"), problems);
  return out;
}

/** The mappings alone (the resolver reads parked items through them and needs no secret). */
export function readSourceMappings(paths: readonly string[]): Map<string, SourceMapping> {
  const files = paths.flatMap((path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) throw new ScoringError("MAPPING_INVALID", `${path}: no such file or folder (ICP_GATEWAY_SOURCES)`);
    return stat.isDirectory()
      ? readdirSync(path)
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
          .map((f) => join(path, f))
      : [path];
  });
  if (files.length === 0) throw new ScoringError("MAPPING_INVALID", `${paths.join(", ")}: no source mapping (*.yaml) found`);
  return parseSourceMappings(files.map((file) => ({ file, text: readFileSync(file, "utf8") })));
}
