import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** The repository root: infra/src/config.ts → ../.. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

const port = z.coerce.number().int().min(1024).max(65535);
const heap = z.string().regex(/^\d+[mMgG]$/, "expected a JVM heap size such as 512m or 1g");

/**
 * Everything the local stack can be told, from the environment. Defaults keep clear of the
 * standard ports (9092, 8081, 6379, …) so the stack runs beside whatever else the machine has.
 */
const StackEnv = z.object({
  ICP_STACK_DIR: z.string().default(join(REPO_ROOT, ".stack")),
  ICP_STACK_CACHE: z.string().optional(),
  XDG_CACHE_HOME: z.string().optional(),
  ICP_KAFKA_PORT: port.default(19092),
  ICP_KAFKA_CONTROLLER_PORT: port.default(19093),
  /** Per Kafka node; default 512m on the single-node stack, 384m per node on the cluster (three JVMs on one machine). */
  ICP_KAFKA_HEAP: heap.optional(),
  ICP_KAFKA_VERSION: z.string().regex(/^\d+\.\d+\.\d+$/).default("4.3.1"),
  ICP_KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(64).default(3),
  ICP_REGISTRY_PORT: port.default(18081),
  ICP_REGISTRY_MANAGEMENT_PORT: port.default(19001),
  ICP_REGISTRY_HEAP: heap.default("384m"),
  ICP_REGISTRY_VERSION: z.string().regex(/^\d+\.\d+\.\d+$/).default("3.3.3"),
  /** A JDK for the registry: Apicurio 3.1+ is built for Java 21. Found automatically when unset. */
  ICP_REGISTRY_JAVA_HOME: z.string().optional(),
  ICP_REDIS_PORT: port.default(16379),
  ICP_REDIS_SERVER: z.string().default("redis-server"),
  /** Maven Central, for the one registry release whose parent POM Maven cannot resolve. */
  ICP_MAVEN_REPO_URL: z.string().url().default("https://repo.maven.apache.org/maven2"),
  ICP_STACK_READY_TIMEOUT_S: z.coerce.number().int().min(5).max(900).default(180),
  /** `single` (one broker, one Redis: the default) or `cluster` (three Kafka nodes, a Redis Cluster of 3 primaries + 3 replicas). */
  ICP_STACK_TOPOLOGY: z.enum(["single", "cluster"], { error: "expected single or cluster" }).default("single"),
  /** `none` (plaintext, no credentials: the default) or `sasl-tls` (Kafka SASL_SSL with SCRAM-SHA-512, Redis ACL user over TLS). */
  ICP_STACK_SECURITY: z.enum(["none", "sasl-tls"], { error: "expected none or sasl-tls" }).default("none"),
  /** Cluster topology: the first of six consecutive Redis Cluster node ports. */
  ICP_REDIS_CLUSTER_PORT: port.default(17000),
  /** Cluster topology: the first of six consecutive cluster-bus ports (Redis' default would be node port + 10000). */
  ICP_REDIS_CLUSTER_BUS_PORT: port.default(17100),
});

export type Topology = "single" | "cluster";
export type Security = "none" | "sasl-tls";

/** One Kafka KRaft node: broker and controller in one process. */
export interface KafkaNode {
  id: number;
  port: number;
  controllerPort: number;
}

/** Kafka nodes of a cluster topology: node i (1–3) on ICP_KAFKA_PORT + 100·(i−1), its controller on ICP_KAFKA_CONTROLLER_PORT + 100·(i−1). */
export const CLUSTER_KAFKA_NODES = 3;
/** Redis Cluster of the cluster topology: 3 primaries with one replica each. */
export const CLUSTER_REDIS_NODES = 6;

export interface StackConfig {
  stateDir: string;
  cacheDir: string;
  topology: Topology;
  security: Security;
  kafka: { port: number; controllerPort: number; heap: string; version: string; partitions: number; nodes: KafkaNode[] };
  registry: { port: number; managementPort: number; heap: string; version: string; javaHome?: string };
  /** `clusterPorts`/`clusterBusPorts`: the Redis Cluster nodes of the cluster topology (empty for single). */
  redis: { port: number; server: string; clusterPorts: number[]; clusterBusPorts: number[] };
  mavenRepoUrl: string;
  readyTimeoutMs: number;
}

/** Parses the stack's settings; an invalid variable fails with its name and what was expected. */
export function loadStackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const parsed = StackEnv.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid stack settings in the environment:\n  ${lines.join("\n  ")}`);
  }
  const e = parsed.data;
  const cluster = e.ICP_STACK_TOPOLOGY === "cluster";
  const nodes: KafkaNode[] = cluster
    ? Array.from({ length: CLUSTER_KAFKA_NODES }, (_, i) => ({ id: i + 1, port: e.ICP_KAFKA_PORT + 100 * i, controllerPort: e.ICP_KAFKA_CONTROLLER_PORT + 100 * i }))
    : [{ id: 1, port: e.ICP_KAFKA_PORT, controllerPort: e.ICP_KAFKA_CONTROLLER_PORT }];
  for (const node of nodes) {
    if (node.port > 65535 || node.controllerPort > 65535) throw new Error(`Invalid stack settings in the environment:\n  ICP_KAFKA_PORT/ICP_KAFKA_CONTROLLER_PORT: node ${node.id} of the cluster would listen on ${node.port}/${node.controllerPort}, past 65535`);
  }
  const range = (first: number, n: number) => Array.from({ length: n }, (_, i) => first + i);
  const cacheDir = e.ICP_STACK_CACHE ?? join(e.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "icpstream");
  return {
    stateDir: resolve(e.ICP_STACK_DIR),
    cacheDir: resolve(cacheDir),
    topology: e.ICP_STACK_TOPOLOGY,
    security: e.ICP_STACK_SECURITY,
    kafka: {
      port: e.ICP_KAFKA_PORT,
      controllerPort: e.ICP_KAFKA_CONTROLLER_PORT,
      heap: e.ICP_KAFKA_HEAP ?? (cluster ? "384m" : "512m"),
      version: e.ICP_KAFKA_VERSION,
      partitions: e.ICP_KAFKA_PARTITIONS,
      nodes,
    },
    registry: {
      port: e.ICP_REGISTRY_PORT,
      managementPort: e.ICP_REGISTRY_MANAGEMENT_PORT,
      heap: e.ICP_REGISTRY_HEAP,
      version: e.ICP_REGISTRY_VERSION,
      ...(e.ICP_REGISTRY_JAVA_HOME ? { javaHome: e.ICP_REGISTRY_JAVA_HOME } : {}),
    },
    redis: {
      port: e.ICP_REDIS_PORT,
      server: e.ICP_REDIS_SERVER,
      clusterPorts: cluster ? range(e.ICP_REDIS_CLUSTER_PORT, CLUSTER_REDIS_NODES) : [],
      clusterBusPorts: cluster ? range(e.ICP_REDIS_CLUSTER_BUS_PORT, CLUSTER_REDIS_NODES) : [],
    },
    mavenRepoUrl: e.ICP_MAVEN_REPO_URL.replace(/\/+$/, ""),
    readyTimeoutMs: e.ICP_STACK_READY_TIMEOUT_S * 1000,
  };
}


/**
 * Where a topology keeps its data, logs and pid files: the single plaintext stack directly in
 * the stack dir (as it always has), the others in a folder of their own (`cluster`,
 * `single-secure`, `cluster-secure`), so switching topology never reuses another's data.
 */
export function variantDir(config: StackConfig): string {
  if (config.topology === "single" && config.security === "none") return config.stateDir;
  return join(config.stateDir, `${config.topology}${config.security === "sasl-tls" ? "-secure" : ""}`);
}

/** The user names of the secured stack (their passwords are generated at first start, see `securityFiles`). */
export const KAFKA_CLIENT_USER = "icpstream";
export const KAFKA_ADMIN_USER = "admin";
export const REDIS_USER = "icpstream";

/**
 * The files of the secured stack, all under `<variant>/tls` and `<variant>/secrets` (mode 0600,
 * generated at the first secure start, never committed: `.stack*` is ignored by git): the
 * private CA, one certificate for 127.0.0.1/localhost that every node presents, and the passwords.
 */
export function securityFiles(config: StackConfig) {
  const tls = join(variantDir(config), "tls");
  const secrets = join(variantDir(config), "secrets");
  return {
    tlsDir: tls,
    secretsDir: secrets,
    caCert: join(tls, "ca.pem"),
    caKey: join(tls, "ca.key"),
    nodeCert: join(tls, "node.pem"),
    nodeKey: join(tls, "node.key"),
    nodeKeystore: join(tls, "node.p12"),
    keystorePassword: join(secrets, "keystore.password"),
    kafkaAdminPassword: join(secrets, "kafka-admin.password"),
    kafkaClientPassword: join(secrets, "kafka-client.password"),
    redisPassword: join(secrets, "redis.password"),
  };
}

/**
 * The connection settings services and tests read (also written to `<stateDir>/stack.env`).
 * A secured stack names its password files, never the passwords.
 */
export interface ConnectionSettings {
  KAFKA_BROKERS: string;
  SCHEMA_REGISTRY_URL: string;
  REDIS_URL: string;
  KAFKA_SASL_MECHANISM?: string;
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD_FILE?: string;
  KAFKA_SSL?: string;
  KAFKA_SSL_CA_FILE?: string;
  REDIS_PASSWORD_FILE?: string;
  REDIS_TLS_CA_FILE?: string;
}

export function connectionSettings(config: StackConfig): ConnectionSettings {
  const secure = config.security === "sasl-tls";
  const redisPorts = config.topology === "cluster" ? config.redis.clusterPorts : [config.redis.port];
  const redisScheme = secure ? `rediss://${REDIS_USER}@` : "redis://";
  const base: ConnectionSettings = {
    KAFKA_BROKERS: config.kafka.nodes.map((n) => `127.0.0.1:${n.port}`).join(","),
    SCHEMA_REGISTRY_URL: `http://127.0.0.1:${config.registry.port}/apis/ccompat/v7`,
    REDIS_URL: redisPorts.map((p) => `${redisScheme}127.0.0.1:${p}`).join(","),
  };
  if (!secure) return base;
  const files = securityFiles(config);
  return {
    ...base,
    KAFKA_SASL_MECHANISM: "scram-sha-512",
    KAFKA_SASL_USERNAME: KAFKA_CLIENT_USER,
    KAFKA_SASL_PASSWORD_FILE: files.kafkaClientPassword,
    KAFKA_SSL: "true",
    KAFKA_SSL_CA_FILE: files.caCert,
    REDIS_PASSWORD_FILE: files.redisPassword,
    REDIS_TLS_CA_FILE: files.caCert,
  };
}
