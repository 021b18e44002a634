import { z } from "zod";
import { DEFAULT_FUTURE_TOLERANCE_MS } from "@icpstream/pipeline";
import { parseEnv } from "@icpstream/kafka-kit";

/** Settings of the timing service beyond those every scoring service reads. */
export const TimingEnv = z.object({
  /**
   * A signal dated more than this many hours after it was observed is refused (dead-lettered
   * with SIGNAL_IN_FUTURE): clock skew between feeds is tolerated, a typo'd year is not.
   */
  ICP_SIGNAL_FUTURE_TOLERANCE_HOURS: z.coerce
    .number({ error: "expected a number of hours" })
    .min(0, { error: "expected 0 or more hours" })
    .max(24 * 365, { error: "expected at most a year (8760 hours)" })
    .default(DEFAULT_FUTURE_TOLERANCE_MS / 3_600_000),
});
export type TimingEnv = z.infer<typeof TimingEnv>;

/** Parses the environment; a bad variable fails with its name and what was expected. */
export function parseTimingEnv(env: NodeJS.ProcessEnv): TimingEnv {
  return parseEnv(TimingEnv, env);
}
