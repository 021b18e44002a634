/**
 * Date-times a vendor writes without an offset (TheirStack's `discovered_at:
 * "2026-11-18T09:41:07"`), read in the zone the source mapping declares, and the `… UTC`
 * suffix some vendors write (`2026-11-20 14:03:11 UTC`). Anything else is returned as it
 * is, for `parseInstant` to read by the file rules (ISO with an offset, epoch ms, dates).
 * Pure: the offset comes from the runtime's Intl time-zone data.
 */
const ZONELESS = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?$/;
const UTC_SUFFIX = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*(?:UTC|GMT)$/i;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
    formatters.set(zone, f);
  }
  return f;
}

/** The zone's offset from UTC at an instant, in ms (positive east of Greenwich). */
export function zoneOffsetMs(zone: string, epochMs: number): number {
  const parts = Object.fromEntries(formatter(zone).formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(epochMs / 1000) * 1000;
}

/** A zone-less date-time in `zone` → ISO with Z; other values unchanged. */
export function inTimeZone(raw: unknown, zone: string): unknown {
  if (typeof raw !== "string") return raw;
  const text = raw.trim();
  const utc = UTC_SUFFIX.exec(text);
  if (utc?.[1]) return `${utc[1].replace(" ", "T")}Z`;
  const m = ZONELESS.exec(text);
  if (!m) return raw;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? "00"].map(Number) as [number, number, number, number, number, number];
  const ms = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
  const wall = Date.UTC(y, mo - 1, d, h, mi, s) + ms;
  if (zone === "UTC") return new Date(wall).toISOString();
  // The wall time minus the zone's offset; checked again at the result (a DST change between the two).
  let instant = wall - zoneOffsetMs(zone, wall);
  instant = wall - zoneOffsetMs(zone, instant);
  return Number.isNaN(instant) ? raw : new Date(instant).toISOString();
}
