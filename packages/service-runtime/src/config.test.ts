import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseServiceEnv } from "./config.js";

const base = { KAFKA_BROKERS: "127.0.0.1:19092", SCHEMA_REGISTRY_URL: "http://127.0.0.1:18081/apis/ccompat/v7", REDIS_URL: "redis://127.0.0.1:16379" };

describe("service settings", () => {
  it("fills defaults and splits the broker list", () => {
    const env = parseServiceEnv({ ...base, KAFKA_BROKERS: "a:1, b:2" });
    expect(env.KAFKA_BROKERS).toEqual(["a:1", "b:2"]);
    expect(env.ICP_CLOCK).toBe("system");
    expect(env.ICP_RUBRIC).toMatch(/\/rubrics\/enterprise\.yaml$/);
    expect(existsSync(env.ICP_RUBRIC)).toBe(true);
  });

  it("names every variable that is missing or wrong", () => {
    expect(() => parseServiceEnv({ REDIS_URL: "http://x", ICP_CLOCK: "later" })).toThrow(
      /KAFKA_BROKERS: is required[\s\S]*SCHEMA_REGISTRY_URL: [\s\S]*REDIS_URL: expected redis:\/\/host:port[\s\S]*ICP_CLOCK: ICP_CLOCK=later/,
    );
  });
});
