import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AccountProfile, parseRubric, scoreBatch, Signal, type DatedContact } from "@icpstream/scoring";
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

describe("the demo's market on the shipped enterprise rubric", () => {
  // The demo market and the rubric are tuned together: `npm start` shows a healthy pool
  // (methodology: Tier A should be roughly 10-15% of the account pool).
  const rubric = parseRubric(readFileSync(new URL("../../../rubrics/enterprise.yaml", import.meta.url), "utf8"), "enterprise.yaml");
  const market = demoMarket({ seed: 1, accounts: 3000, clockStartMs: S, backfillDays: 90, liveDays: 90 });
  const profiles = market.profiles.map((p) => AccountProfile.parse(p));
  // The demo sends its contacts too: the buying committee is part of fit, so the band must hold with them.
  const contacts = market.contacts.map(({ type: _type, eventId: _eventId, observedAt: _observedAt, source: _source, schemaVersion: _schemaVersion, ...contact }) => contact as DatedContact);

  // Scoring 3,000 accounts takes about a second; a loaded CI machine gets more room than vitest's 5 s default.
  it.each([0, 30, 60])("keeps Tier 1 within its healthy band (10 to 15 percent of the pool) on day %i", { timeout: 60_000 }, (day) => {
    const asOf = S + day * DAY;
    const signals = [...market.backfill, ...market.live].filter((s) => s.atMs <= asOf).map((s) => Signal.parse(s.event));
    const ranking = scoreBatch({ profiles, signals, rubric, asOf, contacts: contacts.filter((c) => Date.parse(c.occurredAt) <= asOf) }).rankings[0]!;
    expect(ranking.topTier.status).toBe("healthy");
    // Every tier has accounts, and most of the pool is not in active motion.
    expect(ranking.distribution.every((d) => d.count > 0)).toBe(true);
    expect(ranking.distribution.find((d) => d.tier === "tier3")!.share).toBeGreaterThan(0.4);
  });
});
