import { rubricDiff } from "@icpstream/backtest";
import type { RubricDiff } from "@icpstream/backtest";
import { formatRubricVersion, scoreBatch } from "@icpstream/scoring";
import { CliError } from "./io.js";
import type { CliIo } from "./io.js";
import { loadInputs, loadRubric, parseAsOf } from "./load.js";
import type { InputOptions } from "./load.js";

/**
 * `icp rubric diff OLD NEW`: the rules that differ between two rubric files and, when
 * accounts are given, which accounts would change tier under NEW and why — each account scored
 * with both rubrics on the same profiles and signals at `--as-of` (the engine's `scoreBatch`,
 * as `icp score`). Text for people (the moves, worst first by tier, at most `--limit`), or
 * `--format json` with everything.
 */
export interface RubricDiffOptions extends Partial<InputOptions> {
  asOf?: string;
  format?: string;
  limit?: number;
}

const MAX_RULE_LINES = 60;

function render(diff: RubricDiff, oldLabel: string, newLabel: string, limit: number, accounts: boolean): string {
  const lines = [`rubric diff: ${oldLabel} → ${newLabel}`];
  if (diff.rules.length === 0) lines.push("  no rule differs");
  else {
    lines.push(`  ${diff.rules.length === 1 ? "1 rule value differs" : `${diff.rules.length} rule values differ`}:`);
    for (const r of diff.rules.slice(0, MAX_RULE_LINES)) lines.push(`    ${r.scorecard}: ${r.path}: ${r.old ?? "(none)"} → ${r.next ?? "(none)"}`);
    if (diff.rules.length > MAX_RULE_LINES) lines.push(`    … and ${diff.rules.length - MAX_RULE_LINES} more (--format json lists all)`);
  }
  if (!accounts) {
    lines.push("  (give --accounts and --signals to see which accounts would change tier)");
    return `${lines.join("\n")}\n`;
  }
  for (const [scorecard, count] of Object.entries(diff.compared)) {
    const moved = diff.moves.filter((m) => m.scorecard === scorecard);
    const cells = Object.entries(diff.matrix[scorecard] ?? {})
      .map(([move, n]) => `${move}: ${n}`)
      .join(", ");
    lines.push(`  ${scorecard}: ${moved.length} of ${count} accounts change tier${cells ? ` (${cells})` : ""}`);
  }
  const shown = diff.moves.slice(0, limit);
  for (const m of shown) {
    lines.push(`  ${m.direction === "up" ? "↑" : "↓"} ${m.accountKey} [${m.scorecard}] ${m.from.name} → ${m.to.name}`);
    for (const why of m.why) lines.push(`      ${why}`);
  }
  if (diff.moves.length > shown.length) lines.push(`  … ${diff.moves.length - shown.length} more moves (--limit, or --format json)`);
  return `${lines.join("\n")}\n`;
}

export async function runRubricDiff(io: CliIo, oldPath: string, newPath: string, options: RubricDiffOptions): Promise<RubricDiff> {
  const format = options.format ?? "text";
  if (format !== "text" && format !== "json") throw new CliError(`--format: expected text or json, got "${format}"`);
  if (options.signals && options.signals.length > 0 && !options.accounts) throw new CliError("--signals needs --accounts: the accounts to score with both rubrics");
  const old = await loadRubric(io, oldPath);
  const next = await loadRubric(io, newPath);
  let oldScores: Parameters<typeof rubricDiff>[0]["oldScores"] = [];
  let nextScores: Parameters<typeof rubricDiff>[0]["nextScores"] = [];
  if (options.accounts) {
    const asOf = parseAsOf(options.asOf, io);
    const inputs = await loadInputs(io, options as InputOptions, asOf);
    const signals = inputs.signals.flatMap((s) => s.items);
    const score = (rubric: typeof old) => scoreBatch({ profiles: inputs.accounts.items, signals, rubric, asOf }).rankings.flatMap((r) => r.ranked);
    oldScores = score(old);
    nextScores = score(next);
    const rejected = [inputs.accounts, ...inputs.signals].reduce((n, f) => n + f.rejects.length, 0);
    if (rejected > 0) io.stderr(`${rejected} input rows rejected (run icp score with --rejects to see them)\n`);
  }
  const diff = rubricDiff({ old, next, oldScores, nextScores });
  if (format === "json") io.stdout(`${JSON.stringify({ old: formatRubricVersion(old.version), next: formatRubricVersion(next.version), ...diff }, null, 2)}\n`);
  else io.stdout(render(diff, `${oldPath} (${formatRubricVersion(old.version)})`, `${newPath} (${formatRubricVersion(next.version)})`, options.limit ?? 50, options.accounts !== undefined));
  return diff;
}
