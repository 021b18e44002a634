import { describe, expect, it } from "vitest";
import { keyLayout } from "./key-layout.js";
import { applyScriptArguments } from "./redis-partition-state-store.js";

const layout = keyLayout("ns:");
const shard = { group: "fit", stream: "icp.firmographic", partition: 2 };

describe("the apply script's arguments", () => {
  it("carry the generation, the source offset, each state hash once and the schedule", () => {
    const { keys, args } = applyScriptArguments(layout, shard, {
      generation: 7,
      source: { topic: "icp.firmographic", offset: "42" },
      writes: [
        { hash: { account: "acme.com" }, set: { "fit:enterprise": '{"score":80}' } },
        { hash: { shared: "cursors" }, set: { "emea-enterprise": "5" } },
        { hash: { account: "acme.com" }, del: ["fit:plg"] },
      ],
      schedule: [
        { accountKey: "acme.com", at: 1_790_000_000_000.7 },
        { accountKey: "globex.io", at: null },
      ],
    });
    expect(keys).toEqual(["ns:icp:{fit:icp.firmographic:2}:meta", "ns:icp:{fit:icp.firmographic:2}:due", "ns:icp:{fit:icp.firmographic:2}:state:acme.com", "ns:icp:{fit:icp.firmographic:2}:shared:cursors"]);
    expect(args).toEqual(["7", "icp.firmographic", "42", "", "1", "1", "fit:enterprise", '{"score":80}', "fit:plg", "1", "0", "emea-enterprise", "5", "2", "acme.com", "1790000000000", "globex.io", ""]);
  });

  it("a later write to the same field wins, whether set or delete", () => {
    const { args } = applyScriptArguments(layout, shard, {
      generation: 1,
      writes: [
        { hash: { account: "a.com" }, set: { x: "1" }, del: ["y"] },
        { hash: { account: "a.com" }, set: { y: "2" }, del: ["x"] },
      ],
    });
    expect(args).toEqual(["1", "", "", "", "1", "1", "y", "2", "x", "0"]);
  });

  it("carry what the caller believes is stored: an offset, nothing yet (~), or no check", () => {
    const args = (after: string | null | undefined) => applyScriptArguments(layout, shard, { generation: 1, source: { topic: "t", offset: "9", ...(after === undefined ? {} : { after }) } }).args.slice(0, 4);
    expect(args("8")).toEqual(["1", "t", "9", "8"]);
    expect(args(null)).toEqual(["1", "t", "9", "~"]);
    expect(args(undefined)).toEqual(["1", "t", "9", ""]);
  });

  it("a write with no source records no offset", () => {
    expect(applyScriptArguments(layout, shard, { generation: 3 }).args).toEqual(["3", "", "", "", "0"]);
  });

  it("refuses a generation claim could not have returned, a malformed offset and a non-string value", () => {
    expect(() => applyScriptArguments(layout, shard, { generation: 0 })).toThrow(/apply fit\/icp.firmographic\/2: generation/);
    for (const offset of ["-1", "01", "1.5", "", "12345678901234567890"]) {
      expect(() => applyScriptArguments(layout, shard, { generation: 1, source: { topic: "t", offset } })).toThrow(/source: expected a topic and Kafka offsets/);
    }
    expect(() => applyScriptArguments(layout, shard, { generation: 1, source: { topic: "t", offset: "5", after: "04" } })).toThrow(/source: expected a topic and Kafka offsets/);
    expect(() => applyScriptArguments(layout, shard, { generation: 1, writes: [{ hash: { account: "a.com" }, set: { n: 5 as unknown as string } }] })).toThrow(/expected a string value/);
    expect(() => applyScriptArguments(layout, shard, { generation: 1, schedule: [{ accountKey: "a.com", at: Number.NaN }] })).toThrow(/expected epoch ms or null/);
  });
});
