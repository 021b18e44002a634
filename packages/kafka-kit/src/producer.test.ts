import { describe, expect, it } from "vitest";
import type { Producer } from "kafkajs";
import { EXAMPLE_EVENTS, TOPICS } from "@icpstream/contracts";
import { RegistryCodec } from "./codec.js";
import { EventProducer } from "./producer.js";
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
    const fake = { send: async (record: unknown) => void sent.push(record) } as unknown as Producer;
    const producer = new EventProducer(fake, new RegistryCodec(new InMemorySchemaRegistry()));
    const bad = { ...EXAMPLE_EVENTS.hiring[1]!, openRoles: -3 };
    await expect(producer.send(TOPICS.hiring, [EXAMPLE_EVENTS.hiring[0]!, bad])).rejects.toThrow(/openRoles/);
    expect(sent).toEqual([]);
  });

  it("keys each message by the account key and names the event in headers", async () => {
    const sent: { topic: string; acks: number; messages: { key: string; headers: Record<string, string> }[] }[] = [];
    const fake = { send: async (record: (typeof sent)[number]) => void sent.push(record) } as unknown as Producer;
    await new EventProducer(fake, new RegistryCodec(new InMemorySchemaRegistry())).send(TOPICS.hiring, [EXAMPLE_EVENTS.hiring[0]!]);
    expect(sent[0]).toMatchObject({ topic: "icp.hiring", acks: -1, messages: [{ key: "northwind-analytics.com", headers: { "icp.event.type": "job_posting", "icp.event.id": "ex-0010" } }] });
  });
});
