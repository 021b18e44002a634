import { describe, expect, it } from "vitest";
import { EXAMPLE_EVENTS, TOPICS, messageKeyOf, topicCatalog } from "@icpstream/contracts";
import type { TopicId } from "@icpstream/contracts";
import { RegistryCodec } from "./codec.js";
import { classifyError } from "./errors.js";
import { InMemorySchemaRegistry } from "./registry.js";
import { decodeWire, encodeWire } from "./wire.js";

const codeOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return classifyError(error).code;
  }
};

describe("the registry codec", () => {
  it("round-trips every example event of every topic", async () => {
    const codec = new RegistryCodec(new InMemorySchemaRegistry());
    for (const id of Object.keys(TOPICS) as TopicId[]) {
      for (const example of EXAMPLE_EVENTS[id]) {
        const spec = TOPICS[id];
        const { key, value } = await codec.encode(spec, example as never);
        expect(key).toBe(messageKeyOf(spec, example));
        expect(await codec.decode(spec, value, key)).toEqual(spec.schema.parse(example));
      }
    }
  });

  it("keys the current tiers by account and scorecard, and refuses a record under the bare account key", async () => {
    const codec = new RegistryCodec(new InMemorySchemaRegistry());
    const change = EXAMPLE_EVENTS.tierChanged[0]!;
    const { key, value } = await codec.encode(TOPICS.currentTier, change);
    expect(key).toBe(`${change.accountKey}:${change.scorecard}`);
    expect(await codeOf(codec.decode(TOPICS.currentTier, value, key))).toBe("ok");
    expect(await codeOf(codec.decode(TOPICS.currentTier, value, change.accountKey))).toBe("KEY_MISMATCH");
  });

  it("writes the registry header and the validated event's JSON", async () => {
    const codec = new RegistryCodec(new InMemorySchemaRegistry());
    const example = EXAMPLE_EVENTS.funding[0]!;
    const { value } = await codec.encode(TOPICS.funding, example);
    const { schemaId, payload } = decodeWire(value);
    expect(schemaId).toBe(await codec.writerId(TOPICS.funding));
    expect(payload.toString("utf8")).toBe(JSON.stringify(TOPICS.funding.schema.parse(example)));
  });

  it("writes one tier change to tier-changed and current-tier with the same payload and each topic's key", async () => {
    const codec = new RegistryCodec(new InMemorySchemaRegistry());
    const change = { ...EXAMPLE_EVENTS.tierChanged[0]! };
    const changed = await codec.encode(TOPICS.tierChanged, change);
    const current = await codec.encode(TOPICS.currentTier, change);
    expect(decodeWire(current.value).payload).toEqual(decodeWire(changed.value).payload);
    expect([changed.key, current.key]).toEqual([change.accountKey, `${change.accountKey}:${change.scorecard}`]);
  });

  it("validates an event again when it was changed after its last encode", async () => {
    const codec = new RegistryCodec(new InMemorySchemaRegistry());
    const change = { ...EXAMPLE_EVENTS.tierChanged[0]! };
    await codec.encode(TOPICS.tierChanged, change);
    change.total = 140;
    await expect(codec.encode(TOPICS.currentTier, change)).rejects.toThrow(/total: .*100/);
  });

  it("refuses to encode an event its own contract refuses, naming the field", async () => {
    const codec = new RegistryCodec(new InMemorySchemaRegistry());
    const bad = { ...EXAMPLE_EVENTS.intent[0]!, score: 140 };
    await expect(codec.encode(TOPICS.intent, bad)).rejects.toThrow(/score: .*100/);
  });

  it("classifies each kind of undecodable message with its own code", async () => {
    const registry = new InMemorySchemaRegistry();
    const codec = new RegistryCodec(registry, { mode: "register", maxMessageBytes: 4096 });
    const id = await codec.writerId(TOPICS.hiring);
    const posting = EXAMPLE_EVENTS.hiring[0]!;
    expect(await codeOf(codec.decode(TOPICS.hiring, Buffer.from(JSON.stringify(posting))))).toBe("WIRE_FORMAT");
    expect(await codeOf(codec.decode(TOPICS.hiring, encodeWire(9999, Buffer.from(JSON.stringify(posting)))))).toBe("UNKNOWN_SCHEMA");
    expect(await codeOf(codec.decode(TOPICS.hiring, encodeWire(id, Buffer.from("{not json"))))).toBe("MALFORMED_JSON");
    expect(await codeOf(codec.decode(TOPICS.hiring, encodeWire(id, Buffer.from(JSON.stringify({ ...posting, title: "" })))))).toBe("CONTRACT_VIOLATION");
    expect(await codeOf(codec.decode(TOPICS.hiring, encodeWire(id, Buffer.alloc(5000, 32))))).toBe("OVERSIZED");
    expect(await codeOf(codec.decode(TOPICS.hiring, encodeWire(id, Buffer.from(JSON.stringify(posting))), "other.com"))).toBe("KEY_MISMATCH");
  });

  it("in verify mode fails with SCHEMA_NOT_REGISTERED when the registry lacks the current schema", async () => {
    const codec = new RegistryCodec(new InMemorySchemaRegistry(), { mode: "verify" });
    expect(await codeOf(codec.prepare(topicCatalog({ prefix: "x." })))).toBe("SCHEMA_NOT_REGISTERED");
  });

  it("in verify mode accepts a registry that holds every current schema", async () => {
    const registry = new InMemorySchemaRegistry();
    await new RegistryCodec(registry).prepare(TOPICS);
    const ids = await new RegistryCodec(registry, { mode: "verify" }).prepare(TOPICS);
    expect(ids.size).toBe(Object.keys(TOPICS).length);
  });

  it("trusts a message on an internal topic written under the schema id it holds itself, without validating it again", async () => {
    const registry = new InMemorySchemaRegistry();
    const codec = new RegistryCodec(registry);
    const own = await codec.writerId(TOPICS.fitScored);
    const scored = JSON.parse(JSON.stringify(TOPICS.fitScored.schema.parse(EXAMPLE_EVENTS.fitScored[0]!)));
    // A field the contract would refuse shows that no second zod pass ran.
    const marked = { ...scored, fit: "not validated" };
    expect(await codec.decode(TOPICS.fitScored, encodeWire(own, Buffer.from(JSON.stringify(marked))))).toEqual(marked);
    // The key is still checked.
    expect(await codeOf(codec.decode(TOPICS.fitScored, encodeWire(own, Buffer.from(JSON.stringify(scored))), "other.com"))).toBe("KEY_MISMATCH");
  });

  it("validates in full a message on an internal topic written under another schema id, and every message on a topic fed from outside", async () => {
    const registry = new InMemorySchemaRegistry();
    const codec = new RegistryCodec(registry);
    await codec.writerId(TOPICS.fitScored);
    const other = await registry.register(TOPICS.fitScored.subject, { type: "object", description: "an older fit_scored contract" });
    const scored = JSON.parse(JSON.stringify(TOPICS.fitScored.schema.parse(EXAMPLE_EVENTS.fitScored[0]!)));
    expect(await codeOf(codec.decode(TOPICS.fitScored, encodeWire(other, Buffer.from(JSON.stringify({ ...scored, fit: "x" })))))).toBe("CONTRACT_VIOLATION");
    expect(await codeOf(codec.decode(TOPICS.fitScored, encodeWire(other, Buffer.from("null"))))).toBe("CONTRACT_VIOLATION");
    // Not an object: validated (and refused) even under our own schema id.
    expect(await codeOf(codec.decode(TOPICS.fitScored, encodeWire(await codec.writerId(TOPICS.fitScored), Buffer.from("[1,2]"))))).toBe("CONTRACT_VIOLATION");
    const hiringId = await codec.writerId(TOPICS.hiring);
    expect(await codeOf(codec.decode(TOPICS.hiring, encodeWire(hiringId, Buffer.from(JSON.stringify({ ...EXAMPLE_EVENTS.hiring[0]!, title: "" })))))).toBe("CONTRACT_VIOLATION");
    expect(TOPICS.hiring.internal).toBe(false);
  });

  it("reads a trusted message exactly as full validation would, for every example of every internal topic", async () => {
    const codec = new RegistryCodec(new InMemorySchemaRegistry());
    const internal = (Object.keys(TOPICS) as TopicId[]).filter((id) => TOPICS[id].internal);
    expect(internal).toEqual(["fitScored", "timingScored", "tierChanged", "currentTier", "routingActions"]);
    for (const id of internal) {
      const spec = TOPICS[id];
      for (const example of EXAMPLE_EVENTS[id]) {
        const { key, value } = await codec.encode(spec, example as never);
        const wireJson = JSON.parse(decodeWire(value).payload.toString("utf8"));
        expect(await codec.decode(spec, value, key)).toEqual(spec.schema.parse(wireJson));
      }
    }
  });

  it("drops fields the contract does not know, so a newer producer never breaks this consumer", async () => {
    const codec = new RegistryCodec(new InMemorySchemaRegistry());
    const id = await codec.writerId(TOPICS.funding);
    const newer = { ...EXAMPLE_EVENTS.funding[0]!, valuationUsd: 1e9 };
    const decoded = await codec.decode(TOPICS.funding, encodeWire(id, Buffer.from(JSON.stringify(newer))));
    expect(decoded).not.toHaveProperty("valuationUsd");
  });
});
