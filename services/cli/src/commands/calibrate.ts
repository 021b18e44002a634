import { Command } from "commander";
import { runCalibrate } from "../calibrate-run.js";
import type { CalibrateOptions } from "../calibrate-run.js";
import type { CliIo } from "../io.js";
import { withOutcomeInputs } from "./outcome-options.js";

export function calibrateCommand(io: CliIo): Command {
  const command = new Command("calibrate").description(
    "propose tier thresholds that put the target share of the pool (default 10-15%) in the top tier and keep the tiers' win rates ordered; show before/after and write a new rubric file",
  );
  return withOutcomeInputs(command, "one")
    .option("-o, --output <file>", "the new rubric file (required unless --dry-run; never the source rubric)")
    .option("--force", "replace --output if it exists")
    .option("--dry-run", "show the proposal, write nothing")
    .action(async (options: CalibrateOptions) => {
      await runCalibrate(io, options);
    });
}
