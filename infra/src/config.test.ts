import { describe, expect, it } from "vitest";
import { connectionSettings, loadStackConfig } from "./config.js";
import { parseJavaVersion } from "./java.js";
import { serverProperties } from "./kafka.js";

describe("stack settings", () => {
  it("defaults keep clear of the standard Kafka, registry and Redis ports", () => {
    const settings = connectionSettings(loadStackConfig({ ICP_STACK_DIR: "/tmp/s", ICP_STACK_CACHE: "/tmp/c" }));
    expect(settings).toEqual({
      KAFKA_BROKERS: "127.0.0.1:19092",
      SCHEMA_REGISTRY_URL: "http://127.0.0.1:18081/apis/ccompat/v7",
      REDIS_URL: "redis://127.0.0.1:16379",
    });
  });

  it("an invalid variable is named with what was expected", () => {
    expect(() => loadStackConfig({ ICP_KAFKA_PORT: "ninety", ICP_KAFKA_HEAP: "lots" })).toThrow(/ICP_KAFKA_PORT: .*\n\s+ICP_KAFKA_HEAP: expected a JVM heap size/);
  });

  it("the broker config gives every internal topic one replica and listens only on loopback", () => {
    const props = serverProperties(loadStackConfig({ ICP_KAFKA_PORT: "29092", ICP_KAFKA_CONTROLLER_PORT: "29093" }), "/data");
    expect(props).toContain("listeners=PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093");
    expect(props).toContain("offsets.topic.replication.factor=1");
    expect(props).toContain("share.coordinator.state.topic.replication.factor=1");
    expect(props).not.toContain("controller.quorum.voters");
  });

  it("Java versions are read from both the modern and the 1.x format", () => {
    expect(parseJavaVersion('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaVersion('openjdk version "25.0.3" 2026-04-21 LTS')).toBe(25);
    expect(parseJavaVersion('java version "1.8.0_402"')).toBe(8);
    expect(parseJavaVersion("no java here")).toBeUndefined();
  });
});
