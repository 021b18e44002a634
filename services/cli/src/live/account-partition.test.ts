import { describe, expect, it } from "vitest";
import { accountPartition } from "./account-partition.js";

// murmur2 values from Kafka's own UtilsTest (clients/src/test/.../utils/UtilsTest.java);
// the partition is toPositive(murmur2(key)) % partitions, as the Java producer computes it.
const KAFKA_MURMUR2: [string, number][] = [
  ["21", -973932308],
  ["foobar", -790332482],
  ["a-little-bit-long-string", -985981536],
  ["abc", 479470107],
];

describe("the partition of an account", () => {
  it("is the partition Kafka's Java client picks for the key", () => {
    for (const [key, hash] of KAFKA_MURMUR2) {
      for (const partitions of [1, 6, 7, 12]) expect(accountPartition(key, partitions), `${key} / ${partitions}`).toBe((hash & 0x7fffffff) % partitions);
    }
  });

  it("refuses a partition count below one", () => {
    expect(() => accountPartition("acme.com", 0)).toThrow(RangeError);
  });
});
