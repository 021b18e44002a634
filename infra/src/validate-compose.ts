import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { COMMANDS } from "../../deploy/image/commands.mjs";
import { checkCompose, checkComposePipeline } from "./compose-check.js";
import { loadStackConfig, REPO_ROOT } from "./config.js";
import { checkDockerfile, checkManifests } from "./deploy-check.js";

// `npm run compose:validate`: docker-compose.yml, the Dockerfile and the Kubernetes manifests in
// deploy/k8s, checked without a container engine or a cluster (CI runs it).
const config = loadStackConfig({});
const compose = readFileSync(join(REPO_ROOT, "docker-compose.yml"), "utf8");
const k8sDir = join(REPO_ROOT, "deploy", "k8s");
const manifests = Object.fromEntries(readdirSync(k8sDir).filter((f) => f.endsWith(".yaml")).map((f) => [f, readFileSync(join(k8sDir, f), "utf8")]));
const checks: [string, string[]][] = [
  ["docker-compose.yml", [...checkCompose(compose, { kafka: config.kafka.port, registry: config.registry.port, redis: config.redis.port }), ...checkComposePipeline(compose, COMMANDS)]],
  ["Dockerfile", checkDockerfile(readFileSync(join(REPO_ROOT, "Dockerfile"), "utf8"), (path) => existsSync(join(REPO_ROOT, path)))],
  [`deploy/k8s (${Object.keys(manifests).length} files)`, checkManifests(manifests, COMMANDS)],
];
let failed = false;
for (const [what, problems] of checks) {
  if (problems.length === 0) console.log(`${what}: ok`);
  else {
    failed = true;
    console.error(`${what}:\n  ${problems.join("\n  ")}`);
  }
}
if (failed) process.exit(1);
