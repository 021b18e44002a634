import { Command } from "commander";
import { backtestCommand } from "./commands/backtest.js";
import { calibrateCommand } from "./commands/calibrate.js";
import { explainCommand } from "./commands/explain.js";
import { ingestCommand } from "./commands/ingest.js";
import { learnCommand } from "./commands/learn.js";
import { rebuildCommand } from "./commands/rebuild.js";
import { rubricCommand } from "./commands/rubric-check.js";
import { scoreCommand } from "./commands/score.js";
import { sourcesCommand } from "./commands/sources.js";
import { tailCommand } from "./commands/tail.js";
import type { CliIo } from "./io.js";

/**
 * The `icp` command tree. Each subcommand lives in its own file under commands/ and
 * takes the I/O it needs. `tail`, `rebuild` and `explain --live` talk to the running
 * pipeline (Kafka, the registry, Redis); the others work on files.
 */
export function buildProgram(io: CliIo): Command {
  const program = new Command("icp")
    .description("icpstream: score accounts against an Ideal Customer Profile rubric")
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .showHelpAfterError()
    .exitOverride();
  program.addCommand(rubricCommand(io));
  program.addCommand(scoreCommand(io));
  program.addCommand(explainCommand(io));
  program.addCommand(ingestCommand(io));
  program.addCommand(tailCommand(io));
  program.addCommand(backtestCommand(io));
  program.addCommand(calibrateCommand(io));
  program.addCommand(learnCommand(io));
  program.addCommand(rebuildCommand(io));
  program.addCommand(sourcesCommand(io));
  for (const command of program.commands) command.exitOverride().configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) });
  return program;
}
