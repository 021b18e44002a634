import { execFile } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Kafka, logLevel } from "kafkajs";
import { TOPICS } from "@icpstream/contracts";
import { ensureTopics } from "@icpstream/kafka-kit";
import type { StackConfig } from "./config.js";
import { fetchKafka } from "./fetch.js";
import { pickJdk } from "./java.js";
import { type ManagedProcess, startDetached } from "./processes.js";

const run = promisify(execFile);

export function kafkaProcess(config: StackConfig): ManagedProcess {
  return {
    name: "kafka",
    pidFile: join(config.stateDir, "run", "kafka.pid"),
    logFile: join(config.stateDir, "logs", "kafka.log"),
    marker: join(config.stateDir, "kafka", "server.properties"),
  };
}

/** Single-node KRaft: one process is broker and controller; every internal topic has one replica. */
export function serverProperties(config: StackConfig, dataDir: string): string {
  const { port, controllerPort, partitions } = config.kafka;
  return [
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    "controller.listener.names=CONTROLLER",
    "inter.broker.listener.name=PLAINTEXT",
    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    `log.dirs=${dataDir}`,
    `num.partitions=${partitions}`,
    // One broker: internal topics must not ask for more replicas than exist, or the group
    // coordinator never becomes available.
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=6",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "share.coordinator.state.topic.replication.factor=1",
    "share.coordinator.state.topic.min.isr=1",
    // Tests join many short-lived groups; the default 3 s delay would add up.
    "group.initial.rebalance.delay.ms=0",
    "auto.create.topics.enable=false",
    "",
  ].join("\n");
}

const LOG4J2 = `status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.stdout.ref = STDOUT
logger.statechange.name = state.change.logger
logger.statechange.level = warn
logger.request.name = kafka.request.logger
logger.request.level = warn
`;

/** Fetches the jars, writes the config, formats storage once (`-g` ignores a formatted dir) and starts the broker. */
export async function startKafka(config: StackConfig): Promise<number> {
  const jdk = pickJdk(17);
  if (!jdk) throw new Error("Kafka needs Java 17 or newer and none was found (JAVA_HOME, PATH, /usr/lib/jvm).");
  const libs = await fetchKafka(config);
  const classpath = `${libs}/*`;
  const home = join(config.stateDir, "kafka");
  const dataDir = join(home, "data");
  mkdirSync(dataDir, { recursive: true });
  const propsFile = join(home, "server.properties");
  writeFileSync(propsFile, serverProperties(config, dataDir));
  const log4jFile = join(home, "log4j2.properties");
  writeFileSync(log4jFile, LOG4J2);

  if (!existsSync(join(dataDir, "meta.properties"))) {
    const { stdout } = await run(jdk.java, ["-cp", classpath, "kafka.tools.StorageTool", "random-uuid"]);
    const clusterId = stdout.trim().split("\n").pop()?.trim();
    if (!clusterId) throw new Error("kafka-storage random-uuid printed no cluster id");
    await run(jdk.java, ["-cp", classpath, "kafka.tools.StorageTool", "format", "--standalone", "-g", "-t", clusterId, "-c", propsFile]);
  }

  return startDetached(kafkaProcess(config), jdk.java, [
    `-Xms${config.kafka.heap}`,
    `-Xmx${config.kafka.heap}`,
    // The upstream start scripts' GC settings: short pauses matter more than throughput here.
    "-XX:+UseG1GC",
    "-XX:MaxGCPauseMillis=20",
    "-XX:InitiatingHeapOccupancyPercent=35",
    "-Djava.awt.headless=true",
    `-Dlog4j2.configurationFile=${log4jFile}`,
    "-cp",
    classpath,
    "kafka.Kafka",
    propsFile,
  ]);
}

/**
 * Ready means a client can do real work: cluster metadata answers with our broker as
 * controller, and the group coordinator exists (an offsets fetch for a throwaway group).
 */
export async function kafkaReady(config: StackConfig): Promise<boolean> {
  const kafka = new Kafka({
    clientId: "icpstream-stack-probe",
    brokers: [`127.0.0.1:${config.kafka.port}`],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length === 0 || cluster.controller === null) return false;
    await admin.fetchOffsets({ groupId: "icpstream-stack-probe", topics: [] });
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Creates the catalog's topics and dead-letter topics (idempotent); returns what it created. */
export async function createCatalogTopics(config: StackConfig): Promise<{ created: string[]; mismatched: string[] }> {
  const kafka = new Kafka({ clientId: "icpstream-stack-topics", brokers: [`127.0.0.1:${config.kafka.port}`], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { created, mismatched } = await ensureTopics(admin, TOPICS);
    return { created, mismatched };
  } finally {
    await admin.disconnect();
  }
}
