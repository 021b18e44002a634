import { freePort } from "@icpstream/infra";
import { GenericContainer, getContainerRuntimeClient, type StartedTestContainer, Wait } from "testcontainers";
import type { StackSettings } from "./settings.js";

/** Images matching docker-compose.yml, so Docker users test against what they run. */
export const IMAGES = {
  kafka: "apache/kafka:4.1.1",
  registry: "apicurio/apicurio-registry:3.1.2",
  redis: "redis:7.4-alpine",
} as const;

/** True when a container engine answers (testcontainers' own discovery: DOCKER_HOST, socket, …). */
export async function containerRuntimeAvailable(): Promise<boolean> {
  try {
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}


/**
 * Starts Kafka (KRaft), Apicurio Registry and Redis in containers. Kafka advertises the host
 * port it is published on, so the broker port is chosen first and mapped one-to-one.
 */
export async function startContainers(): Promise<{ settings: StackSettings; stop: () => Promise<void> }> {
  const kafkaPort = await freePort();
  const started: StartedTestContainer[] = [];
  try {
    const [kafka, registry, redis] = await Promise.all([
      new GenericContainer(IMAGES.kafka)
        .withExposedPorts({ container: kafkaPort, host: kafkaPort })
        .withEnvironment({
          KAFKA_NODE_ID: "1",
          KAFKA_PROCESS_ROLES: "broker,controller",
          KAFKA_LISTENERS: `PLAINTEXT://:${kafkaPort},CONTROLLER://:9093`,
          KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${kafkaPort}`,
          KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
          KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
          KAFKA_CONTROLLER_QUORUM_VOTERS: "1@localhost:9093",
          KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
          KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
          KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
          KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: "1",
          KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: "1",
          KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0",
          KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false",
        })
        .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
        .start(),
      new GenericContainer(IMAGES.registry)
        .withExposedPorts(8080)
        .withEnvironment({ APICURIO_RULES_GLOBAL_COMPATIBILITY: "BACKWARD" })
        .withWaitStrategy(Wait.forHttp("/apis/ccompat/v7/subjects", 8080))
        .start(),
      new GenericContainer(IMAGES.redis)
        .withExposedPorts(6379)
        .withCommand(["redis-server", "--appendonly", "yes"])
        .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
        .start(),
    ]);
    started.push(kafka, registry, redis);
    return {
      settings: {
        KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`,
        SCHEMA_REGISTRY_URL: `http://${registry.getHost()}:${registry.getMappedPort(8080)}/apis/ccompat/v7`,
        REDIS_URL: `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`,
        origin: "containers",
      },
      stop: async () => {
        await Promise.all(started.map((c) => c.stop()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((c) => c.stop().catch(() => undefined)));
    throw error;
  }
}
