import { describe, expect, it } from "vitest";
import type { KafkaKitError } from "./errors.js";
import { decodeWire, encodeWire } from "./wire.js";

describe("the wire format", () => {
  it("puts the magic byte and the big-endian schema id before the payload", () => {
    const bytes = encodeWire(258, Buffer.from("{}"));
    expect([...bytes]).toEqual([0, 0, 0, 1, 2, 0x7b, 0x7d]);
  });

  it("reads back the schema id and payload it wrote", () => {
    const { schemaId, payload } = decodeWire(encodeWire(4_000_000_000, Buffer.from('{"a":1}')));
    expect(schemaId).toBe(4_000_000_000);
    expect(payload.toString()).toBe('{"a":1}');
  });

  it.each([
    ["an empty message", Buffer.alloc(0), "empty message"],
    ["a message shorter than the header", Buffer.from([0, 0, 1]), "shorter than the 5-byte"],
    ["plain JSON without the header", Buffer.from('{"type":"job_posting"}'), "expected magic byte 0"],
  ])("refuses %s with WIRE_FORMAT", (_, input, reason) => {
    expect(() => decodeWire(input)).toThrow(reason);
    try {
      decodeWire(input);
    } catch (error) {
      expect((error as KafkaKitError).code).toBe("WIRE_FORMAT");
    }
  });
});
