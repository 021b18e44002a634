import type { TierChangedEventV1 } from "@icpstream/contracts";

/**
 * One tier change as one line, for people (`icp tail`, the `npm start` live view):
 *
 * ```
 * 2026-03-04T10:00:00Z  acme.com  enterprise  Tier 2 → Tier 1  total 78 (fit 82, timing 71)  new funding round +20; demo request +20  reach hs-51, Head of RevOps
 * ```
 *
 * (the last part when the account has contacts: its best contact, or the new one when the
 * change is a change of best contact inside the top tier)
 *
 * and as NDJSON for programs (the decoded event, unchanged).
 */
export interface TierChangeLineOptions {
  /** How many reasons to show (default 3). */
  reasons?: number;
  /** Show the scorecard id (default true; a single-scorecard view may leave it out). */
  scorecard?: boolean;
  /** Show the event's occurredAt first (default true). */
  time?: boolean;
  /** Pad the account column to this width (default 0: no padding). */
  accountWidth?: number;
}

const pad = (text: string, width: number) => (text.length >= width ? text : text + " ".repeat(width - text.length));

/** `Tier 2 → Tier 1`, `new → Tier 3` the first time the account is tiered. */
export function tierMove(event: Pick<TierChangedEventV1, "previousTier" | "tier">): string {
  return `${event.previousTier ? event.previousTier.name : "new"} → ${event.tier.name}`;
}

/** ↑ up, ↓ down, · first placement or same rank (quadrant moved). */
export function tierDirection(event: Pick<TierChangedEventV1, "previousTier" | "tier">): "up" | "down" | "new" | "same" {
  if (!event.previousTier) return "new";
  if (event.tier.rank < event.previousTier.rank) return "up";
  if (event.tier.rank > event.previousTier.rank) return "down";
  return "same";
}

const ARROWS = { up: "↑", down: "↓", new: "+", same: "=" } as const;

export function formatReasons(event: Pick<TierChangedEventV1, "reasons">, limit: number): string {
  if (limit <= 0 || event.reasons.length === 0) return "";
  return event.reasons
    .slice(0, limit)
    .map((r) => r.text)
    .join("; ");
}

export function formatTierChangeLine(event: TierChangedEventV1, options: TierChangeLineOptions = {}): string {
  const parts: string[] = [];
  if (options.time ?? true) parts.push(event.occurredAt.replace(/\.000Z$/, "Z"));
  parts.push(`${ARROWS[tierDirection(event)]} ${pad(event.accountKey, options.accountWidth ?? 0)}`);
  if (options.scorecard ?? true) parts.push(event.scorecard);
  parts.push(tierMove(event));
  parts.push(`total ${event.total} (fit ${event.fit}, timing ${event.timing})`);
  if (event.excluded) parts.push("excluded");
  const reasons = formatReasons(event, options.reasons ?? 3);
  if (reasons !== "") parts.push(reasons);
  const best = event.bestContact;
  if (best) parts.push(`${event.bestContactChanged ? `best contact now ${best.contactId}${event.previousBestContactId ? ` (was ${event.previousBestContactId})` : ""}` : `reach ${best.contactId}`}${best.title ? `, ${best.title}` : ""}`);
  return parts.join("  ");
}

export function formatTierChangeNdjson(event: TierChangedEventV1): string {
  return JSON.stringify(event);
}
