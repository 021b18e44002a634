import type { Signal, SignalType } from "../domain/signal.js";
import { DAY_MS } from "../domain/time.js";
import { normalizeTitle } from "../domain/title.js";

/**
 * The same thing seen twice is counted once, even under two event ids:
 * - a job posting seen on two job boards: the same `postingId` within 30 days, or the same
 *   title (normalised: "Sr. RevOps Mgr" = "Senior Revenue Operations Manager") within a day;
 * - a web visit delivered again with a new id: the same visitor (`visitorId`), signal type
 *   and page (`url`) within 30 minutes.
 * A signal is a duplicate when an earlier signal (in canonical order) has the same key within
 * the window before it; the earliest sighting is the one that counts. The relation is
 * pairwise, so removing a signal only ever changes how signals within its window after it
 * count: the timing service may drop a finished signal from its state (see the pipeline's
 * signal retention, which keeps a signal for `duplicateReachMs` longer) and still score
 * exactly as the batch does.
 */
interface DuplicateKey {
  key: (signal: Signal) => string | undefined;
  windowMs: number;
}

const MINUTE_MS = 60_000;
const WEB_TYPES: ReadonlySet<SignalType> = new Set(["pricing_page_visit", "demo_request", "content_download", "careers_page_visit", "competitor_visitor"]);

const KEYS: readonly DuplicateKey[] = [
  { key: (s) => (s.type === "job_posting" && s.postingId !== undefined ? `posting:${s.postingId}` : undefined), windowMs: 30 * DAY_MS },
  { key: (s) => (s.type === "job_posting" ? `title:${normalizeTitle(s.title)}` : undefined), windowMs: DAY_MS },
  {
    key: (s) => {
      if (!WEB_TYPES.has(s.type)) return undefined;
      const web = s as { visitorId?: string; url?: string };
      return web.visitorId === undefined ? undefined : `web:${s.type}:${web.visitorId}:${web.url ?? ""}`;
    },
    windowMs: 30 * MINUTE_MS,
  },
];

/** How long after a signal a later copy of it may still appear: 0 for types that are never deduplicated. */
export function duplicateReachMs(type: SignalType): number {
  if (type === "job_posting") return 30 * DAY_MS;
  return WEB_TYPES.has(type) ? 30 * MINUTE_MS : 0;
}

/**
 * For signals in canonical order (with their instants), the duplicates: event id → the
 * event id of the earlier sighting within the window that makes it one.
 */
export function findDuplicates(ordered: readonly { signal: Signal; ms: number }[]): Map<string, string> {
  const duplicates = new Map<string, string>();
  if (ordered.length < 2) return duplicates;
  const lastSeen = KEYS.map(() => new Map<string, { ms: number; eventId: string }>());
  for (const { signal, ms } of ordered) {
    KEYS.forEach((rule, i) => {
      const key = rule.key(signal);
      if (key === undefined) return;
      const seen = lastSeen[i] as Map<string, { ms: number; eventId: string }>;
      const earlier = seen.get(key);
      if (earlier && ms - earlier.ms <= rule.windowMs && !duplicates.has(signal.eventId)) duplicates.set(signal.eventId, duplicates.get(earlier.eventId) ?? earlier.eventId);
      seen.set(key, { ms, eventId: signal.eventId });
    });
  }
  return duplicates;
}
