import { Command, Option } from "commander";
import type { CliIo } from "../io.js";
import { runLearn } from "../learn-run.js";
import type { LearnCliOptions } from "../learn-run.js";
import { positiveInt, wholeNumber, withOutcomeInputs } from "./outcome-options.js";

export function learnCommand(io: CliIo): Command {
  const command = new Command("learn").description(
    "learn the rubric's weights from closed deals (regularised logistic regression on a time-ordered split; refuses under 100 closed deals), compare with the hand rubric and naive Bayes on the test deals, and write a readable rubric",
  );
  return withOutcomeInputs(command, "one")
    .option("-o, --output <file>", "the new rubric file (required unless --dry-run; never the source rubric)")
    .option("--force", "replace --output if it exists")
    .option("--dry-run", "show what was learned, write nothing")
    .addOption(new Option("-f, --format <format>", "report format").choices(["table", "json"]).default("table"))
    .option("--test-share <percent>", "newest share of closed deals kept for the test (default 30)")
    .option("--l2 <lambda>", "ridge penalty (default 1)")
    .option("--min-count <n>", "training deals a rule must fire for to get its own weight (default 10)", positiveInt)
    .option("--resamples <n>", "bootstrap resamples for the test AUC intervals (default 1000)", positiveInt)
    .option("--seed <n>", "bootstrap seed (default 1)", wholeNumber)
    .action(async (options: LearnCliOptions) => {
      await runLearn(io, options);
    });
}
