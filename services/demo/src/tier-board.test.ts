import type { TierChangedEventV1 } from "@icpstream/contracts";
import { parseRubric } from "@icpstream/scoring";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TierBoard } from "./tier-board.js";

const rubric = parseRubric(readFileSync(new URL("../../../rubrics/enterprise.yaml", import.meta.url), "utf8"), "enterprise.yaml");
const card = rubric.scorecards[0]!;
const tier = (id: string) => {
  const t = card.tiers.findIndex((x) => x.id === id);
  return t === -1 ? { id, name: card.excluded.name, rank: card.tiers.length + 1 } : { id, name: card.tiers[t]!.name, rank: t + 1 };
};
const change = (accountKey: string, from: string | null, to: string): TierChangedEventV1 => ({ accountKey, scorecard: card.id, previousTier: from ? tier(from) : null, tier: tier(to) }) as TierChangedEventV1;

describe("the live view's board", () => {
  it("counts first placements without printing them, prints moves up and down", () => {
    const board = new TierBoard(rubric.scorecards, 10);
    expect(board.record(change("a.com", null, "tier3"), 0)).toEqual({ show: false, kind: "placed" });
    expect(board.record(change("a.com", "tier3", "tier1"), 0)).toEqual({ show: true, kind: "up" });
    expect(board.record(change("a.com", "tier1", "tier2"), 0)).toEqual({ show: true, kind: "down" });
    expect(board.record(change("a.com", "tier2", "tier2"), 0)).toEqual({ show: false, kind: "moved" });
  });

  it("prints at most its budget of lines per second and counts the rest", () => {
    const board = new TierBoard(rubric.scorecards, 2);
    const shown = [0, 100, 200, 999, 1000].map((t, i) => board.record(change(`a${i}.com`, "tier3", "tier2"), t).show);
    expect(shown).toEqual([true, true, false, false, true]);
    expect(board.summary("day 1").join("\n")).toContain("2 changes not shown");
  });

  it("keeps one current tier per account and shows the distribution, warning when the top tier holds more than its healthy 10–15%", () => {
    const board = new TierBoard(rubric.scorecards, 10);
    board.record(change("a.com", null, "tier3"), 0);
    board.record(change("a.com", "tier3", "tier1"), 0);
    board.record(change("b.com", null, "tier3"), 0);
    const d = board.distribution(card);
    expect(d.total).toBe(2);
    expect(d.shares.map((s) => [s.tier, s.count])).toEqual([...card.tiers.map((t) => [t.id, t.id === "tier1" || t.id === "tier3" ? 1 : 0]), [card.excluded.id, 0]]);
    expect(d.health.status).toBe("above");
    expect(d.warning).toMatch(/Tier 1 holds 50% of 2 accounts, above the healthy 10%–15%; raise Tier 1's min \(75\)/);
    const lines = board.summary("day 3 (2026-01-04)");
    expect(lines[0]).toMatch(/^── day 3 \(2026-01-04\) · 2 accounts · Tier 1 50.0% \(1\)/);
    expect(lines[1]).toMatch(/^ {3}warning: /);
    expect(board.summary("day 4").join("\n")).toContain("since last: 0 up, 0 down");
  });

  it("warns when the top tier holds less than its healthy share, saying to lower the threshold", () => {
    const board = new TierBoard(rubric.scorecards, 10);
    for (let i = 0; i < 20; i++) board.record(change(`a${i}.com`, null, "tier2"), 0);
    board.record(change("a0.com", "tier2", "tier1"), 0);
    const d = board.distribution(card);
    expect(d.health).toMatchObject({ status: "below", share: 0.05 });
    expect(d.warning).toMatch(/Tier 1 holds 5% of 20 accounts, below the healthy 10%–15%; lower Tier 1's min \(75\)/);
  });

  it("says nothing when the top tier is inside its band", () => {
    const board = new TierBoard(rubric.scorecards, 10);
    for (let i = 0; i < 8; i++) board.record(change(`a${i}.com`, null, i === 0 ? "tier1" : "tier3"), 0);
    expect(board.distribution(card)).toMatchObject({ health: { status: "healthy", share: 0.125 } });
    expect(board.distribution(card).warning).toBeUndefined();
  });
});
