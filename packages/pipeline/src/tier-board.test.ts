import { describe, expect, it } from "vitest";
import { EXAMPLE_EVENTS } from "@icpstream/contracts";
import type { TierChangedEventV1 } from "@icpstream/contracts";
import { TierBoard } from "./tier-board.js";

const base = EXAMPLE_EVENTS.tierChanged[0]!;
const tier = (rank: number) => ({ id: `tier${rank}`, name: `Tier ${rank}`, rank });
const change = (account: string, version: number, rank: number, day: number): TierChangedEventV1 => ({
  ...base,
  eventId: `tc-${account}-${version}:v${version}`,
  accountKey: account,
  occurredAt: new Date(Date.parse("2026-11-01T12:00:00Z") + day * 86_400_000).toISOString(),
  tier: tier(rank),
});

describe("the console's tier board", () => {
  it("counts each account once, in the tier of its highest version, whatever order the changes come in", () => {
    const board = new TierBoard();
    board.apply(change("a.com", 2, 1, 1));
    board.apply(change("a.com", 1, 3, 0));
    board.apply(change("b.com", 1, 2, 0));
    board.apply(change("c.com", 1, 2, 1));
    expect(board.distribution("enterprise").map((t) => [t.tier, t.accounts, t.share])).toEqual([
      ["tier1", 1, 1 / 3],
      ["tier2", 2, 2 / 3],
    ]);
    expect(board.applied).toBe(4);
    // By the days the changes are dated, whatever order they arrived in; a day without changes repeats the day before.
    board.apply(change("d.com", 1, 3, 3));
    expect(board.overTime("enterprise")).toEqual([
      { day: "2026-11-01", tiers: { tier3: 1, tier2: 1 } },
      { day: "2026-11-02", tiers: { tier3: 0, tier2: 2, tier1: 1 } },
      { day: "2026-11-03", tiers: { tier3: 0, tier2: 2, tier1: 1 } },
      { day: "2026-11-04", tiers: { tier3: 1, tier2: 2, tier1: 1 } },
    ]);
  });

  it("keeps each account's changes newest first, the feed newest first, both bounded", () => {
    const board = new TierBoard({ historyPerAccount: 2, recent: 3 });
    for (let v = 1; v <= 4; v++) board.apply(change("a.com", v, (v % 3) + 1, v));
    expect(board.history("a.com").map((h) => h.eventId)).toEqual(["tc-a.com-4:v4", "tc-a.com-3:v3"]);
    expect(board.recent().map((h) => h.eventId)).toEqual(["tc-a.com-4:v4", "tc-a.com-3:v3", "tc-a.com-2:v2"]);
    expect(board.currentOf("a.com").map((c) => c.tier.id)).toEqual(["tier2"]);
    expect(board.search("enterprise", "a.c").map((c) => c.accountKey)).toEqual(["a.com"]);
  });
});
