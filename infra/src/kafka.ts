import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { TOPICS } from "@icpstream/contracts";
import { createKafka, ensureTopics, type KafkaConnection } from "@icpstream/kafka-kit";
import { KAFKA_ADMIN_USER, KAFKA_CLIENT_USER, securityFiles, variantDir, type KafkaNode, type StackConfig } from "./config.js";
import { fetchKafka } from "./fetch.js";
import { pickJdk } from "./java.js";
import { type ManagedProcess, startDetached } from "./processes.js";
import { readSecret } from "./tls.js";

const run = promisify(execFile);

/** Where one Kafka node keeps its config and data. The single plaintext stack keeps today's paths (`<stack>/kafka`). */
export function kafkaHome(config: StackConfig, node: KafkaNode): string {
  const legacy = config.topology === "single" && config.security === "none";
  return legacy ? join(config.stateDir, "kafka") : join(variantDir(config), `kafka-${node.id}`);
}

/** The process of one Kafka node: `kafka` on the single-node stack, `kafka-<id>` on the cluster. */
export function kafkaNodeProcess(config: StackConfig, node: KafkaNode): ManagedProcess {
  const dir = variantDir(config);
  const name = config.topology === "single" ? "kafka" : `kafka-${node.id}`;
  return {
    name,
    pidFile: join(dir, "run", `${name}.pid`),
    logFile: join(dir, "logs", `${name}.log`),
    marker: join(kafkaHome(config, node), "server.properties"),
  };
}

/** The first (on the single-node stack: the only) Kafka node's process. */
export function kafkaProcess(config: StackConfig): ManagedProcess {
  return kafkaNodeProcess(config, config.kafka.nodes[0] as KafkaNode);
}

/**
 * A KRaft node's server.properties: every node is broker and controller. One node: the
 * internal topics have one replica (more than the brokers there are and the group
 * coordinator never becomes available). Three nodes: a static controller quorum of all
 * three, replication factor 3 for every topic created without one (the catalog's included)
 * and min.insync.replicas 2, so an acknowledged write (acks=all) is on two nodes and the
 * cluster keeps taking writes with one node down. Secured (`sasl-tls`): the broker listener
 * is SASL_SSL with SCRAM-SHA-512, brokers among themselves too (as the admin user), and the
 * controller listener is TLS with client certificates required.
 */
export function serverProperties(config: StackConfig, node: KafkaNode, dataDir: string): string {
  const { partitions, nodes } = config.kafka;
  const replicas = Math.min(3, nodes.length);
  const minIsr = replicas >= 3 ? 2 : 1;
  const secure = config.security === "sasl-tls";
  const listener = secure ? "SASL_SSL" : "PLAINTEXT";
  const quorum =
    nodes.length === 1
      ? `controller.quorum.bootstrap.servers=127.0.0.1:${node.controllerPort}`
      : `controller.quorum.voters=${nodes.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(",")}`;
  const lines = [
    "process.roles=broker,controller",
    `node.id=${node.id}`,
    quorum,
    `listeners=${listener}://127.0.0.1:${node.port},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    `advertised.listeners=${listener}://127.0.0.1:${node.port}`,
    "controller.listener.names=CONTROLLER",
    `inter.broker.listener.name=${listener}`,
    `listener.security.protocol.map=${listener}:${listener},CONTROLLER:${secure ? "SSL" : "PLAINTEXT"}`,
    `log.dirs=${dataDir}`,
    `num.partitions=${partitions}`,
    `default.replication.factor=${replicas}`,
    `min.insync.replicas=${minIsr}`,
    // Internal topics must not ask for more replicas than there are brokers, or the group
    // coordinator never becomes available.
    `offsets.topic.replication.factor=${replicas}`,
    "offsets.topic.num.partitions=6",
    `transaction.state.log.replication.factor=${replicas}`,
    `transaction.state.log.min.isr=${minIsr}`,
    `share.coordinator.state.topic.replication.factor=${replicas}`,
    `share.coordinator.state.topic.min.isr=${minIsr}`,
    // Tests join many short-lived groups; the default 3 s delay would add up.
    "group.initial.rebalance.delay.ms=0",
    "auto.create.topics.enable=false",
  ];
  if (secure) {
    const files = securityFiles(config);
    const keystorePassword = readSecret(files.keystorePassword);
    lines.push(
      "sasl.enabled.mechanisms=SCRAM-SHA-512",
      "sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512",
      `listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${KAFKA_ADMIN_USER}" password="${readSecret(files.kafkaAdminPassword)}";`,
      "ssl.keystore.type=PKCS12",
      `ssl.keystore.location=${files.nodeKeystore}`,
      `ssl.keystore.password=${keystorePassword}`,
      `ssl.key.password=${keystorePassword}`,
      "ssl.truststore.type=PEM",
      `ssl.truststore.location=${files.caCert}`,
      // Nodes reach each other's controller listener with the node certificate (mutual TLS).
      "listener.name.controller.ssl.client.auth=required",
      "ssl.endpoint.identification.algorithm=https",
    );
  }
  return `${lines.join("\n")}\n`;
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

/**
 * The cluster id every node of this topology is formatted with, made once and kept in the
 * topology's folder: what `kafka-storage random-uuid` prints (16 random bytes, base64url),
 * made here synchronously so that nodes started together cannot each make their own.
 */
function clusterId(config: StackConfig): string {
  const file = join(variantDir(config), "kafka-cluster-id");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const id = randomBytes(16).toString("base64url");
  mkdirSync(variantDir(config), { recursive: true });
  writeFileSync(file, `${id}\n`);
  return id;
}

/**
 * Fetches the jars, writes the node's config, formats its storage once (`-g` ignores a
 * formatted dir, so restarts are safe) and starts it. Secured: the SCRAM users (admin for
 * the brokers, the client user) are created at format time (`--add-scram`), as KRaft asks.
 */
export async function startKafkaNode(config: StackConfig, node: KafkaNode): Promise<number> {
  const jdk = pickJdk(17);
  if (!jdk) throw new Error("Kafka needs Java 17 or newer and none was found (JAVA_HOME, PATH, /usr/lib/jvm).");
  const libs = await fetchKafka(config);
  const classpath = `${libs}/*`;
  const home = kafkaHome(config, node);
  const dataDir = join(home, "data");
  mkdirSync(dataDir, { recursive: true });
  const propsFile = join(home, "server.properties");
  // Secured, it holds the keystore and admin passwords: readable by the owner only.
  writeFileSync(propsFile, serverProperties(config, node, dataDir), { mode: 0o600 });
  chmodSync(propsFile, 0o600);
  const log4jFile = join(home, "log4j2.properties");
  writeFileSync(log4jFile, LOG4J2);

  if (!existsSync(join(dataDir, "meta.properties"))) {
    const id = clusterId(config);
    const quorum = config.kafka.nodes.length === 1 ? ["--standalone"] : [];
    const scram: string[] = [];
    if (config.security === "sasl-tls") {
      const files = securityFiles(config);
      for (const [user, file] of [[KAFKA_ADMIN_USER, files.kafkaAdminPassword], [KAFKA_CLIENT_USER, files.kafkaClientPassword]] as const) {
        scram.push("--add-scram", `SCRAM-SHA-512=[name=${user},password=${readSecret(file)}]`);
      }
    }
    try {
      await run(jdk.java, ["-cp", classpath, "kafka.tools.StorageTool", "format", ...quorum, "-g", "-t", id, "-c", propsFile, ...scram]);
    } catch (error) {
      // The command line holds the SCRAM passwords: report the tool's output only.
      const e = error as { stdout?: string; stderr?: string };
      throw new Error(`kafka-storage format of node ${node.id} failed: ${`${e.stderr ?? ""}${e.stdout ?? ""}`.trim().split("\n").slice(-5).join("\n")}`);
    }
  }

  return startDetached(kafkaNodeProcess(config, node), jdk.java, [
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

/** Starts the first (on the single-node stack: the only) node. */
export function startKafka(config: StackConfig): Promise<number> {
  return startKafkaNode(config, config.kafka.nodes[0] as KafkaNode);
}

/**
 * How the stack's own tools reach the brokers: the client user's SCRAM credentials over TLS
 * with the stack's CA on the secured stack, plaintext otherwise.
 */
export function stackKafkaConnection(config: StackConfig, nodes: readonly KafkaNode[] = config.kafka.nodes): KafkaConnection {
  const brokers = nodes.map((n) => `127.0.0.1:${n.port}`);
  if (config.security !== "sasl-tls") return { brokers };
  const files = securityFiles(config);
  return {
    brokers,
    sasl: { mechanism: "scram-sha-512", username: KAFKA_CLIENT_USER, password: readSecret(files.kafkaClientPassword) },
    ssl: { ca: readFileSync(files.caCert, "utf8") },
  };
}

/**
 * Ready means a client can do real work through this node: cluster metadata answers with
 * every node of the topology as a broker and a controller elected, and the group
 * coordinator exists (an offsets fetch for a throwaway group).
 */
export async function kafkaNodeReady(config: StackConfig, node: KafkaNode): Promise<boolean> {
  const kafka = createKafka({ ...stackKafkaConnection(config, [node]), clientId: "icpstream-stack-probe", connectionTimeoutMs: 1000, retries: 0 });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length < config.kafka.nodes.length || cluster.controller === null) return false;
    await admin.fetchOffsets({ groupId: "icpstream-stack-probe", topics: [] });
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** The first (single-node stack: the only) node's readiness. */
export function kafkaReady(config: StackConfig): Promise<boolean> {
  return kafkaNodeReady(config, config.kafka.nodes[0] as KafkaNode);
}

/**
 * Creates the catalog's topics and dead-letter topics (idempotent) with as many replicas as
 * the topology has nodes, up to 3; returns what it created.
 */
export async function createCatalogTopics(config: StackConfig): Promise<{ created: string[]; mismatched: string[] }> {
  const kafka = createKafka({ ...stackKafkaConnection(config), clientId: "icpstream-stack-topics" });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { created, mismatched } = await ensureTopics(admin, TOPICS, { replicationFactor: Math.min(3, config.kafka.nodes.length) });
    return { created, mismatched };
  } finally {
    await admin.disconnect();
  }
}
