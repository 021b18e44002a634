import { readFileSync } from "node:fs";
import { z } from "zod";
import { parseEnv } from "@icpstream/kafka-kit";

/**
 * Settings of the enrichment services beyond those every service reads (parsed from `main`
 * only; a bad variable stops the service at start with its name).
 */
const hours = (fallback: number) => z.coerce.number({ error: "expected a number of hours" }).min(0, { error: "expected 0 or more hours" }).max(24 * 365, { error: "expected at most a year (8760 hours)" }).default(fallback);
const budget = (fallback: number) => z.coerce.number({ error: "expected a whole number of calls" }).int({ error: "expected a whole number of calls" }).min(0, { error: "expected 0 or more calls" }).default(fallback);

export const EnrichmentEnv = z.object({
  /** A step is not requested again for an account within this many hours (default a week). */
  ICP_ENRICHMENT_COOLDOWN_HOURS: hours(168),
  /** Requests per UTC day and step, over all partitions (split evenly between them). */
  ICP_ENRICHMENT_DAILY_BUDGET_TECHNOGRAPHIC: budget(1000),
  ICP_ENRICHMENT_DAILY_BUDGET_ORGANISATIONAL: budget(500),
});
export type EnrichmentEnv = z.infer<typeof EnrichmentEnv>;

export function parseEnrichmentEnv(env: NodeJS.ProcessEnv): EnrichmentEnv {
  return parseEnv(EnrichmentEnv, env);
}

export const WorkerEnv = z.object({
  /** The CSV (or NDJSON) of accounts the sample worker answers from, in icpstream's account columns. */
  ICP_ENRICHMENT_SOURCE: z.string({ error: "expected the path of an accounts file (CSV or NDJSON) to answer enrichment requests from" }).min(1),
  /** A mapping file for a vendor's export (examples/mappings), if the file is not in our columns. */
  ICP_ENRICHMENT_SOURCE_MAPPING: z.string().min(1).optional(),
});
export type WorkerEnv = z.infer<typeof WorkerEnv>;

export function parseWorkerEnv(env: NodeJS.ProcessEnv): WorkerEnv {
  return parseEnv(WorkerEnv, env);
}

/** Reads a settings file, naming the variable when it cannot. */
export function readSettingFile(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`${variable}=${path}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
