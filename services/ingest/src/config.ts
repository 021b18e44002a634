import { z } from "zod";
import { BrokerList, parseEnv } from "@icpstream/kafka-kit";
import { GATEWAY_DEFAULTS } from "./gateway.js";

/**
 * The ingest services' settings, from the environment only. Parsed in `main`; an invalid
 * or missing variable fails with its name. Secrets are never logged (see the logger's redact list).
 */
const list = z
  .string()
  .transform((s) => s.split(",").map((v) => v.trim()).filter((v) => v !== ""));

const Common = {
  KAFKA_BROKERS: BrokerList,
  SCHEMA_REGISTRY_URL: z.url({ error: "expected the registry's Confluent-compatible base URL, e.g. http://127.0.0.1:18081/apis/ccompat/v7" }),
  ICP_SCHEMA_MODE: z.enum(["register", "verify"]).default("register"),
  /** Prepended to every topic, as for the scoring services (several pipelines or tests on one cluster). */
  ICP_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, "letters, digits, . _ - only").default(""),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
};

export const GatewayEnv = z
  .object({
    ...Common,
    ICP_GATEWAY_PORT: z.coerce.number().int().min(1).max(65535).default(18090),
    ICP_GATEWAY_HOST: z.string().default("127.0.0.1"),
    /** Comma-separated API keys accepted in `x-api-key`. */
    ICP_GATEWAY_API_KEYS: list.default([]),
    /** Comma-separated secrets for `icp-signature` (t=<unix s>,v1=<HMAC-SHA256 of "<t>.<body>">); several allow rotation. */
    ICP_GATEWAY_HMAC_SECRETS: list.default([]),
    /** How far a signature's time may be from the gateway's clock, either way: a captured request is refused after it. */
    ICP_GATEWAY_SIGNATURE_TOLERANCE_S: z.coerce.number().int().min(1).max(3600).default(GATEWAY_DEFAULTS.signatureToleranceSeconds),
    ICP_GATEWAY_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(1_048_576),
    ICP_GATEWAY_MAX_BATCH: z.coerce.number().int().min(1).max(10_000).default(500),
    /** Requests handled at once; past it 429 with Retry-After. */
    ICP_GATEWAY_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(100_000).default(GATEWAY_DEFAULTS.maxInFlight),
    /** A signal dated more than this many hours after it is received gets 422 future_dated. */
    ICP_GATEWAY_FUTURE_TOLERANCE_HOURS: z.coerce.number().min(0).max(24 * 365).default(GATEWAY_DEFAULTS.futureToleranceHours),
    /** Time for a whole request, headers and body; a client that stalls is cut off with 408. */
    ICP_GATEWAY_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(GATEWAY_DEFAULTS.requestTimeoutMs),
    /** Time for the request's headers (at most the request timeout). */
    ICP_GATEWAY_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(GATEWAY_DEFAULTS.headersTimeoutMs),
    /** Source mappings for POST /v1/sources/{source}: comma-separated files or folders of *.yaml (e.g. examples/sources). Each mapping's secret comes from the variable its auth.secretEnv names. */
    ICP_GATEWAY_SOURCES: list.default([]),
    /** The base URL vendors call, for signatures over the URI (HubSpot v3), e.g. https://icp.example.com; default http://<Host header>. */
    ICP_GATEWAY_PUBLIC_URL: z.url().optional(),
    /** How long a signed delivery's vendor event ids are remembered against replays (schemes that sign no time): 72 h, past TheirStack's 48 h of retries. */
    ICP_GATEWAY_REPLAY_TTL_S: z.coerce.number().int().min(60).max(30 * 86_400).default(259_200),
    /** Redis for the replay cache and the id → account index (required with ICP_GATEWAY_SOURCES). */
    REDIS_URL: z.string().regex(/^rediss?:\/\//, "expected redis://host:port").optional(),
    ICP_REDIS_PREFIX: z.string().regex(/^[^{}]*$/, "no braces (they would become the cluster hash tag)").default(""),
    /** /healthz, /readyz and /metrics for probes and scrapers, apart from the API port. */
    ICP_OPS_PORT: z.coerce.number().int().min(0).max(65535).default(19109),
    ICP_OPS_HOST: z.string().default("127.0.0.1"),
  })
  .refine((e) => e.ICP_GATEWAY_API_KEYS.length + e.ICP_GATEWAY_HMAC_SECRETS.length + e.ICP_GATEWAY_SOURCES.length > 0, {
    message: "set ICP_GATEWAY_API_KEYS, ICP_GATEWAY_HMAC_SECRETS or ICP_GATEWAY_SOURCES: the gateway does not run unauthenticated",
    path: ["ICP_GATEWAY_API_KEYS"],
  })
  .refine((e) => e.ICP_GATEWAY_SOURCES.length === 0 || e.REDIS_URL !== undefined, {
    message: "ICP_GATEWAY_SOURCES needs REDIS_URL (the replay cache and the id → account index live there)",
    path: ["REDIS_URL"],
  });
export type GatewayEnv = z.infer<typeof GatewayEnv>;

export const SyntheticEnv = z.object({
  ...Common,
  ICP_SYNTHETIC_SEED: z.coerce.number().int().default(1),
  ICP_SYNTHETIC_ACCOUNTS: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  ICP_SYNTHETIC_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** The window's start; default: `days` before now. */
  ICP_SYNTHETIC_START: z.iso.datetime({ offset: true }).optional(),
});
export type SyntheticEnv = z.infer<typeof SyntheticEnv>;

/** The resolver: the id → account index kept from profiles and outcomes, and the parked items' release. */
export const ResolverEnv = z.object({
  ...Common,
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "expected redis://host:port"),
  ICP_REDIS_PREFIX: z.string().regex(/^[^{}]*$/, "no braces (they would become the cluster hash tag)").default(""),
  ICP_GROUP_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/, "letters, digits, . _ - only").default("icp."),
  /** The same source mappings as the gateway's (files or folders): parked items are read again through them. */
  ICP_GATEWAY_SOURCES: list.refine((l) => l.length > 0, "name the source mappings (the gateway's ICP_GATEWAY_SOURCES)"),
  /** Items waiting at once; past it a parked item is dead-lettered (PARK_FULL). */
  ICP_RESOLVER_MAX_PARKED: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /** How long an item may wait for its account before it is dead-lettered (UNRESOLVED_ACCOUNT). */
  ICP_RESOLVER_MAX_AGE_HOURS: z.coerce.number().min(0.001).max(24 * 365).default(168),
  /** How often waiting items are tried again and aged out. */
  ICP_RESOLVER_TICK_MS: z.coerce.number().int().min(100).max(3_600_000).default(5_000),
  ICP_OPS_PORT: z.coerce.number().int().min(0).max(65535).default(19106),
});
export type ResolverEnv = z.infer<typeof ResolverEnv>;

/** The puller of pulled sources (G2 Buyer Intent). */
export const PullerEnv = z.object({
  ...Common,
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "expected redis://host:port"),
  ICP_REDIS_PREFIX: z.string().regex(/^[^{}]*$/, "no braces (they would become the cluster hash tag)").default(""),
  /** Source mappings (files or folders); those with a pull section are polled, each on its own interval. */
  ICP_GATEWAY_SOURCES: list.refine((l) => l.length > 0, "name the source mappings (e.g. examples/sources)"),
  /** Time for one page request (the vendor's API), then the poll ends and the next one retries. */
  ICP_PULL_TIMEOUT_MS: z.coerce.number().int().min(1000).max(300_000).default(30_000),
});
export type PullerEnv = z.infer<typeof PullerEnv>;

export const IngestEnv = z.object(Common);
export type IngestEnv = z.infer<typeof IngestEnv>;

export { parseEnv };
