import { describe, expect, it } from "vitest";
import { mergeWrites } from "./apply-batch.js";

describe("merging a batch slice's writes", () => {
  it("leaves one write per hash, the last value of each field winning, deletes and sets in order", () => {
    expect(
      mergeWrites([
        { hash: { account: "acme.com" }, set: { fit: "1", seen: "a" } },
        { hash: { shared: "outbox" }, set: { "t:1:0000": "x" } },
        { hash: { account: "globex.com" }, set: { fit: "9" } },
        { hash: { account: "acme.com" }, set: { fit: "2" }, del: ["seen"] },
        { hash: { shared: "outbox" }, set: { "t:2:0000": "y" } },
        { hash: { account: "acme.com" }, del: ["old"], set: { seen: "b" } },
      ]),
    ).toEqual([
      { hash: { account: "acme.com" }, set: { fit: "2", seen: "b" }, del: ["old"] },
      { hash: { shared: "outbox" }, set: { "t:1:0000": "x", "t:2:0000": "y" } },
      { hash: { account: "globex.com" }, set: { fit: "9" } },
    ]);
  });

  it("deletes a field set earlier in the slice and then removed", () => {
    expect(mergeWrites([{ hash: { account: "a.com" }, set: { x: "1" } }, { hash: { account: "a.com" }, del: ["x"] }])).toEqual([{ hash: { account: "a.com" }, del: ["x"] }]);
  });

  it("keeps an account and a shared hash of the same name apart", () => {
    expect(mergeWrites([{ hash: { account: "cursor" }, set: { a: "1" } }, { hash: { shared: "cursor" }, set: { a: "2" } }])).toHaveLength(2);
  });
});
