import { z } from "zod";
import { parseEnv } from "@icpstream/kafka-kit";
import { ServiceEnv } from "@icpstream/service-runtime";

/**
 * The console's settings, beside the ones every service reads (brokers, registry, Redis,
 * rubric, namespaces):
 * - `ICP_CONSOLE_TOKEN` (required, ≥ 16 characters): the bearer token that opens the console;
 *   API clients send `Authorization: Bearer <token>`, browsers sign in once at /login and get
 *   a session cookie derived from it (the token itself is never stored in the browser);
 * - `ICP_CONSOLE_PORT` / `ICP_CONSOLE_HOST` (18100, 127.0.0.1);
 * - `ICP_CONSOLE_OUTCOMES_URL`: the outcome stage's ops server, whose /model-health the model
 *   health page shows (default http://127.0.0.1:19105);
 * - `ICP_CONSOLE_HISTORY_PER_ACCOUNT` (20), `ICP_CONSOLE_MAX_STREAMS` (100 live-feed
 *   connections at once; past it 503).
 */
export const ConsoleEnv = ServiceEnv.extend({
  ICP_CONSOLE_TOKEN: z.string({ error: "is required: the bearer token that opens the console (at least 16 characters)" }).min(16, "must be at least 16 characters"),
  ICP_CONSOLE_PORT: z.coerce.number().int().min(0).max(65535).default(18100),
  ICP_CONSOLE_HOST: z.string().default("127.0.0.1"),
  ICP_CONSOLE_OUTCOMES_URL: z.url().default("http://127.0.0.1:19105"),
  ICP_CONSOLE_HISTORY_PER_ACCOUNT: z.coerce.number().int().min(1).max(1000).default(20),
  ICP_CONSOLE_MAX_STREAMS: z.coerce.number().int().min(1).max(10_000).default(100),
});
export type ConsoleEnv = z.infer<typeof ConsoleEnv>;

export function parseConsoleEnv(env: Record<string, string | undefined>): ConsoleEnv {
  return parseEnv(ConsoleEnv, env, "console settings");
}
