import { join } from "node:path";
import type { StackConfig } from "./config.js";
import { fetchRegistry, registryLauncher } from "./fetch.js";
import { type Jdk, pickJdk } from "./java.js";
import { type ManagedProcess, startDetached } from "./processes.js";

/** Apicurio 3.1+ is compiled for Java 21; 3.0.x still runs on 17. */
const JAVA_FOR_CURRENT_REGISTRY = 21;
/** The newest release that runs on Java 17, used when no Java 21+ is installed. */
export const REGISTRY_VERSION_FOR_JAVA17 = "3.0.9";

export function registryProcess(config: StackConfig): ManagedProcess {
  return {
    name: "registry",
    pidFile: join(config.stateDir, "run", "registry.pid"),
    logFile: join(config.stateDir, "logs", "registry.log"),
    marker: `-Dicpstream.stack=${config.stateDir}`,
  };
}

export function registryBaseUrl(config: StackConfig): string {
  return `http://127.0.0.1:${config.registry.port}`;
}

/** Which registry release and JDK this machine can run: the configured one on Java 21+, else 3.0.9 on Java 17. */
export function chooseRegistryRuntime(config: StackConfig): { version: string; jdk: Jdk; fallbackReason?: string } {
  const modern = pickJdk(JAVA_FOR_CURRENT_REGISTRY, config.registry.javaHome);
  const wanted = config.registry.version;
  if (wanted.startsWith("3.0.")) {
    const jdk = pickJdk(17, config.registry.javaHome);
    if (!jdk) throw new Error("Apicurio Registry needs Java 17 or newer and none was found.");
    return { version: wanted, jdk };
  }
  if (modern) return { version: wanted, jdk: modern };
  if (config.registry.javaHome) {
    throw new Error(`ICP_REGISTRY_JAVA_HOME=${config.registry.javaHome} is not a Java ${JAVA_FOR_CURRENT_REGISTRY}+ JDK, which Apicurio Registry ${wanted} needs.`);
  }
  const legacy = pickJdk(17);
  if (!legacy) throw new Error("Apicurio Registry needs Java 17 or newer and none was found.");
  return {
    version: REGISTRY_VERSION_FOR_JAVA17,
    jdk: legacy,
    fallbackReason: `Apicurio Registry ${wanted} needs Java ${JAVA_FOR_CURRENT_REGISTRY}+; found only Java ${legacy.major}, so running ${REGISTRY_VERSION_FOR_JAVA17}`,
  };
}

/** Starts the registry with in-memory storage (schemas are re-registered by services on start). */
export async function startRegistry(config: StackConfig, runtime: { version: string; jdk: Jdk }): Promise<number> {
  const dir = await fetchRegistry(config, runtime.version);
  const launcher = registryLauncher(dir);
  return startDetached(
    registryProcess(config),
    runtime.jdk.java,
    [
      `-Xms128m`,
      `-Xmx${config.registry.heap}`,
      "-XX:+UseSerialGC",
      `-Dicpstream.stack=${config.stateDir}`,
      `-Dquarkus.http.host=127.0.0.1`,
      `-Dquarkus.http.port=${config.registry.port}`,
      `-Dquarkus.management.host=127.0.0.1`,
      `-Dquarkus.management.port=${config.registry.managementPort}`,
      // Register is refused when a new version breaks readers of the old one.
      "-Dapicurio.rules.global.compatibility=BACKWARD",
      "-Dregistry.rules.global.compatibility=BACKWARD",
      "-jar",
      launcher,
    ],
    { cwd: dir },
  );
}

/** Ready: the Confluent-compatible API answers. */
export async function registryReady(config: StackConfig): Promise<boolean> {
  const response = await fetch(`${registryBaseUrl(config)}/apis/ccompat/v7/subjects`, { signal: AbortSignal.timeout(2000) });
  return response.ok;
}

/**
 * Makes BACKWARD the global compatibility level through the ccompat API. The start flag does
 * this on 3.1+; older releases name the property differently, so this is the one place that
 * guarantees it for every version.
 */
export async function enforceBackwardCompatibility(config: StackConfig): Promise<void> {
  const url = `${registryBaseUrl(config)}/apis/ccompat/v7/config`;
  const current = await fetch(url).then((r) => r.json() as Promise<{ compatibilityLevel?: string }>);
  if (current.compatibilityLevel === "BACKWARD") return;
  const response = await fetch(url, {
    method: "PUT",
    headers: { "content-type": "application/vnd.schemaregistry.v1+json" },
    body: JSON.stringify({ compatibility: "BACKWARD" }),
  });
  if (!response.ok) throw new Error(`PUT ${url}: HTTP ${response.status} ${await response.text()}`);
}
