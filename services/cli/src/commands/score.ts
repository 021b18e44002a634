import { Command, Option } from "commander";
import type { CliIo } from "../io.js";
import { runScore } from "../score-pipeline.js";
import { addInputOptions, addReportOptions } from "./input-options.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];
const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive whole number, got "${value}"`);
  return n;
};

export function scoreCommand(io: CliIo): Command {
  const command = new Command("score")
    .description("score accounts (and their signals) from files and print a ranked list")
    .requiredOption("-a, --accounts <file>", "accounts file (.csv, or .ndjson/.jsonl)")
    .option("-s, --signals <file>", "signals file (.csv or .ndjson); repeat for several", collect)
    .requiredOption("-r, --rubric <file>", "rubric file (YAML or JSON); repeat for several", collect)
    .option("--as-of <instant>", "score as of this instant (2026-11-01 or ISO date-time); default now")
    .option("--scorecard <id>", "only this scorecard; repeat for several", collect)
    .addOption(new Option("-f, --format <format>", "output format (default: table on a terminal, csv otherwise)").choices(["table", "csv", "ndjson"]))
    .option("-o, --output <file>", "write the ranked list to a file instead of stdout")
    .option("--limit <n>", "rows per scorecard (default 50 for table, all otherwise)", positiveInt)
    .option("--reasons <n>", "top reasons per row (default 3)", positiveInt)
    .option("--waterfall", "instead of the ranked list, report the enrichment waterfall: how many technographic and organisational enrichment calls the rubric's waterfall makes for these accounts against enriching everything first (scorecards with a waterfall section)")
    .option("--no-formula-escape", "CSV output: do not prefix cells starting with = + - @ (spreadsheet formulas) with a quote");
  addInputOptions(command);
  addReportOptions(command);
  return command.action(async (options: Parameters<typeof runScore>[1]) => {
    await runScore(io, options);
  });
}
