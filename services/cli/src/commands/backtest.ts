import { Command, Option } from "commander";
import { runBacktestCommand } from "../backtest-run.js";
import type { BacktestOptions } from "../backtest-run.js";
import type { CliIo } from "../io.js";
import { positiveInt, wholeNumber, withOutcomeInputs } from "./outcome-options.js";

export function backtestCommand(io: CliIo): Command {
  const command = new Command("backtest").description(
    "is the model working? score every opportunity as of its creation and report win rate, lift, contract value and cycle length by tier, with 95% intervals and verdicts",
  );
  return withOutcomeInputs(command, "many")
    .addOption(new Option("-f, --format <format>", "report format").choices(["table", "json"]).default("table"))
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .option("--html <file>", "also write a self-contained HTML page with charts (win rate by tier, ROC curve, score distribution)")
    .option("--resamples <n>", "bootstrap resamples for the AUC interval (default 1000)", positiveInt)
    .option("--seed <n>", "bootstrap seed (default 1): the same seed gives the same interval", wholeNumber)
    .action(async (options: BacktestOptions) => {
      await runBacktestCommand(io, options);
    });
}
