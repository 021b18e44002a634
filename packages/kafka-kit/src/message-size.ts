import kafkajs from "kafkajs";
import type { Admin } from "kafkajs";

// kafkajs is CommonJS and Node's ESM loader does not see this export by name (vitest does).
const { ConfigResourceTypes } = kafkajs;

/**
 * How big a produce request may be before the broker refuses it, measured on our side
 * before anything is sent: a request refused for its size fails the same way every time,
 * so it must be refused to its sender (413), not retried as if the broker were down.
 *
 * The broker's limit is on a record batch — the records of one partition in one request,
 * uncompressed here — and is the topic's `max.message.bytes` (default: the broker's
 * `message.max.bytes`, 1048588). Sizes below are upper bounds of the v2 record format
 * (KIP-98): a batch header of 61 bytes, then per record its length, attributes, timestamp
 * and offset deltas as varints, the key, the value and the headers.
 */

/** Kafka's default `message.max.bytes` / `max.message.bytes` (1 MiB + 12). */
export const DEFAULT_BROKER_MAX_MESSAGE_BYTES = 1_048_588;

/** The v2 record batch header: base offset 8, length 4, leader epoch 4, magic 1, CRC 4, attributes 2, last offset delta 4, timestamps 16, producer id 8, epoch 2, base sequence 4, record count 4. */
export const RECORD_BATCH_OVERHEAD_BYTES = 61;

/** A message ready for the broker. */
export interface EncodedRecord {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

const VARINT_MAX = 5;
const VARLONG_MAX = 10;

/** An upper bound of one record's bytes inside a v2 record batch. */
export function recordBytes(record: EncodedRecord): number {
  // length, attributes (1), timestamp delta, offset delta, key length + key, value length + value, header count
  let bytes = VARINT_MAX + 1 + VARLONG_MAX + VARINT_MAX + VARINT_MAX + Buffer.byteLength(record.key, "utf8") + VARINT_MAX + record.value.byteLength + VARINT_MAX;
  for (const [name, value] of Object.entries(record.headers)) bytes += VARINT_MAX + Buffer.byteLength(name, "utf8") + VARINT_MAX + Buffer.byteLength(value, "utf8");
  return bytes;
}

/** Whether a record can be written at all: alone in its batch, under the limit. */
export function fitsAlone(record: EncodedRecord, maxMessageBytes: number): boolean {
  return RECORD_BATCH_OVERHEAD_BYTES + recordBytes(record) <= maxMessageBytes;
}

/**
 * Splits records, in order, into groups whose batch fits under `maxMessageBytes` even if
 * every record of a group went to one partition. Each group is one produce request.
 * Throws RangeError for a record that does not fit alone (check with `fitsAlone` first).
 */
export function chunkRecords<R extends EncodedRecord>(records: readonly R[], maxMessageBytes: number): R[][] {
  const chunks: R[][] = [];
  let current: R[] = [];
  let bytes = RECORD_BATCH_OVERHEAD_BYTES;
  for (const record of records) {
    const size = recordBytes(record);
    if (RECORD_BATCH_OVERHEAD_BYTES + size > maxMessageBytes) throw new RangeError(`a record of ${size} bytes does not fit in a batch of at most ${maxMessageBytes} bytes`);
    if (current.length > 0 && bytes + size > maxMessageBytes) {
      chunks.push(current);
      current = [];
      bytes = RECORD_BATCH_OVERHEAD_BYTES;
    }
    current.push(record);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * The smallest `max.message.bytes` among the topics, as the broker reports it (a topic
 * without an override reports the broker's `message.max.bytes`). Falls back to Kafka's
 * default when the broker does not say (a client without DescribeConfigs rights).
 */
export async function topicMaxMessageBytes(admin: Admin, topics: readonly string[]): Promise<{ bytes: number; reported: boolean }> {
  if (topics.length === 0) return { bytes: DEFAULT_BROKER_MAX_MESSAGE_BYTES, reported: false };
  let described;
  try {
    described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ["max.message.bytes"] })),
    });
  } catch {
    return { bytes: DEFAULT_BROKER_MAX_MESSAGE_BYTES, reported: false };
  }
  const values = described.resources.flatMap((r) => r.configEntries.filter((c) => c.configName === "max.message.bytes").map((c) => Number(c.configValue))).filter((n) => Number.isInteger(n) && n > 0);
  return values.length > 0 ? { bytes: Math.min(...values), reported: true } : { bytes: DEFAULT_BROKER_MAX_MESSAGE_BYTES, reported: false };
}
