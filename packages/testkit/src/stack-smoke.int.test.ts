import { SchemaType } from "@kafkajs/confluent-schema-registry";
import { describe, expect } from "vitest";
import { stackTest as test, waitFor } from "./index.js";

describe("the stack under test is real", () => {
  test("a message produced with kafkajs comes back to a consumer of a fresh topic, key and headers intact", async ({ stack }) => {
    const topic = await stack.topic("smoke-roundtrip");
    const producer = stack.kafka.producer();
    await producer.connect();
    stack.onCleanup(() => producer.disconnect());
    const consumer = stack.kafka.consumer({ groupId: stack.groupId("smoke") });
    await consumer.connect();
    stack.onCleanup(() => consumer.disconnect());
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: Array<{ key: string; value: string; header: string; partition: number }> = [];
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        received.push({
          key: message.key?.toString() ?? "",
          value: message.value?.toString() ?? "",
          header: message.headers?.["icp.source"]?.toString() ?? "",
          partition,
        });
      },
    });

    const sent = ["acme.com", "globex.com", "initech.com"].map((key, i) => ({ key, value: `event-${i}`, headers: { "icp.source": "smoke" } }));
    await producer.send({ topic, messages: sent });

    await waitFor(() => received.length === sent.length, { what: "three messages back", timeoutMs: 30_000 });
    expect(received.map(({ key, value, header }) => ({ key, value, header })).sort((a, b) => a.key.localeCompare(b.key))).toEqual(
      sent.map(({ key, value }) => ({ key, value, header: "smoke" })),
    );
  });

  test("the registry stores a JSON schema, encodes and decodes with it, and refuses an incompatible new version", async ({ stack }) => {
    const subject = stack.subject("smoke-account-value");
    const v1 = {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: { accountKey: { type: "string" }, score: { type: "number" } },
      required: ["accountKey", "score"],
      additionalProperties: false,
    };
    const { id } = await stack.registry.register({ type: SchemaType.JSON, schema: JSON.stringify(v1) }, { subject });

    const payload = { accountKey: "acme.com", score: 81 };
    const encoded = await stack.registry.encode(id, payload);
    expect(encoded[0]).toBe(0); // Confluent wire format: magic byte, then the 4-byte schema id.
    expect(encoded.readInt32BE(1)).toBe(id);
    expect(await stack.registry.decode(encoded)).toEqual(payload);
    await expect(stack.registry.encode(id, { accountKey: "acme.com" })).rejects.toThrow();

    // Under BACKWARD, a new version must read data written with the old one: newly requiring
    // a field that old records lack is refused by the registry.
    const incompatible = {
      ...v1,
      properties: { ...v1.properties, tier: { type: "string" } },
      required: ["accountKey", "score", "tier"],
    };
    await expect(stack.registry.register({ type: SchemaType.JSON, schema: JSON.stringify(incompatible) }, { subject })).rejects.toThrow(
      /incompatible|409|compatib/i,
    );
    const compatible = { ...v1, properties: { ...v1.properties, tier: { type: "string" } } };
    const next = await stack.registry.register({ type: SchemaType.JSON, schema: JSON.stringify(compatible) }, { subject });
    expect(next.id).not.toBe(id);
  });

  test("ioredis runs a Lua script atomically against the private Redis", async ({ stack }) => {
    const redis = stack.redis();
    // KEYS[1] counter, ARGV[1] increment → the new value; a script runs without interleaving.
    const script = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
    const key = `${stack.keyPrefix}counter`;
    const results = await Promise.all(Array.from({ length: 20 }, () => redis.eval(script, 1, key, 5)));
    expect(Math.max(...(results as number[]))).toBe(100);
    expect(await redis.get(key)).toBe("100");
    const info = await redis.info("persistence");
    if (stack.settings.origin !== "environment") expect(info).toMatch(/aof_enabled:1/);
  });
});
