import type { EncodedRecord } from "@icpstream/kafka-kit";
import { evaluatePath, mapPayload } from "@icpstream/imports";
import type { IdIndex, SourceMapping } from "@icpstream/imports";
import { derivedEventId } from "@icpstream/scoring";
import type { EventSink, SinkTopicId } from "./kafka-sender.js";
import { contractEvents } from "./sources-route.js";

/**
 * One poll of a pulled source (a source mapping with `pull`: G2 Buyer Intent): pages read
 * from where the last poll stopped, each item enriched with the documents it links to
 * (`follow`: G2's company relationship, for the domain), mapped by the same rules as a
 * pushed payload, and sent — events to their topics, items whose account is not known yet
 * to the parked topic — before the cursor moves.
 *
 * Once into the topics: the cursor (the largest `cursorField` seen, with the vendor ids
 * seen at exactly that value) is stored only after Kafka acknowledged the page, so a crash
 * re-reads at most that page; a re-read item has the same event id (its vendor id), which
 * the consumers drop; items at the cursor's own instant already sent are skipped by their
 * ids. A page fetch that fails ends the poll (the cursor stays; the next poll retries).
 * Items no rule reads or that cannot be events are counted and logged with the reason.
 */
export interface CursorStore {
  get(source: string): Promise<PullCursor | undefined>;
  set(source: string, cursor: PullCursor): Promise<void>;
}

export interface PullCursor {
  /** The largest `cursorField` value stored. */
  value: string;
  /** Vendor ids of the items at exactly that value, already sent. */
  ids: string[];
}

export interface PullPorts {
  /** GET (or POST the body to) a URL with the headers, JSON back; throws on a non-2xx (with the status). */
  fetchJson(url: string, headers: Record<string, string>, body?: string): Promise<unknown>;
  token: string;
  cursors: CursorStore;
  sink: EventSink;
  index: IdIndex;
  now(): Date;
  futureToleranceHours: number;
  log(level: "info" | "warn", fields: object, message: string): void;
}

export interface PollReport {
  pages: number;
  accepted: number;
  parked: number;
  rejected: number;
  ignored: number;
  skipped: number;
  cursor: string;
}

/** Orders cursor values: instants by time, anything else as text. */
function compareCursor(a: string, b: string): number {
  const [x, y] = [Date.parse(a), Date.parse(b)];
  if (!Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

export async function pollOnce(mapping: SourceMapping, ports: PullPorts): Promise<PollReport> {
  const pull = mapping.pull;
  if (!pull) throw new Error(`${mapping.file}: not a pulled source (no pull section)`);
  const stored = await ports.cursors.get(mapping.source);
  let cursor: PullCursor = stored ?? { value: pull.startCursor, ids: [] };
  const headers = { [pull.auth.header]: `${pull.auth.prefix}${ports.token}`, accept: "application/json" };
  const followed = new Map<string, unknown>();
  const report: PollReport = { pages: 0, accepted: 0, parked: 0, rejected: 0, ignored: 0, skipped: 0, cursor: cursor.value };
  const first = () => pull.url.replaceAll("{cursor}", encodeURIComponent(cursor.value));
  // The body's cursor, JSON-escaped: a cursor is data, never JSON of its own.
  const body = () => (pull.method === "POST" && pull.body !== undefined ? pull.body.replaceAll("{cursor}", JSON.stringify(cursor.value).slice(1, -1)) : undefined);
  let url: string | undefined = first();
  while (url !== undefined && report.pages < pull.maxPages) {
    const page = await ports.fetchJson(url, pull.method === "POST" ? { ...headers, "content-type": "application/json" } : headers, body());
    report.pages++;
    const listed = mapping.items ? evaluatePath(mapping.items, page) : page;
    const items = Array.isArray(listed) ? listed : [];
    const fresh: Record<string, unknown>[] = [];
    for (const item of items) {
      if (item === null || typeof item !== "object") continue;
      const at = evaluatePath(pull.cursorField, item);
      const id = mapping.id ? evaluatePath(mapping.id, item) : undefined;
      if (typeof at === "string" && at === cursor.value && id !== undefined && cursor.ids.includes(String(id))) {
        report.skipped++;
        continue;
      }
      const links: Record<string, unknown> = {};
      for (const [name, path] of pull.follow) {
        const link = evaluatePath(path, item);
        if (typeof link !== "string") continue;
        if (!followed.has(link)) followed.set(link, await ports.fetchJson(link, headers));
        links[name] = followed.get(link);
      }
      fresh.push({ ...(item as Record<string, unknown>), _follow: links });
    }
    const receivedAt = ports.now();
    const mapped = await mapPayload(mapping, fresh, { defaultOccurredAt: receivedAt.toISOString(), index: ports.index, label: `${mapping.source} page ${report.pages}`, presplit: true });
    const batches = new Map<SinkTopicId, EncodedRecord[]>();
    const add = (topic: SinkTopicId, record: EncodedRecord) => batches.set(topic, [...(batches.get(topic) ?? []), record]);
    for (const item of mapped.items) {
      if (item.status === "ignored") {
        report.ignored++;
        continue;
      }
      if (item.status === "rejected") {
        report.rejected++;
        ports.log("warn", { source: mapping.source, vendorEventId: item.vendorEventId, problems: item.rejects.map((r) => `${r.column ?? ""}: ${r.message}`) }, "pulled item rejected");
        continue;
      }
      if (item.status === "unresolved") {
        const first = item.unresolved[0];
        if (!first) continue;
        const observedAt = receivedAt.toISOString();
        add("parked", await ports.sink.encode("parked", { type: "parked_item", eventId: `park:${derivedEventId({ source: mapping.source, vendorEventId: item.vendorEventId })}`, parkKey: `${first.system}:${first.id}`, occurredAt: observedAt, observedAt, source: mapping.source, schemaVersion: 1, vendorEventId: item.vendorEventId, ids: item.unresolved, item: JSON.stringify(item.item), defaultOccurredAt: observedAt }));
        report.parked++;
        continue;
      }
      const checked = contractEvents(item, mapping.source, receivedAt, ports.futureToleranceHours);
      if (checked.problems.length > 0) {
        report.rejected++;
        ports.log("warn", { source: mapping.source, vendorEventId: item.vendorEventId, problems: checked.problems }, "pulled item rejected");
        continue;
      }
      for (const { topic, event } of checked.events) add(topic, await ports.sink.encode(topic, event));
      report.accepted++;
    }
    if (batches.size > 0) await ports.sink.sendEncoded([...batches].map(([topic, records]) => ({ topic, records })));
    // Acknowledged: the cursor moves to the largest value of the page (ids at it remembered).
    for (const item of fresh) {
      const at = evaluatePath(pull.cursorField, item);
      if (typeof at !== "string") continue;
      const id = mapping.id ? String(evaluatePath(mapping.id, item)) : undefined;
      const order = compareCursor(at, cursor.value);
      if (order > 0) cursor = { value: at, ids: id !== undefined ? [id] : [] };
      else if (order === 0 && id !== undefined && !cursor.ids.includes(id)) cursor = { value: cursor.value, ids: [...cursor.ids, id] };
    }
    await ports.cursors.set(mapping.source, cursor);
    report.cursor = cursor.value;
    if (pull.next) {
      const next = evaluatePath(pull.next, page);
      url = typeof next === "string" && next !== "" ? next : undefined;
    } else {
      // No next link (Crunchbase): ask again from the moved cursor while pages bring new items.
      url = fresh.length > 0 ? first() : undefined;
    }
  }
  ports.log("info", { source: mapping.source, ...report }, "poll done");
  return report;
}
