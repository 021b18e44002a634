import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkCompose } from "./compose-check.js";
import { loadStackConfig, REPO_ROOT } from "./config.js";

const file = join(REPO_ROOT, "docker-compose.yml");
const config = loadStackConfig({});
const problems = checkCompose(readFileSync(file, "utf8"), { kafka: config.kafka.port, registry: config.registry.port, redis: config.redis.port });
if (problems.length > 0) {
  console.error(`${file}:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`${file}: ok`);
