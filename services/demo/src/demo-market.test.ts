import { describe, expect, it } from "vitest";
import { demoMarket, dueSignals } from "./demo-market.js";

const S = Date.parse("2026-06-01T00:00:00.000Z");
const DAY = 86_400_000;

describe("the demo's market around the clock's start", () => {
  const market = demoMarket({ seed: 7, accounts: 200, clockStartMs: S, backfillDays: 90, liveDays: 30 });
  const accounts = new Set(market.profiles.map((p) => p.accountKey));

  it("puts the backfill in the days before the start and the live signals after it", () => {
    expect(market.backfill.length).toBeGreaterThan(0);
    expect(market.live.length).toBeGreaterThan(0);
    for (const s of market.backfill) expect(s.atMs >= S - 90 * DAY && s.atMs < S).toBe(true);
    for (const s of market.live) expect(s.atMs >= S && s.atMs < S + 30 * DAY).toBe(true);
  });

  it("sends live signals only for accounts that have a profile, with ids of their own", () => {
    for (const s of market.live) expect(accounts.has(s.event.accountKey)).toBe(true);
    const ids = [...market.backfill, ...market.live].map((s) => s.event.eventId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("is the same market for the same seed", () => {
    expect(demoMarket({ seed: 7, accounts: 200, clockStartMs: S, backfillDays: 90, liveDays: 30 })).toEqual(market);
  });

  it("hands out live signals as the clock reaches them, in order", () => {
    const [first, next] = dueSignals(market.live, 0, S + 10 * DAY);
    expect(first.every((s) => s.atMs <= S + 10 * DAY)).toBe(true);
    const [rest, end] = dueSignals(market.live, next, S + 30 * DAY);
    expect(first.length + rest.length).toBe(market.live.length);
    expect(end).toBe(market.live.length);
    expect(dueSignals(market.live, end, S + 40 * DAY)).toEqual([[], end]);
  });
});
