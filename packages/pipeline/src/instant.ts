import { toEpochMs, toIso } from "@icpstream/scoring";

/**
 * Time in this package: `now` is epoch milliseconds (what a service's clock gives), and
 * every instant written to an event or a state is an ISO-8601 string in UTC
 * (`2026-11-01T00:00:00.000Z`). Instants read from events go through `toEpochMs`, never
 * string order, so two offsets for one instant compare equal.
 */
export type EpochMs = number;

export { toEpochMs, toIso };

/** By instant, then by event id: the order of a compacted topic's versions and of the batch's choice. */
export function compareOccurrence(a: { occurredAt: string; eventId: string }, b: { occurredAt: string; eventId: string }): number {
  const ta = toEpochMs(a.occurredAt);
  const tb = toEpochMs(b.occurredAt);
  if (ta !== tb) return ta - tb;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}
