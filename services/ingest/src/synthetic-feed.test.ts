import { describe, expect, it } from "vitest";
import { TOPICS } from "@icpstream/contracts";
import { generateMarket } from "./synthetic-feed.js";

const options = { seed: 42, accounts: 2000, start: "2026-08-01T00:00:00Z", days: 90 };
const market = generateMarket(options);

describe("the synthetic market", () => {
  it("is the same market, event for event, for the same seed", () => {
    const again = generateMarket(options);
    expect(again.profiles).toEqual(market.profiles);
    expect(again.signals).toEqual(market.signals);
  });

  it("is a different market for another seed", () => {
    expect(generateMarket({ ...options, seed: 43, accounts: 50 }).profiles[0]).not.toEqual(market.profiles[0]);
  });

  it("has as many distinct accounts as asked, each a valid profile event", () => {
    expect(new Set(market.profiles.map((p) => p.accountKey)).size).toBe(2000);
    for (const profile of market.profiles) expect(TOPICS.firmographic.schema.safeParse(profile).error?.issues ?? []).toEqual([]);
  });

  it("spreads headcount from small companies to enterprises", () => {
    const sizes = market.profiles.map((p) => p.firmographics.employeeCount ?? 0);
    expect(sizes.filter((n) => n < 50).length).toBeGreaterThan(200);
    expect(sizes.filter((n) => n >= 1000).length).toBeGreaterThan(20);
  });

  it("produces every kind of signal, each valid on its topic, inside the window and in order", () => {
    const good = market.signals.filter((s) => s.ok);
    const types = new Set(good.map((s) => s.event.type));
    expect(types.size).toBe(17);
    let previous = "";
    for (const s of good) {
      expect(TOPICS[s.topic].schema.safeParse(s.event).error?.issues ?? []).toEqual([]);
      expect(s.event.occurredAt >= previous).toBe(true);
      previous = s.event.occurredAt;
    }
  });

  it("has hiring bursts: accounts with three or more postings", () => {
    const postings = new Map<string, number>();
    for (const s of market.signals) if (s.ok && s.event.type === "job_posting") postings.set(s.event.accountKey, (postings.get(s.event.accountKey) ?? 0) + 1);
    expect([...postings.values()].filter((n) => n >= 3).length).toBeGreaterThan(50);
  });

  it("mixes in bad records that the contracts refuse", () => {
    const bad = market.signals.filter((s) => !s.ok);
    expect(bad.length).toBeGreaterThan(0);
    for (const s of bad) expect(TOPICS[s.topic].schema.safeParse(s.raw).success).toBe(false);
  });
});
