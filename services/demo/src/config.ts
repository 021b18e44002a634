import { z } from "zod";
import { BrokerList, parseEnv } from "@icpstream/kafka-kit";
import { DEFAULT_RUBRIC } from "@icpstream/service-runtime";

/**
 * The demo's settings (environment only; `npm start` sets the connection, the namespace and
 * the clock, the user may set the ICP_DEMO_* knobs). Parsed in main; errors name the variable.
 */
export const DemoEnv = z.object({
  KAFKA_BROKERS: BrokerList,
  SCHEMA_REGISTRY_URL: z.url(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "expected redis://host:port"),
  ICP_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]*$/).default(""),
  ICP_REDIS_PREFIX: z.string().regex(/^[^{}]*$/).default(""),
  ICP_GROUP_PREFIX: z.string().default("icp."),
  ICP_RUBRIC: z.string().min(1).default(DEFAULT_RUBRIC),
  /** The services' clock; the demo reads the same one. */
  ICP_CLOCK: z.string().default("system"),
  /** The clock's start instant S: the backfill ends there, the live feed starts there. */
  ICP_DEMO_CLOCK_START: z.iso.datetime({ offset: true }),
  /** The file the services' clock reads (ICP_CLOCK=file:<it>); the view writes it. */
  ICP_DEMO_CLOCK_FILE: z.string().min(1),
  /** Simulated ms per wall ms once the clock runs (86400: one day per second). */
  ICP_DEMO_CLOCK_FACTOR: z.coerce.number().positive(),
  /** Longest wait, in wall seconds, for the history to be scored before the clock starts anyway. */
  ICP_DEMO_HOLD_SECONDS: z.coerce.number().min(0).max(3600).default(300),
  ICP_DEMO_ACCOUNTS: z.coerce.number().int().min(1).max(200_000).default(3000),
  ICP_DEMO_SEED: z.coerce.number().int().default(1),
  /** Stop by itself after this many wall seconds; 0 = until Ctrl-C. */
  ICP_DEMO_SECONDS: z.coerce.number().min(0).default(0),
  ICP_DEMO_BACKFILL_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** Simulated days of live signals after S; 0 = none (decay only). */
  ICP_DEMO_LIVE_DAYS: z.coerce.number().int().min(0).max(3650).default(90),
  /** Tier-change lines printed per wall second at most; the rest are counted in the summary. */
  ICP_DEMO_LINES_PER_SECOND: z.coerce.number().int().min(0).max(1000).default(8),
  ICP_DEMO_SUMMARY_SECONDS: z.coerce.number().min(1).max(3600).default(5),
});
export type DemoEnv = z.infer<typeof DemoEnv>;

export function parseDemoEnv(env: Record<string, string | undefined>): DemoEnv {
  return parseEnv(DemoEnv, env, "demo settings");
}
