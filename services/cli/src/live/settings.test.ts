import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnvFile, resolveLiveSettings } from "./settings.js";

const STACK_ENV = "# Written by npm run stack:up\nKAFKA_BROKERS=127.0.0.1:19092\nSCHEMA_REGISTRY_URL=http://127.0.0.1:18081/apis/ccompat/v7\nREDIS_URL=redis://127.0.0.1:16379\n";

describe("live settings", () => {
  it("reads KEY=VALUE lines, skipping comments and blank lines and removing quotes", () => {
    expect(parseEnvFile('# c\n\nA=1\nexport B="two words"\nC=\'x=y\'\nnot a line\n')).toEqual({ A: "1", B: "two words", C: "x=y" });
  });

  it("takes the connection from .stack/stack.env when the environment has none, with the services' default namespace", () => {
    expect(resolveLiveSettings({}, {}, STACK_ENV)).toEqual({
      kafka: { brokers: ["127.0.0.1:19092"] },
      registryUrl: "http://127.0.0.1:18081/apis/ccompat/v7",
      redis: { url: "redis://127.0.0.1:16379" },
      topicPrefix: "",
      redisPrefix: "",
      groupPrefix: "icp.",
      rubric: "rubrics/enterprise.yaml",
    });
  });

  it("prefers options over the environment over the file", () => {
    const env = { KAFKA_BROKERS: "k1:1,k2:2", ICP_TOPIC_PREFIX: "demo.", ICP_REDIS_PREFIX: "demo.", ICP_GROUP_PREFIX: "demo.icp." };
    const settings = resolveLiveSettings({ topicPrefix: "other." }, env, STACK_ENV);
    expect(settings.kafka.brokers).toEqual(["k1:1", "k2:2"]);
    expect(settings.topicPrefix).toBe("other.");
    expect(settings.redisPrefix).toBe("demo.");
    expect(settings.groupPrefix).toBe("demo.icp.");
  });

  it("names what is missing when neither the environment nor the file has it", () => {
    expect(() => resolveLiveSettings({}, { KAFKA_BROKERS: "k:1" }, undefined)).toThrow(/SCHEMA_REGISTRY_URL, REDIS_URL not set/);
  });

  it("takes a secured stack's credentials and CA from the files stack.env names, and the environment's connection whole when it sets one", () => {
    const dir = mkdtempSync(join(tmpdir(), "live-settings-"));
    writeFileSync(join(dir, "kafka.password"), "k-secret\n");
    writeFileSync(join(dir, "redis.password"), "r-secret\n");
    writeFileSync(join(dir, "ca.pem"), "CA");
    const secured = `${STACK_ENV.replace("redis://", "rediss://icpstream@")}KAFKA_SASL_MECHANISM=scram-sha-512\nKAFKA_SASL_USERNAME=icpstream\nKAFKA_SASL_PASSWORD_FILE=${dir}/kafka.password\nKAFKA_SSL=true\nKAFKA_SSL_CA_FILE=${dir}/ca.pem\nREDIS_PASSWORD_FILE=${dir}/redis.password\nREDIS_TLS_CA_FILE=${dir}/ca.pem\n`;
    const settings = resolveLiveSettings({}, {}, secured);
    expect(settings.kafka).toEqual({ brokers: ["127.0.0.1:19092"], sasl: { mechanism: "scram-sha-512", username: "icpstream", password: "k-secret" }, ssl: { ca: "CA" } });
    expect(settings.redis).toEqual({ url: "rediss://icpstream@127.0.0.1:16379", password: "r-secret", tls: { ca: "CA" } });
    // KAFKA_BROKERS in the environment: none of the file's Kafka credentials is mixed in.
    expect(resolveLiveSettings({}, { KAFKA_BROKERS: "k:1" }, secured).kafka).toEqual({ brokers: ["k:1"] });
  });

  it("refuses a Redis prefix with a brace, which would become the cluster hash tag", () => {
    expect(() => resolveLiveSettings({ redisPrefix: "a{b" }, {}, STACK_ENV)).toThrow(/may not contain/);
  });
});
