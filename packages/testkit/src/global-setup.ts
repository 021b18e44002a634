import type { TestProject } from "vitest/node";
import { loadStackConfig, stackUp } from "@icpstream/infra";
import { containerRuntimeAvailable, startContainers } from "./containers.js";
import { settingsFromEnvironment, type StackSettings } from "./settings.js";

declare module "vitest" {
  export interface ProvidedContext {
    stack: StackSettings;
  }
}

/**
 * Provides one stack for the whole integration run, in this order of preference:
 * 1. KAFKA_BROKERS + SCHEMA_REGISTRY_URL + REDIS_URL from the environment (a stack you run);
 * 2. containers, where a container engine answers (set ICP_TEST_STACK=local to skip);
 * 3. the local stack without Docker (`npm run stack:up`), started if it is not running and
 *    left running afterwards so the next run starts in a second (`npm test` stops what it started).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = settingsFromEnvironment(process.env);
  if (given) {
    project.provide("stack", given);
    return async () => undefined;
  }
  if (process.env.ICP_TEST_STACK !== "local" && (await containerRuntimeAvailable())) {
    const { settings, stop } = await startContainers();
    project.provide("stack", settings);
    return stop;
  }
  const connection = await stackUp(loadStackConfig(), (line) => console.log(`[stack] ${line}`));
  project.provide("stack", { ...connection, origin: "local-stack" });
  return async () => undefined;
}
