import { parseAccounts, parseSignals } from "@icpstream/scoring";
import type { InputFormat, Mapping, RowError } from "@icpstream/scoring";
import type { InputTopicId, SignalTopicId } from "./to-events.js";
import { SIGNAL_TOPIC, profileEvent, signalEvent } from "./to-events.js";

/**
 * File ingest: an export (CSV or NDJSON, optionally through a mapping file for Apollo,
 * Clay, HubSpot…) → events, sent in batches. Rows become profiles and signals through the
 * scoring package's row parsers — the one place that happens — so a file that `icp score`
 * accepts is a file `icp ingest` accepts. A bad row is rejected with its line and reason;
 * the others go on.
 */
export type IngestType = "accounts" | "signals" | SignalTopicId;
export const INGEST_TYPES: readonly IngestType[] = ["accounts", "signals", "hiring", "funding", "intent"];

export type SendEvents = (topic: InputTopicId, events: unknown[]) => Promise<void>;

export interface IngestFileOptions {
  text: string;
  /** The file name, for error messages (`file:line: field: …`). */
  fileName: string;
  format: InputFormat;
  type: IngestType;
  mapping?: Mapping | undefined;
  /** Source for rows that name none (default: the mapping's name or "file"). */
  source?: string | undefined;
  observedAt: string;
  send: SendEvents;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface IngestResult {
  rows: number;
  sent: number;
  rejected: RowError[];
}

export async function ingestFile(options: IngestFileOptions): Promise<IngestResult> {
  const { type, observedAt } = options;
  const source = options.source ?? "file";
  const parseOptions = { source: options.fileName, format: options.format, ...(options.mapping ? { mapping: options.mapping } : {}) };
  const batches = new Map<InputTopicId, unknown[]>();
  let rows: number;
  let rejected: RowError[];
  let items: { topic: InputTopicId; event: unknown }[];
  if (type === "accounts") {
    const parsed = parseAccounts(options.text, parseOptions);
    ({ rows, rejected } = parsed);
    items = parsed.items.map((profile) => ({ topic: "firmographic", event: profileEvent(profile, { observedAt, source }) }));
  } else {
    const parsed = parseSignals(options.text, parseOptions);
    ({ rows, rejected } = parsed);
    rejected = [...rejected];
    items = [];
    for (const [i, signal] of parsed.items.entries()) {
      const topic = SIGNAL_TOPIC[signal.type];
      if (type !== "signals" && topic !== type) {
        // The parser does not keep line numbers for accepted rows; name the event instead.
        rejected.push({ source: options.fileName, line: 0, field: "type", message: `${signal.type} (event ${signal.eventId}, item ${i + 1}) is a ${topic} event, not ${type}` });
        continue;
      }
      items.push({ topic, event: signalEvent(signal, { observedAt, source }) });
    }
  }
  const batchSize = options.batchSize ?? 500;
  let sent = 0;
  const flush = async (topic: InputTopicId) => {
    const batch = batches.get(topic);
    if (!batch || batch.length === 0) return;
    await options.send(topic, batch);
    sent += batch.length;
    batches.set(topic, []);
    options.onProgress?.(sent, items.length);
  };
  options.onProgress?.(0, items.length);
  for (const { topic, event } of items) {
    const batch = batches.get(topic) ?? [];
    batch.push(event);
    batches.set(topic, batch);
    if (batch.length >= batchSize) await flush(topic);
  }
  for (const topic of batches.keys()) await flush(topic);
  return { rows, sent, rejected };
}
