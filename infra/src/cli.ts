import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadStackConfig } from "./config.js";
import { redisProcess } from "./redis.js";
import { kafkaProcess } from "./kafka.js";
import { registryProcess } from "./registry.js";
import { tailOf } from "./processes.js";
import { stackDown, stackStatus, stackUp } from "./stack.js";

const USAGE = `usage: npm run stack:<command>   (or: tsx infra/src/cli.ts <command>)
  up       fetch what is missing, start Kafka, the schema registry and Redis, wait until ready
  down     stop them (data is kept under ICP_STACK_DIR)
  status   pid, port, readiness and memory of each process; exit 1 if any is not ready
  logs     the last lines of each log (--lines N)
  env      print the connection settings (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, REDIS_URL)`;

const log = (line: string) => console.log(`[stack] ${line}`);

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { lines: { type: "string", default: "30" } } });
  const command = positionals[0];
  const config = loadStackConfig();
  switch (command) {
    case "up": {
      const t0 = Date.now();
      await stackUp(config, log);
      log(`up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return 0;
    }
    case "down":
      await stackDown(config, log);
      return 0;
    case "status": {
      const statuses = await stackStatus(config, log);
      for (const s of statuses) {
        const rss = s.rssBytes === undefined ? "-" : `${(s.rssBytes / 1024 / 1024).toFixed(0)} MiB`;
        console.log(`${s.name.padEnd(9)} ${s.ready ? "ready  " : s.pid ? "STARTING" : "stopped"} pid=${s.pid ?? "-"} port=${s.port} rss=${rss} log=${s.log}`);
      }
      return statuses.every((s) => s.ready) ? 0 : 1;
    }
    case "logs": {
      for (const proc of [kafkaProcess(config), registryProcess(config), redisProcess(config)]) {
        console.log(`--- ${proc.logFile}\n${tailOf(proc.logFile, Number(values.lines))}`);
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
