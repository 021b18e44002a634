import { describe, expect, it } from "vitest";
import { SettledOffsets, type OffsetTicket } from "./settled-offsets.js";

function tracked(offsets: SettledOffsets, partition: number, ...at: number[]): OffsetTicket[] {
  return at.map((offset) => {
    const ticket = offsets.track(partition, String(offset));
    if (!ticket) throw new Error(`offset ${offset} was not tracked`);
    return ticket;
  });
}

describe("SettledOffsets", () => {
  it("messages settled in order move the commit point to the one after the last settled", () => {
    const offsets = new SettledOffsets();
    const [a, b, c] = tracked(offsets, 0, 10, 11, 12);

    expect(offsets.commitPoint(0)).toBe("10");
    expect(offsets.settle(a!)).toBe(true);
    expect(offsets.commitPoint(0)).toBe("11");
    expect(offsets.settle(b!)).toBe(true);
    expect(offsets.settle(c!)).toBe(true);
    expect(offsets.due()).toEqual([{ partition: 0, offset: "13" }]);
  });

  it("a later message settled first does not move the commit point past an earlier one still open", () => {
    const offsets = new SettledOffsets();
    const [a, b, c] = tracked(offsets, 0, 10, 11, 12);

    expect(offsets.settle(c!)).toBe(false);
    expect(offsets.settle(b!)).toBe(false);
    expect(offsets.due()).toEqual([{ partition: 0, offset: "10" }]);

    // The earliest one settles last: everything up to the newest is now behind the commit point.
    expect(offsets.settle(a!)).toBe(true);
    expect(offsets.due()).toEqual([{ partition: 0, offset: "13" }]);
  });

  it("a message that never settles (its dead letter could not be recorded) holds its partition back for good, and only its partition", () => {
    const offsets = new SettledOffsets();
    const [, ...rest] = tracked(offsets, 0, 5, 6, 7, 8);
    const [other] = tracked(offsets, 1, 40);
    for (const ticket of rest) offsets.settle(ticket);
    offsets.settle(other!);

    expect(offsets.due()).toEqual([
      { partition: 0, offset: "5" },
      { partition: 1, offset: "41" },
    ]);
    expect(offsets.openCount()).toBe(1);
  });

  it("gaps between offsets (compaction, transaction markers) do not hold the commit point", () => {
    const offsets = new SettledOffsets();
    const [a, b] = tracked(offsets, 2, 100, 250);

    offsets.settle(b!);
    expect(offsets.commitPoint(2)).toBe("100");
    offsets.settle(a!);
    expect(offsets.commitPoint(2)).toBe("251");
  });

  it("settling the same ticket twice changes nothing the second time", () => {
    const offsets = new SettledOffsets();
    const [a, b] = tracked(offsets, 0, 1, 2);

    expect(offsets.settle(a!)).toBe(true);
    expect(offsets.settle(a!)).toBe(false);
    expect(offsets.commitPoint(0)).toBe("2");
    expect(offsets.settle(b!)).toBe(true);
  });

  it("an offset at or below the last one taken is not tracked again: its first ticket settles it", () => {
    const offsets = new SettledOffsets();
    const [a] = tracked(offsets, 0, 7, 8);

    expect(offsets.track(0, "7")).toBeUndefined();
    expect(offsets.track(0, "3")).toBeUndefined();
    offsets.settle(a!);
    expect(offsets.commitPoint(0)).toBe("8");
  });

  it("a commit that failed stays due; one that went through is not due again until the point moves", () => {
    const offsets = new SettledOffsets();
    const [a, b] = tracked(offsets, 0, 20, 21);
    offsets.settle(a!);

    const first = offsets.due();
    expect(first).toEqual([{ partition: 0, offset: "21" }]);
    // The commit request failed: nothing reported, so the same commit is still due.
    expect(offsets.due()).toEqual(first);

    offsets.committed(first, offsets.epoch);
    expect(offsets.due()).toEqual([]);
    offsets.settle(b!);
    expect(offsets.due()).toEqual([{ partition: 0, offset: "22" }]);
  });

  it("after a rebalance, tickets, messages and commits of the earlier generation count for nothing", () => {
    const offsets = new SettledOffsets();
    const before = offsets.epoch;
    const [old] = tracked(offsets, 0, 30, 31);
    const oldCommits = [{ partition: 0, offset: "31" }];

    offsets.reset();
    // The partition is read again from its committed offset.
    const [again] = tracked(offsets, 0, 30);
    expect(offsets.settle(old!)).toBe(false);
    expect(offsets.track(0, "32", before)).toBeUndefined();
    offsets.committed(oldCommits, before);

    expect(offsets.due()).toEqual([{ partition: 0, offset: "30" }]);
    offsets.settle(again!);
    expect(offsets.due()).toEqual([{ partition: 0, offset: "31" }]);
  });

  it("nothing is due for a partition nothing was taken from", () => {
    const offsets = new SettledOffsets();
    expect(offsets.due()).toEqual([]);
    expect(offsets.commitPoint(3)).toBeUndefined();
  });

  it("offsets beyond 2^53 keep their order and arithmetic", () => {
    const offsets = new SettledOffsets();
    const [a] = tracked(offsets, 0, 0);
    const big = "9007199254740993"; // 2^53 + 1: not a safe integer
    const ticket = offsets.track(0, big);
    offsets.settle(a!);
    offsets.settle(ticket!);
    expect(offsets.commitPoint(0)).toBe("9007199254740994");
  });
});
