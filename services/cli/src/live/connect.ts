import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { resolveLiveSettings } from "./settings.js";
import type { LiveSettings, NamespaceOptions } from "./settings.js";

/**
 * The I/O side of the live settings: reads `.stack/stack.env` (or `$ICP_STACK_DIR/stack.env`)
 * when it exists, then resolves against the environment.
 */
export async function loadLiveSettings(options: NamespaceOptions, env: Record<string, string | undefined> = process.env): Promise<LiveSettings> {
  const file = join(env.ICP_STACK_DIR ?? ".stack", "stack.env");
  const text = await readFile(file, "utf8").catch(() => undefined);
  return resolveLiveSettings(options, env, text);
}

/** The namespace options every live command takes; each defaults to the variable the services read. */
export function addNamespaceOptions(command: Command): Command {
  return command
    .option("--topic-prefix <prefix>", "the services' ICP_TOPIC_PREFIX (default: $ICP_TOPIC_PREFIX or none)")
    .option("--redis-prefix <prefix>", "the services' ICP_REDIS_PREFIX (default: $ICP_REDIS_PREFIX or none)")
    .option("--group-prefix <prefix>", "the services' ICP_GROUP_PREFIX (default: $ICP_GROUP_PREFIX or icp.)");
}

/** Resolves once on SIGINT or SIGTERM; the returned function removes the listeners. */
export function untilInterrupted(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    },
  };
}
