import { describe, expect, it } from "vitest";
import type { Watermarks } from "../broker-metadata.js";
import { assignedLag } from "./lag.js";
import type { ShardState } from "./shard.js";

const shard = (partition: number, offsets: Record<string, string | null>, extra: Partial<ShardState> = {}): ShardState => ({
  shard: { group: "g", stream: "signals", partition },
  generation: 1,
  offsets: new Map(Object.entries(offsets)),
  partitionCounts: new Map(),
  fenced: false,
  uncertain: false,
  catchUp: null,
  rescorePending: false,
  queue: Promise.resolve(),
  ...extra,
});

const broker = (marks: Record<string, Array<[number, Watermarks]>>) => {
  const asked: string[] = [];
  return {
    asked,
    watermarks: async (topic: string) => {
      asked.push(topic);
      return new Map(marks[topic] ?? []);
    },
  };
};

describe("lag against the high watermark", () => {
  it("is 0 for an empty partition and for one whose every message is applied", async () => {
    const marks = broker({ hiring: [[0, { low: "0", high: "0" }], [1, { low: "0", high: "5" }]] });
    const lags = await assignedLag(["hiring"], { hiring: [0, 1] }, { held: () => [shard(0, { hiring: null }), shard(1, { hiring: "4" })] }, marks);
    expect(lags).toEqual([
      { topic: "hiring", partition: 0, lag: 0, replaying: false },
      { topic: "hiring", partition: 1, lag: 0, replaying: false },
    ]);
  });

  it("counts from the stored offset, or from the first retained message when nothing is stored", async () => {
    const marks = broker({ hiring: [[0, { low: "100", high: "130" }], [1, { low: "0", high: "50" }]] });
    const lags = await assignedLag(["hiring"], { hiring: [0, 1] }, { held: () => [shard(0, { hiring: null }), shard(1, { hiring: "9" })] }, marks);
    expect(lags.map((l) => l.lag)).toEqual([30, 40]);
  });

  it("is unknown for a partition whose shard is not held, or was let go, and flags a shard replaying quietly", async () => {
    const marks = broker({ hiring: [[0, { low: "0", high: "3" }], [1, { low: "0", high: "3" }], [2, { low: "0", high: "3" }]] });
    const held = [shard(1, { hiring: "2" }, { fenced: true }), shard(2, { hiring: "2" }, { catchUp: new Map([["hiring", "2"]]) })];
    const lags = await assignedLag(["hiring"], { hiring: [0, 1, 2] }, { held: () => held }, marks);
    expect(lags).toEqual([
      { topic: "hiring", partition: 0, lag: null, replaying: false },
      { topic: "hiring", partition: 1, lag: null, replaying: false },
      { topic: "hiring", partition: 2, lag: 0, replaying: true },
    ]);
  });

  it("asks the broker for every input topic even with nothing assigned, so the answer says the broker answers", async () => {
    const marks = broker({});
    expect(await assignedLag(["hiring", "funding"], {}, { held: () => [] }, marks)).toEqual([]);
    expect(marks.asked.sort()).toEqual(["funding", "hiring"]);
    await expect(assignedLag(["hiring"], {}, { held: () => [] }, { watermarks: () => Promise.reject(new Error("broker down")) })).rejects.toThrow("broker down");
  });
});
