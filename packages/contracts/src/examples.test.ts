import { Ajv } from "ajv";
import addFormatsPlugin from "ajv-formats";
import { describe, expect, it } from "vitest";
import { SIGNAL_TYPES, Signal } from "@icpstream/scoring";
import { TOPICS, catalogTopics, eventTypesOf } from "./catalog.js";
import type { TopicId } from "./catalog.js";
import { Envelope } from "./envelope.js";
import { EXAMPLE_EVENTS } from "./examples.js";
import { registrySchemaFor } from "./json-schema.js";

const addFormats = addFormatsPlugin as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
const topicIds = Object.keys(TOPICS) as TopicId[];

describe("example events", () => {
  it.each(topicIds)("cover every event type the %s topic carries", (id) => {
    const covered = new Set(EXAMPLE_EVENTS[id].map((e) => (e as { type: string }).type));
    expect(eventTypesOf(TOPICS[id]).filter((t) => !covered.has(t))).toEqual([]);
  });

  for (const id of topicIds) {
    const validate = ajv.compile(registrySchemaFor(TOPICS[id]));
    for (const example of EXAMPLE_EVENTS[id]) {
      const type = (example as { type: string }).type;
      it(`a ${type} example satisfies the ${id} zod schema`, () => {
        const result = TOPICS[id].schema.safeParse(example);
        expect(result.error?.issues ?? []).toEqual([]);
      });
      it(`a ${type} example satisfies the ${id} JSON Schema the registry stores`, () => {
        expect(validate(example) ? [] : validate.errors).toEqual([]);
      });
      it(`a ${type} example carries the shared envelope`, () => {
        // A parked item has no account yet, a rubric promotion is for every account: they carry the envelope less the account key.
        const envelope = TOPICS[id].key === "parkKey" || TOPICS[id].key === "controlKey" ? Envelope.omit({ accountKey: true }) : Envelope;
        expect(envelope.safeParse(example).success).toBe(true);
      });
    }
  }
});

describe("the generated JSON Schema", () => {
  const validateHiring = ajv.compile(registrySchemaFor(TOPICS.hiring));
  const posting = EXAMPLE_EVENTS.hiring[0]!;

  it("refuses an event without an account key, like the zod schema", () => {
    const { accountKey: _, ...withoutKey } = posting;
    expect(validateHiring(withoutKey)).toBe(false);
    expect(TOPICS.hiring.schema.safeParse(withoutKey).success).toBe(false);
  });

  it("refuses an event type that its topic does not carry, like the zod schema", () => {
    const funding = EXAMPLE_EVENTS.funding[0]!;
    expect(validateHiring(funding)).toBe(false);
    expect(TOPICS.hiring.schema.safeParse(funding).success).toBe(false);
  });

  it("refuses a field of the wrong type, like the zod schema", () => {
    const bad = { ...EXAMPLE_EVENTS.hiring[1]!, openRoles: "fourteen" };
    expect(validateHiring(bad)).toBe(false);
    expect(TOPICS.hiring.schema.safeParse(bad).success).toBe(false);
  });

  it("closes objects so the registry accepts a new optional field under BACKWARD", () => {
    const schema = registrySchemaFor(TOPICS.hiring) as { oneOf: { additionalProperties?: unknown }[] };
    expect(schema.oneOf.length).toBe(4);
    for (const branch of schema.oneOf) expect(branch.additionalProperties).toBe(false);
  });

  it("leaves fields with a default optional, as producers may omit them", () => {
    const change = { ...EXAMPLE_EVENTS.hiring[2]! } as Record<string, unknown>;
    delete change.change;
    expect(validateHiring(change)).toBe(true);
    expect(TOPICS.hiring.schema.parse(change)).toMatchObject({ change: "joined" });
  });
});

describe("signal events", () => {
  it("cover each of the scoring package's signal types on exactly one topic", () => {
    const carried = catalogTopics(TOPICS).flatMap((t) => eventTypesOf(t)).filter((t) => (SIGNAL_TYPES as readonly string[]).includes(t));
    expect([...carried].sort()).toEqual([...SIGNAL_TYPES].sort());
  });

  it("are scoring signals: the timing engine reads them without translation", () => {
    for (const event of [...EXAMPLE_EVENTS.hiring, ...EXAMPLE_EVENTS.funding, ...EXAMPLE_EVENTS.intent]) {
      const signal = Signal.parse(event);
      expect(signal).toMatchObject({ type: event.type, eventId: event.eventId, accountKey: event.accountKey, occurredAt: event.occurredAt });
    }
  });

  it("refuse an account key that is not normalized, naming the normalized form", () => {
    const result = TOPICS.hiring.schema.safeParse({ ...EXAMPLE_EVENTS.hiring[0]!, accountKey: "www.Northwind-Analytics.com" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain("normalizes to");
  });

  it("require the envelope's source even where the signal itself leaves it optional", () => {
    const { source: _, ...withoutSource } = EXAMPLE_EVENTS.hiring[0]!;
    expect(TOPICS.hiring.schema.safeParse(withoutSource).success).toBe(false);
  });

  it("refuse a schema version they do not define", () => {
    expect(TOPICS.intent.schema.safeParse({ ...EXAMPLE_EVENTS.intent[0]!, schemaVersion: 2 }).success).toBe(false);
  });
});
