import type { ConnectionSettings } from "@icpstream/infra";

/**
 * Where the stack under test answers. The same variables configure every service: the three
 * addresses, and on a secured stack the credentials and CA (`kafkaConnectionFromEnv`,
 * `redisConnectionFromEnv` read them; passwords by file, never inline).
 */
export interface StackSettings extends ConnectionSettings {
  /** How the settings were obtained: given in the environment, containers, or the local stack. */
  origin: "environment" | "containers" | "local-stack";
}

export const SETTING_NAMES = ["KAFKA_BROKERS", "SCHEMA_REGISTRY_URL", "REDIS_URL"] as const;

/** The settings a secured stack adds (taken from the environment with the three above). */
export const SECURITY_SETTING_NAMES = ["KAFKA_SASL_MECHANISM", "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD_FILE", "KAFKA_SSL", "KAFKA_SSL_CA_FILE", "REDIS_PASSWORD_FILE", "REDIS_TLS_CA_FILE"] as const;

/** The connection variables of `settings` as a service's environment: the three addresses and any security settings. */
export function connectionEnv(settings: StackSettings): Record<string, string> {
  const env: Record<string, string> = { KAFKA_BROKERS: settings.KAFKA_BROKERS, SCHEMA_REGISTRY_URL: settings.SCHEMA_REGISTRY_URL, REDIS_URL: settings.REDIS_URL };
  for (const name of SECURITY_SETTING_NAMES) {
    const value = settings[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** The settings from the environment when all three are given; a partial set is an error, not a guess. */
export function settingsFromEnvironment(env: NodeJS.ProcessEnv): StackSettings | undefined {
  const present = SETTING_NAMES.filter((name) => env[name]);
  if (present.length === 0) return undefined;
  if (present.length < SETTING_NAMES.length) {
    const missing = SETTING_NAMES.filter((name) => !env[name]);
    throw new Error(`Set all of ${SETTING_NAMES.join(", ")} or none; missing: ${missing.join(", ")}`);
  }
  return {
    KAFKA_BROKERS: env.KAFKA_BROKERS as string,
    SCHEMA_REGISTRY_URL: env.SCHEMA_REGISTRY_URL as string,
    REDIS_URL: env.REDIS_URL as string,
    ...Object.fromEntries(SECURITY_SETTING_NAMES.filter((name) => env[name]).map((name) => [name, env[name] as string])),
    origin: "environment",
  };
}
