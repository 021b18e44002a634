import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadStackConfig } from "./config.js";
import { tailOf } from "./processes.js";
import { recordedVariant, stackDown, stackLogs, stackStatus, stackUp } from "./stack.js";

const USAGE = `usage: npm run stack:<command> [-- options]   (or: tsx infra/src/cli.ts <command> [options])
  up       fetch what is missing, start Kafka, the schema registry and Redis, wait until ready
  down     stop them, whichever topology runs (data is kept under ICP_STACK_DIR)
  status   pid, port, readiness and memory of each process; exit 1 if any is not ready
  logs     the last lines of each log (--lines N)
  env      print the connection settings (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, REDIS_URL, and on a
           secured stack the KAFKA_SASL_* / KAFKA_SSL_* / REDIS_* files)
options:
  --topology single|cluster   one broker and one Redis (default), or three Kafka nodes and a
                              Redis Cluster of 3 primaries + 3 replicas (ICP_STACK_TOPOLOGY)
  --secure                    SASL_SSL (SCRAM-SHA-512) for Kafka, an ACL user over TLS for Redis,
                              with a private CA made at first start (ICP_STACK_SECURITY=sasl-tls)
  Without them, status/logs/env/down use what the last up started in ICP_STACK_DIR.`;

const log = (line: string) => console.log(`[stack] ${line}`);

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { lines: { type: "string", default: "30" }, topology: { type: "string" }, secure: { type: "boolean" } },
  });
  const command = positionals[0];
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (values.topology !== undefined) env.ICP_STACK_TOPOLOGY = values.topology;
  if (values.secure) env.ICP_STACK_SECURITY = "sasl-tls";
  // status, logs, env and down follow what `up` last started here unless told otherwise.
  if (command !== "up" && env.ICP_STACK_TOPOLOGY === undefined && env.ICP_STACK_SECURITY === undefined) {
    const recorded = recordedVariant(loadStackConfig(env).stateDir);
    if (recorded) Object.assign(env, { ICP_STACK_TOPOLOGY: recorded.topology, ICP_STACK_SECURITY: recorded.security });
  }
  const config = loadStackConfig(env);
  switch (command) {
    case "up": {
      const t0 = Date.now();
      log(`topology: ${config.topology}${config.security === "sasl-tls" ? ", secured (SASL_SSL + SCRAM-SHA-512, Redis ACL + TLS)" : ""}`);
      await stackUp(config, log, env);
      log(`up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return 0;
    }
    case "down":
      await stackDown(config, log, env);
      return 0;
    case "status": {
      const statuses = await stackStatus(config, log);
      for (const s of statuses) {
        const rss = s.rssBytes === undefined ? "-" : `${(s.rssBytes / 1024 / 1024).toFixed(0)} MiB`;
        console.log(`${s.name.padEnd(11)} ${s.ready ? "ready  " : s.pid ? "STARTING" : "stopped"} pid=${s.pid ?? "-"} port=${s.port} rss=${rss} log=${s.log}`);
      }
      return statuses.every((s) => s.ready) ? 0 : 1;
    }
    case "logs": {
      for (const logFile of stackLogs(config)) {
        console.log(`--- ${logFile}\n${tailOf(logFile, Number(values.lines))}`);
      }
      return 0;
    }
    case "env": {
      try {
        process.stdout.write(readFileSync(`${config.stateDir}/stack.env`, "utf8"));
        return 0;
      } catch {
        console.error("no stack.env yet: run npm run stack:up");
        return 1;
      }
    }
    default:
      console.error(USAGE);
      return command === undefined || command === "help" ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[stack] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
