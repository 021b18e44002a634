import { useNativeSha256 } from "@icpstream/service-runtime";
import { processIo } from "./io.js";
import { runCli } from "./run.js";

// Composition root of the `icp` command: real files, real stdout, real clock.
useNativeSha256();
process.exitCode = await runCli(process.argv.slice(2), processIo());
