import { redactUrl } from "@icpstream/observability";
import { formatIssues } from "@icpstream/scoring";
import { z } from "zod";

/**
 * Webhook subscriptions: which downstream sequencers and CRMs receive routing actions over
 * HTTP, and how hard the router tries. The caller parses it from the environment or a YAML
 * file (in `main`); this module only validates and resolves secrets.
 *
 * ```yaml
 * endpoints:
 *   - id: smartlead
 *     url: https://hooks.smartlead.example/icp
 *     secretEnv: ICP_WEBHOOK_SMARTLEAD_SECRET        # the variable's NAME, never the secret
 *     actionTypes: [enroll_in_sequence, add_to_nurture]
 *   - id: crm-tasks
 *     url: https://crm.example/api/icp-actions
 *     secretEnv: [ICP_WEBHOOK_CRM_SECRET_OLD, ICP_WEBHOOK_CRM_SECRET]   # rotating: signed with both
 *     scorecards: [enterprise]
 *     timeoutMs: 3000
 * ```
 *
 * Secrets never sit in config files: an endpoint names the environment variable that holds
 * its HMAC secret, and `resolveWebhookSecrets` reads it from the env the caller passes in.
 */
const Id = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "expected an id (lower-case letters, digits, '.', '-' and '_')").max(64);
const EnvName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, "expected the NAME of an environment variable (upper-case letters, digits, '_'), not the secret itself").max(128);

export const WEBHOOK_ACTION_TYPES = ["route_to_owner", "enroll_in_sequence", "add_to_nurture", "monitor", "unassign_owner", "stop_sequence", "switch_contact"] as const;
export type WebhookActionType = (typeof WEBHOOK_ACTION_TYPES)[number];

const WebhookUrl = z
  .url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" })
  .refine((u) => {
    const url = new URL(u);
    return url.username === "" && url.password === "";
  }, "expected no user:password in the URL: credentials belong in the environment, not in config");

export const WebhookBackoff = z
  .strictObject({
    /** Wait before the second attempt. */
    initialMs: z.number().int().min(1).max(3_600_000).default(500),
    /** Each further wait is the previous times this. */
    factor: z.number().min(1).max(10).default(2),
    /** No wait is longer than this, Retry-After included. */
    maxMs: z.number().int().min(1).max(3_600_000).default(60_000),
    /** Spread waits over [½·d, d] so endpoints recovering from an outage are not hit in lockstep. */
    jitter: z.boolean().default(true),
  })
  .refine((b) => b.initialMs <= b.maxMs, { message: "expected initialMs ≤ maxMs", path: ["initialMs"] });
export type WebhookBackoff = z.infer<typeof WebhookBackoff>;

export const WebhookEndpoint = z.strictObject({
  id: Id,
  url: WebhookUrl,
  /** Name(s) of the variable(s) holding the HMAC secret; two while rotating (a `v1=` per secret). */
  secretEnv: z.union([EnvName, z.array(EnvName).min(1).max(3)]),
  /** Only these action types; default all. */
  actionTypes: z.array(z.enum(WEBHOOK_ACTION_TYPES)).min(1).optional(),
  /** Only actions from these scorecards; default all. */
  scorecards: z.array(Id).min(1).optional(),
  /**
   * One request, connect to response body. 5 s: a receiver that is up answers a small JSON
   * POST well within it; longer only ties up a slot while the endpoint is in trouble.
   */
  timeoutMs: z.number().int().min(1).max(120_000).default(5000),
  /** Attempts before dead-lettering, the first included. 6 with the default backoff ≈ 15 s of retries. */
  maxAttempts: z.number().int().min(1).max(50).default(6),
  backoff: WebhookBackoff.default({ initialMs: 500, factor: 2, maxMs: 60_000, jitter: true }),
  /** Actions waiting for this endpoint; beyond it they are dead-lettered (QUEUE_FULL), never block the consumer. */
  queueCapacity: z.number().int().min(1).max(1_000_000).default(10_000),
  /** Requests in flight to this endpoint at once (never two for the same account). */
  concurrency: z.number().int().min(1).max(64).default(4),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

export const WebhookConfig = z
  .strictObject({ endpoints: z.array(WebhookEndpoint).max(100).default([]) })
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    config.endpoints.forEach((endpoint, i) => {
      const first = seen.get(endpoint.id);
      if (first !== undefined) ctx.addIssue({ code: "custom", path: ["endpoints", i, "id"], message: `expected a unique id, but endpoints[${first}] is also "${endpoint.id}"`, input: endpoint.id });
      else seen.set(endpoint.id, i);
    });
  });
export type WebhookConfig = z.infer<typeof WebhookConfig>;

export type WebhookConfigErrorCode =
  /** The subscriptions do not satisfy the schema. */
  | "WEBHOOK_CONFIG_INVALID"
  /** An endpoint's secret variable is unset or empty. */
  | "WEBHOOK_SECRET_MISSING";

/** Bad configuration: not retryable, the same input fails the same way every time. */
export class WebhookConfigError extends Error {
  override readonly name = "WebhookConfigError";
  readonly retryable = false;
  readonly code: WebhookConfigErrorCode;
  /** One line per problem, for people. */
  readonly problems: readonly string[];

  constructor(code: WebhookConfigErrorCode, message: string, problems: readonly string[] = [message]) {
    super(message);
    this.code = code;
    this.problems = problems;
  }
}

/**
 * Validates webhook subscriptions already parsed from YAML/JSON/env. `source` names where
 * they came from in error lines (`router.yaml: endpoints[0].url: expected …`).
 */
export function parseWebhookConfig(value: unknown, source = "webhooks"): WebhookConfig {
  const result = WebhookConfig.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  // Error lines quote the bad value, but never a secret: not one pasted into `secretEnv`,
  // not the password of a `user:password@` URL.
  const issues = result.error.issues.map((issue) => {
    if (issue.path.includes("secretEnv")) return { ...issue, input: "[redacted]" } as typeof issue;
    if (issue.path.at(-1) === "url" && typeof issue.input === "string") return { ...issue, input: redactUrl(issue.input) } as typeof issue;
    return issue;
  });
  const problems = formatIssues(source, issues);
  throw new WebhookConfigError("WEBHOOK_CONFIG_INVALID", `${source}: invalid webhook subscriptions:\n${problems.map((p) => `  ${p}`).join("\n")}`, problems);
}

/**
 * An endpoint with its secrets read from the environment. `secrets` is not enumerable, so
 * JSON, pino and `console.log` of the endpoint never show it.
 */
export type ResolvedWebhookEndpoint = WebhookEndpoint & { readonly secrets: readonly string[] };

/**
 * Reads each endpoint's secret variable(s) from `env` (the caller passes `process.env`).
 * Fails naming every missing or empty variable and the endpoint that needs it — never a value.
 */
export function resolveWebhookSecrets(config: WebhookConfig, env: Readonly<Record<string, string | undefined>>): ResolvedWebhookEndpoint[] {
  const problems: string[] = [];
  const resolved = config.endpoints.map((endpoint) => {
    const names = typeof endpoint.secretEnv === "string" ? [endpoint.secretEnv] : endpoint.secretEnv;
    const secrets: string[] = [];
    for (const name of names) {
      const value = env[name];
      if (value === undefined || value.trim() === "") problems.push(`${name}: is not set; webhook endpoint "${endpoint.id}" signs its deliveries with it`);
      else secrets.push(value);
    }
    const out = { ...endpoint } as ResolvedWebhookEndpoint;
    Object.defineProperty(out, "secrets", { value: Object.freeze(secrets), enumerable: false });
    return out;
  });
  if (problems.length > 0) {
    throw new WebhookConfigError("WEBHOOK_SECRET_MISSING", `Missing webhook secrets in the environment:\n${problems.map((p) => `  ${p}`).join("\n")}`, problems);
  }
  return resolved;
}
