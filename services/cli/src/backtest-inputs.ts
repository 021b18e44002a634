import { resolve } from "node:path";
import { ProfileHistory, DEFAULT_MIN_CLOSED_DEALS, DEFAULT_TARGET_TOP_SHARE } from "@icpstream/backtest";
import type { Opportunity, ProfileSnapshot, ReportOptions } from "@icpstream/backtest";
import { parseOutcomes, parseProfileSnapshots, summaryLines } from "@icpstream/imports";
import type { Imported } from "@icpstream/imports";
import type { Rubric, Signal } from "@icpstream/scoring";
import { CliError } from "./io.js";
import type { CliIo } from "./io.js";
import { inputFormat, loadInputs, loadMapping, loadRubric, parseAsOf } from "./load.js";
import type { InputOptions } from "./load.js";

/**
 * File reading shared by `icp backtest`, `icp calibrate` and `icp learn`: rubrics,
 * accounts, signals (the same readers as `icp score`), outcomes (a CRM opportunity export,
 * through a mapping file or in our columns, or outcome events) and optional dated profile
 * snapshots — all through @icpstream/imports. Bad rows are reported on stderr, grouped by
 * reason with file and line, and skipped; the run goes on.
 */
export interface OutcomeCliOptions extends InputOptions {
  rubric: string[];
  outcomes: string[];
  outcomesFormat?: string;
  /** Mapping file for the outcomes export (examples/mappings: Salesforce opportunity report, HubSpot deals). */
  outcomesMapping?: string;
  profileHistory?: string;
  /** Mapping file (kind snapshots) for the profile history: the accounts columns, custom attributes and as_of. */
  profileHistoryMapping?: string;
  asOf?: string;
  scorecard?: string[];
  currency?: string;
  minClosed?: number;
  targetShare?: string;
  resamples?: number;
  seed?: number;
  quiet?: boolean;
}

export interface OutcomeInputs {
  rubrics: Rubric[];
  rubricPaths: string[];
  history: ProfileHistory;
  signals: Signal[];
  opportunities: Opportunity[];
  asOf: string;
  reportOptions: ReportOptions;
  /** One line per input file, for the report's footer. */
  sources: string[];
}

/** `10-15`, `10%-15%` or `0.10-0.15` → { low: 0.1, high: 0.15 }. */
export function parseTargetShare(value: string | undefined): { low: number; high: number } {
  if (value === undefined) return { ...DEFAULT_TARGET_TOP_SHARE };
  const m = /^\s*(\d*\.?\d+)\s*%?\s*[-–]\s*(\d*\.?\d+)\s*%?\s*$/.exec(value);
  const [a, b] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  const scale = a > 1 || b > 1 || value.includes("%") ? 100 : 1;
  const low = a / scale;
  const high = b / scale;
  if (!(low > 0 && high < 1 && low <= high)) throw new CliError(`--target-share: expected a range such as 10-15 (percent of the pool in the top tier), got "${value}"`);
  return { low, high };
}

export async function loadOutcomeInputs(io: CliIo, options: OutcomeCliOptions): Promise<OutcomeInputs> {
  if (options.rubric.length === 0) throw new CliError("--rubric: expected at least one rubric file");
  if (options.outcomes.length === 0) throw new CliError("--outcomes: expected at least one outcomes file");
  const asOf = parseAsOf(options.asOf, io);
  const targetTopShare = parseTargetShare(options.targetShare);
  if (options.currency !== undefined && !/^[A-Za-z]{3}$/.test(options.currency)) throw new CliError(`--currency: expected an ISO 4217 code such as USD, got "${options.currency}"`);
  const currency = options.currency?.toUpperCase();
  const rubrics: Rubric[] = [];
  for (const path of options.rubric) rubrics.push(await loadRubric(io, path));
  for (const id of options.scorecard ?? []) {
    if (!rubrics.some((r) => r.scorecards.some((c) => c.id === id))) throw new CliError(`--scorecard: no rubric defines "${id}"`);
  }

  const inputs = await loadInputs(io, options);
  const common = { delimiter: options.delimiter, decimalComma: options.decimalComma, encoding: options.encoding };
  const outcomesMapping = await loadMapping(io, options.outcomesMapping, "outcomes");
  const outcomes = [];
  for (const file of options.outcomes) {
    const parsed = parseOutcomes(await io.readBytes(file), { source: file, format: inputFormat(file, options.outcomesFormat), mapping: outcomesMapping, ...common, ...(currency ? { defaultCurrency: currency } : {}) });
    outcomes.push({ file, parsed });
  }
  const snapshots: ProfileSnapshot[] = [];
  if (options.profileHistoryMapping !== undefined && options.profileHistory === undefined) throw new CliError("--profile-history-mapping: give the history file with --profile-history");
  const historyMapping = await loadMapping(io, options.profileHistoryMapping, "snapshots");
  const history = options.profileHistory === undefined ? undefined : parseProfileSnapshots(await io.readBytes(options.profileHistory), { source: options.profileHistory, format: inputFormat(options.profileHistory, undefined), mapping: historyMapping, ...common });
  if (history) snapshots.push(...history.items);

  const lines: string[] = [];
  const reportImported = (p: Imported<unknown>, noun: string) => lines.push(...summaryLines(p.source, { rows: p.rows, imported: p.items.length, rejected: p.rejects, warnings: p.warnings }, noun));
  reportImported(inputs.accounts, "accounts");
  inputs.signals.forEach((s) => reportImported(s, "signals"));
  for (const { parsed } of outcomes) reportImported(parsed, "opportunities");
  if (history) reportImported(history, "profile snapshots");

  const opportunities: Opportunity[] = [];
  const seen = new Set<string>();
  for (const { file, parsed } of outcomes) {
    for (const o of parsed.items) {
      if (seen.has(o.opportunityId)) {
        lines.push(`warning: ${file}: opportunity ${o.opportunityId} appears in an earlier outcomes file; the first is used`);
        continue;
      }
      seen.add(o.opportunityId);
      opportunities.push(o);
    }
  }
  if (!options.quiet) io.stderr(`${lines.join("\n")}\n`);

  const sources = [
    ...options.rubric.map((p, i) => `rubric ${p} (${rubrics[i]?.version.hash.slice(0, 12)})`),
    `accounts ${options.accounts}`,
    ...inputs.signalFiles.map((f) => `signals ${f}`),
    ...options.outcomes.map((f) => `outcomes ${f}`),
    ...(options.profileHistory ? [`profile history ${options.profileHistory}`] : []),
  ];
  return {
    rubrics,
    rubricPaths: options.rubric,
    history: ProfileHistory.from({ undated: inputs.accounts.items, snapshots }),
    signals: inputs.signals.flatMap((s) => s.items),
    opportunities,
    asOf,
    reportOptions: {
      ...(currency ? { currency } : {}),
      minClosedDeals: options.minClosed ?? DEFAULT_MIN_CLOSED_DEALS,
      targetTopShare,
      ...(options.resamples !== undefined ? { resamples: options.resamples } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    },
    sources,
  };
}

async function exists(io: CliIo, path: string): Promise<boolean> {
  try {
    await io.readText(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * What a command that writes a new rubric beside its source (`icp calibrate`, `icp learn`)
 * checks before reading anything: one source rubric; `--output` named unless `--dry-run`; the
 * output never the source (the old version stays untouched) and never an existing file
 * unless `--force`. Returns the source path; throws a CliError naming the option otherwise.
 */
export async function newRubricTarget(io: CliIo, options: { rubric: string[]; output?: string; dryRun?: boolean; force?: boolean }, command: string, product: string): Promise<string> {
  if (options.rubric.length !== 1) throw new CliError(`--rubric: ${command} works on one rubric file at a time`);
  const source = options.rubric[0] as string;
  if (!options.dryRun && options.output === undefined) throw new CliError(`--output: name the file for the ${product} rubric (the source rubric is never overwritten), or pass --dry-run to only see ${command === "learn" ? "what was learned" : "the proposal"}`);
  if (options.output !== undefined && resolve(options.output) === resolve(source)) throw new CliError(`--output: ${options.output} is the source rubric; ${command} writes a new file and leaves the old version untouched`);
  if (options.output !== undefined && !options.dryRun && !options.force && (await exists(io, options.output))) throw new CliError(`--output: ${options.output} exists; pass --force to replace it`);
  return source;
}
