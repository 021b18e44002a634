import { processIo } from "./io.js";
import { runCli } from "./run.js";

// Composition root of the `icp` command: real files, real stdout, real clock.
process.exitCode = await runCli(process.argv.slice(2), processIo());
