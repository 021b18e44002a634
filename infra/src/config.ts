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
  ICP_KAFKA_HEAP: heap.default("512m"),
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
});

export interface StackConfig {
  stateDir: string;
  cacheDir: string;
  kafka: { port: number; controllerPort: number; heap: string; version: string; partitions: number };
  registry: { port: number; managementPort: number; heap: string; version: string; javaHome?: string };
  redis: { port: number; server: string };
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
  const cacheDir = e.ICP_STACK_CACHE ?? join(e.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "icpstream");
  return {
    stateDir: resolve(e.ICP_STACK_DIR),
    cacheDir: resolve(cacheDir),
    kafka: {
      port: e.ICP_KAFKA_PORT,
      controllerPort: e.ICP_KAFKA_CONTROLLER_PORT,
      heap: e.ICP_KAFKA_HEAP,
      version: e.ICP_KAFKA_VERSION,
      partitions: e.ICP_KAFKA_PARTITIONS,
    },
    registry: {
      port: e.ICP_REGISTRY_PORT,
      managementPort: e.ICP_REGISTRY_MANAGEMENT_PORT,
      heap: e.ICP_REGISTRY_HEAP,
      version: e.ICP_REGISTRY_VERSION,
      ...(e.ICP_REGISTRY_JAVA_HOME ? { javaHome: e.ICP_REGISTRY_JAVA_HOME } : {}),
    },
    redis: { port: e.ICP_REDIS_PORT, server: e.ICP_REDIS_SERVER },
    mavenRepoUrl: e.ICP_MAVEN_REPO_URL.replace(/\/+$/, ""),
    readyTimeoutMs: e.ICP_STACK_READY_TIMEOUT_S * 1000,
  };
}

/** The connection settings services and tests read (also written to `<stateDir>/stack.env`). */
export interface ConnectionSettings {
  KAFKA_BROKERS: string;
  SCHEMA_REGISTRY_URL: string;
  REDIS_URL: string;
}

export function connectionSettings(config: StackConfig): ConnectionSettings {
  return {
    KAFKA_BROKERS: `127.0.0.1:${config.kafka.port}`,
    SCHEMA_REGISTRY_URL: `http://127.0.0.1:${config.registry.port}/apis/ccompat/v7`,
    REDIS_URL: `redis://127.0.0.1:${config.redis.port}`,
  };
}
