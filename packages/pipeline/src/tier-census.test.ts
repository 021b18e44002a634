import { describe, expect, it } from "vitest";
import { RUBRIC } from "./testing/fixtures.js";
import { TierCensus } from "./tier-census.js";

const card = RUBRIC.scorecards.find((c) => c.id === "sales")!;
const record = (accountKey: string, tier: string, scorecard = "sales") => ({ accountKey, scorecard, tier: { id: tier, name: tier, rank: 1 } });

describe("the tier census", () => {
  it("keeps each account's latest tier per scorecard and counts the pool", () => {
    const census = new TierCensus();
    census.apply(record("a.com", "tier3"));
    census.apply(record("a.com", "tier1"));
    census.apply(record("b.com", "tier2"));
    census.apply(record("a.com", "b", "plg"));
    expect(census.size("sales")).toBe(2);
    expect([...census.counts("sales")].sort()).toEqual([
      ["tier1", 1],
      ["tier2", 1],
    ]);
  });

  it("says the top tier is too full, too empty or healthy against the scorecard's band", () => {
    const census = new TierCensus();
    for (let i = 0; i < 8; i++) census.apply(record(`a${i}.com`, "tier3"));
    expect(census.health(card).health.status).toBe("below");
    expect(census.health(card).warning).toContain("below the healthy 10%–15%; lower Tier 1's min (75)");
    census.apply(record("a0.com", "tier1"));
    expect(census.health(card)).toMatchObject({ health: { status: "healthy", share: 0.125 }, warning: undefined });
    for (let i = 1; i < 4; i++) census.apply(record(`a${i}.com`, "tier1"));
    expect(census.health(card).health).toMatchObject({ status: "above", share: 0.5 });
  });

  it("has nothing to judge before the first record", () => {
    expect(new TierCensus().health(card)).toMatchObject({ health: { status: "empty" }, warning: undefined });
  });
});
