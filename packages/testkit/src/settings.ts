/** Where the stack under test answers. The same three variables configure every service. */
export interface StackSettings {
  KAFKA_BROKERS: string;
  SCHEMA_REGISTRY_URL: string;
  REDIS_URL: string;
  /** How the settings were obtained: given in the environment, containers, or the local stack. */
  origin: "environment" | "containers" | "local-stack";
}

export const SETTING_NAMES = ["KAFKA_BROKERS", "SCHEMA_REGISTRY_URL", "REDIS_URL"] as const;

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
    origin: "environment",
  };
}
