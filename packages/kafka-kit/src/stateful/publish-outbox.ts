import type { IHeaders, Producer } from "kafkajs";
import type { PartitionStateStore } from "@icpstream/redis-kit";
import type { RegistryCodec } from "../codec.js";
import { EVENT_HEADERS } from "../producer.js";
import type { Output, StatefulConsumerHooks } from "./handler.js";
import { OUTBOX, refuseIfFenced, type ShardState } from "./shard.js";

/**
 * Room: publish the outbox.
 *
 * Outputs are never sent straight from a handler. They are encoded into the shard's
 * `outbox` hash and written in the same atomic step as the state and offset that produced
 * them; then they are published in order and removed. A crash between the write and the
 * publish leaves them in the outbox, and whoever claims the shard next publishes them before
 * anything else. So outputs are never lost and never recomputed with other content; a crash
 * after the publish but before the removal sends identical bytes again (subscribers drop
 * them by event id).
 *
 * Outbox fields sort in the order they must go out: `<topic>:<offset padded>:<index>` for
 * a message's outputs, `~due:<now padded>:<account>:<index>` for a clock tick's,
 * `~catchup:<n padded>:<index>` for a quiet replay's settlement.
 */
export interface OutboxPorts {
  store: Pick<PartitionStateStore, "readShared" | "apply">;
  producer: Pick<Producer, "sendBatch">;
  codec: Pick<RegistryCodec, "encode">;
  hooks: Pick<StatefulConsumerHooks, "onEventOut">;
}

/** An outbox entry ready to send, kept beside its stored text so a send from memory needs no parsing. */
export interface Sendable {
  topic: string;
  key: string;
  value: Buffer;
  headers: IHeaders;
}

/** The stored form: exactly JSON of this shape. */
interface OutboxEntry {
  topic: string;
  key: string;
  value: string; // base64
  headers: Record<string, string>;
}

export interface Outbox {
  /**
   * Encodes outputs as outbox fields `<fieldPrefix>:<index 4 digits>` → stored text; the
   * sendable form of each goes to `ready`, under the same field.
   */
  encode(outputs: readonly Output[] | undefined, fieldPrefix: string, ready: Map<string, Sendable>): Promise<Record<string, string>>;
  /**
   * Publishes outbox entries in field order, then removes them (fenced: `FencedError`).
   * `written` is what an apply has just stored (sent from memory, `ready` holding their
   * sendable form); without it the outbox is read from Redis — on a claim, when Redis holds
   * what an earlier holder stored.
   */
  flush(state: ShardState, written?: Readonly<Record<string, string>>, ready?: ReadonlyMap<string, Sendable>): Promise<void>;
  /** After a `duplicate` answer (our own earlier attempt landed): publishes what Redis still holds of these fields. */
  flushStored(state: ShardState, fields: readonly string[]): Promise<void>;
}

/** Bytes of outbox values per producer request: well under the broker's default 1 MiB request limit per partition batch. */
const MAX_SEND_BYTES = 256 * 1024;

function parseOutboxEntry(text: string): Sendable {
  const entry = JSON.parse(text) as OutboxEntry;
  return { topic: entry.topic, key: entry.key, value: Buffer.from(entry.value, "base64"), headers: entry.headers };
}

export function createOutbox({ store, producer, codec, hooks }: OutboxPorts): Outbox {
  const flush = async (state: ShardState, written?: Readonly<Record<string, string>>, ready?: ReadonlyMap<string, Sendable>) => {
    const box = written ?? (await store.readShared(state.shard, OUTBOX));
    const names = Object.keys(box).sort();
    if (names.length === 0) return;
    // A batch's outbox can exceed what the broker takes in one request (message.max.bytes,
    // 1 MiB by default): sent in slices, in order (the producer has one request in flight).
    let byTopic = new Map<string, { key: string; value: Buffer; headers: IHeaders }[]>();
    let bytes = 0;
    const send = async () => {
      if (byTopic.size === 0) return;
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      for (const [topic, messages] of byTopic) hooks.onEventOut?.(topic, messages.length);
      byTopic = new Map();
      bytes = 0;
    };
    for (const name of names) {
      const entry = ready?.get(name) ?? parseOutboxEntry(box[name] as string);
      const value = entry.value;
      if (bytes + value.length > MAX_SEND_BYTES) await send();
      const list = byTopic.get(entry.topic) ?? [];
      list.push({ key: entry.key, value, headers: entry.headers });
      byTopic.set(entry.topic, list);
      bytes += value.length + entry.key.length;
    }
    await send();
    refuseIfFenced(state, await store.apply(state.shard, { generation: state.generation, writes: [{ hash: { shared: OUTBOX }, del: names }] }));
  };

  return {
    async encode(outputs, fieldPrefix, ready) {
      const entries: Record<string, string> = {};
      for (const [index, out] of (outputs ?? []).entries()) {
        const encoded = await codec.encode(out.spec, out.event as never);
        const event = out.event as { type?: string; eventId?: string; schemaVersion?: number };
        const headers: Record<string, string> = {};
        if (event.type) headers[EVENT_HEADERS.type] = event.type;
        if (event.eventId) headers[EVENT_HEADERS.eventId] = event.eventId;
        if (event.schemaVersion !== undefined) headers[EVENT_HEADERS.schemaVersion] = String(event.schemaVersion);
        // Exactly JSON.stringify of an OutboxEntry, without scanning the base64 value (nothing in it to escape).
        const field = `${fieldPrefix}:${String(index).padStart(4, "0")}`;
        entries[field] = `{"topic":${JSON.stringify(out.spec.topic)},"key":${JSON.stringify(encoded.key)},"value":"${encoded.value.toString("base64")}","headers":${JSON.stringify(headers)}}`;
        ready.set(field, { topic: out.spec.topic, key: encoded.key, value: encoded.value, headers });
      }
      return entries;
    },
    flush,
    async flushStored(state, fields) {
      const stored = await store.readShared(state.shard, OUTBOX);
      await flush(state, Object.fromEntries(fields.flatMap((f) => (stored[f] === undefined ? [] : [[f, stored[f] as string]]))));
    },
  };
}
