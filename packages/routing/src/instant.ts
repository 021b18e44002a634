import { IsoDateTime } from "@icpstream/scoring";
import { RoutingError } from "./errors.js";

/** An instant as given by a caller: ISO-8601 text with an offset, a Date, or epoch milliseconds. */
export type Instant = string | Date | number;

/** Epoch milliseconds of an instant; throws INVALID_INSTANT for anything else (no local-time guesses). */
export function epochMs(instant: Instant, what = "now"): number {
  let ms: number;
  if (typeof instant === "number") ms = instant;
  else if (instant instanceof Date) ms = instant.getTime();
  else ms = IsoDateTime.safeParse(instant).success ? Date.parse(instant) : Number.NaN;
  if (!Number.isFinite(ms)) throw new RoutingError("INVALID_INSTANT", `${what}: expected an ISO-8601 instant with an offset, a Date or epoch milliseconds, got ${JSON.stringify(String(instant))}`);
  return ms;
}

/** `2026-10-20T13:31:12.000Z`: the UTC form every action carries. */
export function isoUtc(ms: number): string {
  return new Date(ms).toISOString();
}
