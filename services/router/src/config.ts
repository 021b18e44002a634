import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { parseRoutingConfig, type RoutingConfig } from "@icpstream/routing";
import { parseWebhookConfig, resolveWebhookSecrets, type ResolvedWebhookEndpoint } from "@icpstream/webhooks";

/** The routing config shipped with the routing package; covers the shipped rubrics. */
export const SHIPPED_ROUTING_CONFIG = fileURLToPath(new URL("../../../packages/routing/routing.example.yaml", import.meta.url));

/**
 * The router's own settings, beside the ones every service reads (`parseServiceEnv`):
 * - `ICP_ROUTING_CONFIG` — path of the routing rules (tiers → actions, territories, teams);
 *   default the shipped example;
 * - `ICP_WEBHOOKS_CONFIG` — path of the webhook subscriptions (YAML or JSON); unset: no
 *   webhooks, actions go to the topic only. Secrets are not in it: each endpoint names the
 *   environment variable holding its HMAC secret;
 * - `ICP_WEBHOOK_DRAIN_TIMEOUT_MS` — on shutdown, how long queued and retrying deliveries
 *   may still finish before they are dead-lettered (`SHUTDOWN`). 10 s: half the default
 *   ICP_SHUTDOWN_TIMEOUT_MS, leaving the rest for Kafka and Redis to close.
 */
export const RouterEnv = z.object({
  ICP_ROUTING_CONFIG: z.string().min(1).default(SHIPPED_ROUTING_CONFIG),
  ICP_WEBHOOKS_CONFIG: z.string().min(1).optional(),
  ICP_WEBHOOK_DRAIN_TIMEOUT_MS: z.coerce.number().int().min(0).max(300_000).default(10_000),
});
export type RouterEnv = z.infer<typeof RouterEnv>;

export interface RouterSettings {
  env: RouterEnv;
  routing: RoutingConfig;
  /** Empty when ICP_WEBHOOKS_CONFIG is unset or lists no endpoint. */
  endpoints: ResolvedWebhookEndpoint[];
}

/**
 * Reads the router's settings: env, routing rules and webhook subscriptions with their
 * secrets. Fails on start, naming the variable, file and path to fix — never a secret.
 */
export function loadRouterSettings(processEnv: Readonly<Record<string, string | undefined>>): RouterSettings {
  const parsed = RouterEnv.safeParse(processEnv);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(environment)"}: ${i.message}`);
    throw new Error(`Invalid router settings in the environment:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  const routing = parseRoutingConfig(readSetting("ICP_ROUTING_CONFIG", env.ICP_ROUTING_CONFIG), env.ICP_ROUTING_CONFIG);
  let endpoints: ResolvedWebhookEndpoint[] = [];
  if (env.ICP_WEBHOOKS_CONFIG !== undefined) {
    const path = env.ICP_WEBHOOKS_CONFIG;
    let value: unknown;
    try {
      value = parseYaml(readSetting("ICP_WEBHOOKS_CONFIG", path), { uniqueKeys: true });
    } catch (error) {
      throw new Error(`ICP_WEBHOOKS_CONFIG=${path}: not valid YAML/JSON: ${(error as Error).message.split("\n")[0] ?? ""}`);
    }
    endpoints = resolveWebhookSecrets(parseWebhookConfig(value ?? {}, path), processEnv);
  }
  return { env, routing, endpoints };
}

function readSetting(variable: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`${variable}=${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
