import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkCompose } from "./compose-check.js";
import { loadStackConfig, REPO_ROOT } from "./config.js";

const defaults = loadStackConfig({});
const ports = { kafka: defaults.kafka.port, registry: defaults.registry.port, redis: defaults.redis.port };
const shipped = readFileSync(join(REPO_ROOT, "docker-compose.yml"), "utf8");

describe("docker-compose.yml", () => {
  it("the shipped file declares Kafka, the registry and Redis with healthchecks on the local stack's ports", () => {
    expect(checkCompose(shipped, ports)).toEqual([]);
  });

  it("a service without a healthcheck is reported by its path", () => {
    const broken = shipped.replace(/\n {2}redis:[\s\S]*?\n {4}healthcheck:[\s\S]*?retries: 10\n/, "\n  redis:\n    image: redis:7.4-alpine\n    ports:\n      - \"16379:6379\"\n");
    expect(checkCompose(broken, ports)).toContain("services.redis.healthcheck: Invalid input: expected object, received undefined");
  });

  it("a registry without the BACKWARD rule is reported", () => {
    expect(checkCompose(shipped.replace("APICURIO_RULES_GLOBAL_COMPATIBILITY: BACKWARD", "APICURIO_RULES_GLOBAL_COMPATIBILITY: NONE"), ports)).toEqual([
      "services.registry.environment.APICURIO_RULES_GLOBAL_COMPATIBILITY: expected BACKWARD",
    ]);
  });

  it("YAML that does not parse is reported as such", () => {
    expect(checkCompose("services: [kafka", ports)[0]).toMatch(/^not valid YAML/);
  });
});
