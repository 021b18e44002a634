import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RECORD_BATCH_OVERHEAD_BYTES, chunkRecords, fitsAlone, recordBytes } from "./message-size.js";
import type { EncodedRecord } from "./message-size.js";

const record = fc.record({
  key: fc.string({ maxLength: 40 }),
  value: fc.uint8Array({ maxLength: 900 }).map((bytes) => Buffer.from(bytes)),
  headers: fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 40 }), { maxKeys: 3 }),
}) as fc.Arbitrary<EncodedRecord>;

describe("chunkRecords", () => {
  it("a batch of any size is split into requests that each fit the broker's message size, keeping every record in order", () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 60 }), fc.integer({ min: 1200, max: 8000 }), (records, max) => {
        const chunks = chunkRecords(records, max);
        expect(chunks.flat()).toEqual(records);
        for (const chunk of chunks) {
          expect(chunk.length).toBeGreaterThan(0);
          expect(RECORD_BATCH_OVERHEAD_BYTES + chunk.reduce((n, r) => n + recordBytes(r), 0)).toBeLessThanOrEqual(max);
        }
      }),
    );
  });

  it("refuses a record that does not fit even alone", () => {
    const big = { key: "acme.com", value: Buffer.alloc(2000), headers: {} };
    expect(fitsAlone(big, 2000)).toBe(false);
    expect(() => chunkRecords([big], 2000)).toThrow(RangeError);
  });
});
