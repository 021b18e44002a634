import { describe, expect, it } from "vitest";
import type { Producer } from "kafkajs";
import { EXAMPLE_EVENTS, TOPICS } from "@icpstream/contracts";
import { RegistryCodec } from "./codec.js";
import { EventProducer } from "./producer.js";
import { RECORD_BATCH_OVERHEAD_BYTES, recordBytes } from "./message-size.js";
import type { EncodedRecord } from "./message-size.js";
import { InMemorySchemaRegistry } from "./registry.js";

describe("the typed producer", () => {
  it("only compiles with events of the topic's contract", () => {
    const producer = new EventProducer({} as Producer, new RegistryCodec(new InMemorySchemaRegistry()));
    const send = () => {
      // @ts-expect-error — a funding event is not a hiring event
      void producer.send(TOPICS.hiring, [EXAMPLE_EVENTS.funding[0]!]);
      void producer.send(TOPICS.hiring, [EXAMPLE_EVENTS.hiring[0]!]);
    };
    expect(typeof send).toBe("function");
  });

  it("sends nothing when one event of the batch breaks the contract", async () => {
    const sent: unknown[] = [];
    const fake = { sendBatch: async (record: unknown) => void sent.push(record) } as unknown as Producer;
    const producer = new EventProducer(fake, new RegistryCodec(new InMemorySchemaRegistry()));
    const bad = { ...EXAMPLE_EVENTS.hiring[1]!, openRoles: -3 };
    await expect(producer.send(TOPICS.hiring, [EXAMPLE_EVENTS.hiring[0]!, bad])).rejects.toThrow(/openRoles/);
    expect(sent).toEqual([]);
  });

  it("keys each message by the account key and names the event in headers", async () => {
    const sent: { acks: number; topicMessages: { topic: string; messages: { key: string; headers: Record<string, string> }[] }[] }[] = [];
    const fake = { sendBatch: async (record: (typeof sent)[number]) => void sent.push(record) } as unknown as Producer;
    await new EventProducer(fake, new RegistryCodec(new InMemorySchemaRegistry())).send(TOPICS.hiring, [EXAMPLE_EVENTS.hiring[0]!]);
    expect(sent[0]).toMatchObject({ acks: -1, topicMessages: [{ topic: "icp.hiring", messages: [{ key: "northwind-analytics.com", headers: { "icp.event.type": "job_posting", "icp.event.id": "ex-0010" } }] }] });
  });

  it("refuses an event larger than the broker takes once encoded, before anything is sent", async () => {
    const sent: unknown[] = [];
    const fake = { sendBatch: async (record: unknown) => void sent.push(record) } as unknown as Producer;
    const codec = new RegistryCodec(new InMemorySchemaRegistry());
    const small = EXAMPLE_EVENTS.hiring[0]!;
    const limit = RECORD_BATCH_OVERHEAD_BYTES + recordBytes(await new EventProducer(fake, codec).encode(TOPICS.hiring, small)) + 20;
    const large = { ...small, eventId: "large", source: "s".repeat(60) };
    const producer = new EventProducer(fake, codec, { maxMessageBytes: limit });
    await expect(producer.send(TOPICS.hiring, [small, large])).rejects.toMatchObject({ code: "OVERSIZED", retryable: false, message: expect.stringMatching(new RegExp(`large is \\d+ bytes once encoded; the broker takes at most ${limit}`)) });
    expect(sent).toEqual([]);
  });

  it("splits events of several topics into requests that each fit the broker's message size, in order", async () => {
    const sent: { topicMessages: { topic: string; messages: { headers: Record<string, string> }[] }[] }[] = [];
    const fake = { sendBatch: async (record: (typeof sent)[number]) => void sent.push(record) } as unknown as Producer;
    const codec = new RegistryCodec(new InMemorySchemaRegistry());
    const producer = new EventProducer(fake, codec, { maxMessageBytes: 2048 });
    const hiring = Array.from({ length: 6 }, (_, i) => ({ ...EXAMPLE_EVENTS.hiring[0]!, eventId: `h-${i}` }));
    const funding = Array.from({ length: 3 }, (_, i) => ({ ...EXAMPLE_EVENTS.funding[0]!, eventId: `f-${i}` }));
    const batches = [
      { topic: TOPICS.hiring.topic, records: await Promise.all(hiring.map((e) => producer.encode(TOPICS.hiring, e))) },
      { topic: TOPICS.funding.topic, records: await Promise.all(funding.map((e) => producer.encode(TOPICS.funding, e))) },
    ];
    await producer.sendEncoded(batches);
    expect(sent.length).toBeGreaterThan(1);
    const ids = sent.flatMap((request) => request.topicMessages.flatMap((t) => t.messages.map((m) => m.headers["icp.event.id"])));
    expect(ids).toEqual([...hiring, ...funding].map((e) => e.eventId));
    for (const request of sent) {
      const records = request.topicMessages.flatMap((t) => t.messages) as unknown as EncodedRecord[];
      expect(RECORD_BATCH_OVERHEAD_BYTES + records.reduce((n, r) => n + recordBytes(r), 0)).toBeLessThanOrEqual(2048);
    }
  });
});
