#!/usr/bin/env node
// `npm start` on a fresh clone: installs dependencies, brings up the stack and reports it.
import { ensureDependencies, log, runOrExit, tsx } from "./bootstrap.mjs";

ensureDependencies();
runOrExit(process.execPath, ["--version"], { stdio: "ignore" });
if (tsx("infra/src/cli.ts", ["up"]) !== 0) process.exit(1);
tsx("infra/src/cli.ts", ["status"]);
log("stack is up. Score the sample accounts:  npx icp score --rubric rubrics/enterprise.yaml --accounts examples/accounts.csv --signals examples/signals.csv");
log("stop it with:  npm run stack:down");
