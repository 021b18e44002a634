import { describe, expect, it } from "vitest";
import { checkPartition, controlKeyFor, keyPartition } from "./partitioner.js";

/**
 * murmur2 partitions computed by the Java client itself (kafka-clients 4.3.1:
 * `Utils.toPositive(Utils.murmur2(key.getBytes(UTF_8))) % n`, as `BuiltInPartitioner`
 * places a keyed record).
 */
const JAVA_CLIENT: Array<[key: string, partitions: Record<number, number>]> = [
  ["acme.com", { 2: 0, 3: 0, 6: 0 }],
  ["globex.com", { 2: 1, 3: 0, 6: 3 }],
  ["initech.com", { 2: 1, 3: 1, 6: 1 }],
  ["umbrella.com", { 2: 1, 3: 2, 6: 5 }],
  ["soltondata-1540.com", { 2: 1, 3: 1, 6: 1 }],
  ["acme.com:enterprise", { 2: 1, 3: 2, 6: 5 }],
  ["a-little-bit-long-string", { 2: 0, 3: 2, 6: 2 }],
  ["ü-umlaut.de", { 2: 0, 3: 2, 6: 2 }],
];

const codeOf = (run: () => void): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe("the catalog's partitioner", () => {
  it("puts every key where the Java client's default partitioner puts it", () => {
    for (const [key, expected] of JAVA_CLIENT) {
      for (const [count, partition] of Object.entries(expected)) {
        expect(keyPartition(key, Number(count)), `${key} of ${count}`).toBe(partition);
        expect(keyPartition(Buffer.from(key, "utf8"), Number(count)), `${key} as bytes`).toBe(partition);
      }
    }
  });

  it("refuses a partition count that is not a whole number of at least one", () => {
    expect(() => keyPartition("acme.com", 0)).toThrow(RangeError);
    expect(() => keyPartition("acme.com", 2.5)).toThrow(RangeError);
  });
});

describe("checking a consumed message's partition", () => {
  it("accepts a message in the partition its key maps to", () => {
    expect(codeOf(() => checkPartition(Buffer.from("globex.com"), 3, 6))).toBeUndefined();
  });

  it("refuses a message keyed correctly but produced to another partition, naming where it belongs", () => {
    expect(codeOf(() => checkPartition(Buffer.from("globex.com"), 0, 6))).toBe("WRONG_PARTITION");
    expect(() => checkPartition("globex.com", 0, 6)).toThrow(/belongs in partition 3 of 6/);
  });

  it("refuses a message with no key or an empty key, whatever partition it is in", () => {
    for (const key of [null, undefined, Buffer.alloc(0), ""]) expect(codeOf(() => checkPartition(key, 0, 1))).toBe("WRONG_PARTITION");
  });

  it("finds, for every partition, a control key the partitioner maps there, so a rubric promotion written to each partition passes the partition check", () => {
    for (const count of [1, 3, 6, 12, 64]) {
      for (let partition = 0; partition < count; partition++) {
        const key = controlKeyFor(partition, count);
        expect(key).toMatch(/^rubric:\d+$/);
        expect(() => checkPartition(key, partition, count)).not.toThrow();
      }
    }
    expect(() => controlKeyFor(3, 3)).toThrow(RangeError);
  });
});
