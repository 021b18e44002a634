import { describe, expect, it } from "vitest";
import { connectionSettings, loadStackConfig, variantDir } from "./config.js";
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
    const config = loadStackConfig({ ICP_KAFKA_PORT: "29092", ICP_KAFKA_CONTROLLER_PORT: "29093" });
    const props = serverProperties(config, config.kafka.nodes[0]!, "/data");
    expect(props).toContain("listeners=PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29093");
    expect(props).toContain("offsets.topic.replication.factor=1");
    expect(props).toContain("share.coordinator.state.topic.replication.factor=1");
    expect(props).not.toContain("controller.quorum.voters");
  });

  it("the cluster topology has three Kafka nodes 100 ports apart and six Redis Cluster nodes, and names them all in the connection settings", () => {
    const config = loadStackConfig({ ICP_STACK_DIR: "/tmp/s", ICP_STACK_TOPOLOGY: "cluster", ICP_KAFKA_PORT: "35092", ICP_KAFKA_CONTROLLER_PORT: "35093", ICP_REDIS_CLUSTER_PORT: "35700", ICP_REDIS_CLUSTER_BUS_PORT: "35800" });
    expect(config.kafka.nodes).toEqual([
      { id: 1, port: 35092, controllerPort: 35093 },
      { id: 2, port: 35192, controllerPort: 35193 },
      { id: 3, port: 35292, controllerPort: 35293 },
    ]);
    expect(config.redis.clusterBusPorts).toEqual([35800, 35801, 35802, 35803, 35804, 35805]);
    const settings = connectionSettings(config);
    expect(settings.KAFKA_BROKERS).toBe("127.0.0.1:35092,127.0.0.1:35192,127.0.0.1:35292");
    expect(settings.REDIS_URL.split(",")).toEqual([35700, 35701, 35702, 35703, 35704, 35705].map((p) => `redis://127.0.0.1:${p}`));
    expect(variantDir(config)).toBe("/tmp/s/cluster");
  });

  it("a cluster node's config: a static quorum of the three, replication factor 3 and min.insync.replicas 2 for every topic", () => {
    const config = loadStackConfig({ ICP_STACK_TOPOLOGY: "cluster", ICP_KAFKA_PORT: "35092", ICP_KAFKA_CONTROLLER_PORT: "35093" });
    const props = serverProperties(config, config.kafka.nodes[1]!, "/data");
    expect(props).toContain("node.id=2");
    expect(props).toContain("controller.quorum.voters=1@127.0.0.1:35093,2@127.0.0.1:35193,3@127.0.0.1:35293");
    expect(props).toContain("listeners=PLAINTEXT://127.0.0.1:35192,CONTROLLER://127.0.0.1:35193");
    for (const line of ["default.replication.factor=3", "min.insync.replicas=2", "offsets.topic.replication.factor=3", "transaction.state.log.min.isr=2"]) expect(props).toContain(line);
    expect(props).not.toContain("controller.quorum.bootstrap.servers");
  });

  it("the secured stack's settings name the CA and password files, never a password", () => {
    const config = loadStackConfig({ ICP_STACK_DIR: "/tmp/s", ICP_STACK_TOPOLOGY: "cluster", ICP_STACK_SECURITY: "sasl-tls" });
    expect(connectionSettings(config)).toMatchObject({
      KAFKA_SASL_MECHANISM: "scram-sha-512",
      KAFKA_SASL_USERNAME: "icpstream",
      KAFKA_SASL_PASSWORD_FILE: "/tmp/s/cluster-secure/secrets/kafka-client.password",
      KAFKA_SSL: "true",
      KAFKA_SSL_CA_FILE: "/tmp/s/cluster-secure/tls/ca.pem",
      REDIS_PASSWORD_FILE: "/tmp/s/cluster-secure/secrets/redis.password",
      REDIS_TLS_CA_FILE: "/tmp/s/cluster-secure/tls/ca.pem",
    });
    expect(connectionSettings(config).REDIS_URL.split(",")[0]).toBe("rediss://icpstream@127.0.0.1:17000");
  });

  it("an unknown topology or security is refused by name", () => {
    expect(() => loadStackConfig({ ICP_STACK_TOPOLOGY: "mesh", ICP_STACK_SECURITY: "tls" })).toThrow(/ICP_STACK_TOPOLOGY: expected single or cluster\n\s+ICP_STACK_SECURITY: expected none or sasl-tls/);
  });

  it("Java versions are read from both the modern and the 1.x format", () => {
    expect(parseJavaVersion('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaVersion('openjdk version "25.0.3" 2026-04-21 LTS')).toBe(25);
    expect(parseJavaVersion('java version "1.8.0_402"')).toBe(8);
    expect(parseJavaVersion("no java here")).toBeUndefined();
  });
});
