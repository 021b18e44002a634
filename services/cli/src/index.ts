export { runCli } from "./run.js";
export { buildProgram } from "./program.js";
export { runScore, renderRows } from "./score-pipeline.js";
export type { ScoreOptions, ScoreRun, OutputFormat } from "./score-pipeline.js";
export { processIo, CliError } from "./io.js";
export type { CliIo } from "./io.js";
