import { z } from "zod";

/**
 * Instants travel as ISO-8601 strings with an explicit offset (`2026-03-01T09:30:00Z`,
 * `2026-03-01T10:30:00+01:00`). Comparisons always go through `toEpochMs`, never string
 * order, so two offsets for the same instant compare equal.
 */
export const IsoDateTime = z.iso.datetime({ offset: true, error: "expected an ISO-8601 date-time with offset, e.g. 2026-03-01T09:30:00Z" });
export type IsoDateTime = z.infer<typeof IsoDateTime>;

/** A calendar date (`2027-06-30`), for facts that have no time of day such as a contract end. */
export const IsoDate = z.iso.date({ error: "expected an ISO-8601 date, e.g. 2027-06-30" });
export type IsoDate = z.infer<typeof IsoDate>;

export const DAY_MS = 86_400_000;

export function toEpochMs(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO-8601 instant: ${instant}`);
  return ms;
}

// A batch formats the same as-of instant for every account: remember the last one.
let lastMs = NaN;
let lastIso = "";

export function toIso(epochMs: number): string {
  if (epochMs !== lastMs) {
    lastIso = new Date(epochMs).toISOString();
    lastMs = epochMs;
  }
  return lastIso;
}
