import { parseAccounts, parseContacts, parseSignals } from "@icpstream/imports";
import type { ImportIssue, ImportOptions, InputFormat, Mapping } from "@icpstream/imports";
import type { InputTopicId, SignalTopicId } from "./to-events.js";
import { SIGNAL_TOPIC, contactEvent, profileEvent, signalEvent } from "./to-events.js";

/**
 * File ingest: an export (CSV or NDJSON, optionally through a mapping file for Apollo,
 * HubSpot, Clay, Crunchbase, Salesforce, Bombora, G2…) → events, sent in batches. Rows
 * become profiles and signals through @icpstream/imports — the same parsers as `icp score`
 * — so a file that `icp score` accepts is a file `icp ingest` accepts, with the same
 * rejects and warnings. A row that cannot be sent (over the row limit, an event larger
 * than a Kafka message, a signal of another type than `--type`) is rejected with its line
 * and reason before anything is sent; the others go on.
 */
export type IngestType = "accounts" | "contacts" | "signals" | SignalTopicId;
export const INGEST_TYPES: readonly IngestType[] = ["accounts", "contacts", "signals", "hiring", "funding", "intent"];

export type SendEvents = (topic: InputTopicId, events: unknown[]) => Promise<void>;

/** Below Kafka's default message limit (1 MiB) with room for the registry header and record overhead. */
export const DEFAULT_MAX_EVENT_BYTES = 900_000;

export interface IngestFileOptions {
  /** The file's text or bytes (bytes: encoding detected, BOM dropped). */
  text: string | Uint8Array;
  /** The file name, for error messages (`file:line: column: …`). */
  fileName: string;
  format: InputFormat;
  type: IngestType;
  mapping?: Mapping | undefined;
  delimiter?: string | undefined;
  decimalComma?: boolean | undefined;
  encoding?: string | undefined;
  /** Source for rows that name none (default: the mapping's name or "file"). */
  source?: string | undefined;
  observedAt: string;
  /** Hours a signal may be dated after `observedAt` before it is rejected as future-dated (default 24: the timing service's tolerance). */
  futureToleranceHours?: number | undefined;
  send: SendEvents;
  batchSize?: number;
  maxEventBytes?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface IngestResult {
  rows: number;
  sent: number;
  rejected: ImportIssue[];
  warnings: ImportIssue[];
}

const encoder = new TextEncoder();

export async function ingestFile(options: IngestFileOptions): Promise<IngestResult> {
  const { type, observedAt } = options;
  const source = options.source ?? "file";
  const maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  // The timing service dead-letters a signal dated more than its tolerance after observedAt;
  // refusing it here names the file and line instead.
  const futureDated = { referenceMs: Date.parse(observedAt), toleranceMs: (options.futureToleranceHours ?? 24) * 3_600_000, reference: "the time it was read" };
  const parseOptions: ImportOptions = { source: options.fileName, format: options.format, mapping: options.mapping, delimiter: options.delimiter, decimalComma: options.decimalComma, encoding: options.encoding, futureDated };
  const parsed = type === "accounts" ? parseAccounts(options.text, parseOptions) : type === "contacts" ? parseContacts(options.text, parseOptions) : parseSignals(options.text, parseOptions);
  const rejected = [...parsed.rejects];
  const items: { topic: InputTopicId; event: unknown }[] = [];
  for (const [i, item] of parsed.items.entries()) {
    const line = parsed.lines[i] ?? 0;
    let topic: InputTopicId;
    let event: unknown;
    if (type === "accounts") {
      topic = "firmographic";
      event = profileEvent(item as Parameters<typeof profileEvent>[0], { observedAt, source });
    } else if (type === "contacts") {
      topic = "contacts";
      event = contactEvent(item as Parameters<typeof contactEvent>[0], { observedAt, source });
    } else {
      const signal = item as Parameters<typeof signalEvent>[0];
      topic = SIGNAL_TOPIC[signal.type];
      if (type !== "signals" && topic !== type) {
        rejected.push({ source: options.fileName, line, column: "type", value: signal.type, reason: "wrong_topic", message: `a ${signal.type} is a ${topic} event, not ${type}; skipped` });
        continue;
      }
      event = signalEvent(signal, { observedAt, source });
    }
    const bytes = encoder.encode(JSON.stringify(event)).length;
    if (bytes > maxEventBytes) {
      rejected.push({ source: options.fileName, line, column: undefined, value: undefined, reason: "event_too_large", message: `its event would be ${bytes} bytes, more than a Kafka message may hold (${maxEventBytes}); skipped` });
      continue;
    }
    items.push({ topic, event });
  }
  rejected.sort((a, b) => a.line - b.line);

  const batchSize = options.batchSize ?? 500;
  const batches = new Map<InputTopicId, unknown[]>();
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
  return { rows: parsed.rows, sent, rejected, warnings: parsed.warnings };
}
