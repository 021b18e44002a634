import { EXAMPLE_EVENTS, type TierChangedEventV1 } from "@icpstream/contracts";
import { describe, expect, it } from "vitest";
import { formatTierChangeLine, formatTierChangeNdjson, tierDirection, tierMove } from "./format-tier-change.js";

const change: TierChangedEventV1 = {
  type: "tier_changed",
  eventId: "tc-1:v2",
  accountKey: "acme.com",
  occurredAt: "2026-03-04T10:00:00.000Z",
  observedAt: "2026-03-04T10:00:00.000Z",
  source: "combiner",
  schemaVersion: 1,
  idempotencyKey: "tc-1",
  scorecard: "enterprise",
  rubricVersion: { hash: "abc", label: "enterprise 2026-Q3" },
  previousTier: { id: "tier2", name: "Tier 2", rank: 2 },
  tier: { id: "tier1", name: "Tier 1", rank: 1 },
  total: 78,
  fit: 82,
  timing: 71,
  components: { fit: 82, timing: 71 },
  quadrant: "top_priority",
  excluded: false,
  strongIntent: false,
  reasons: [{ text: "new funding round +20" }, { text: "demo request +20" }, { text: "industry Computer Software +10" }, { text: "fourth" }],
  causingEventIds: ["fit:acme.com:enterprise:p1"],
} as TierChangedEventV1;

describe("a tier change as one line", () => {
  it("shows time, account, scorecard, the move, the scores and the top three reasons", () => {
    expect(formatTierChangeLine(change)).toBe(
      "2026-03-04T10:00:00Z  ↑ acme.com  enterprise  Tier 2 → Tier 1  total 78 (fit 82, timing 71)  new funding round +20; demo request +20; industry Computer Software +10",
    );
  });

  it("can leave out the time and the scorecard, pad the account and show fewer reasons", () => {
    expect(formatTierChangeLine(change, { time: false, scorecard: false, accountWidth: 10, reasons: 1 })).toBe("↑ acme.com    Tier 2 → Tier 1  total 78 (fit 82, timing 71)  new funding round +20");
  });

  it("says new for a first placement and marks excluded accounts", () => {
    const first = { ...change, previousTier: null, tier: { id: "excluded", name: "Excluded", rank: 4 }, excluded: true, reasons: [] };
    expect(tierMove(first)).toBe("new → Excluded");
    expect(tierDirection(first)).toBe("new");
    expect(formatTierChangeLine(first, { time: false })).toBe("+ acme.com  enterprise  new → Excluded  total 78 (fit 82, timing 71)  excluded");
  });

  it("tells a move down from a quadrant-only move", () => {
    expect(tierDirection({ previousTier: { id: "tier1", name: "Tier 1", rank: 1 }, tier: { id: "tier2", name: "Tier 2", rank: 2 } })).toBe("down");
    expect(tierDirection({ previousTier: { id: "tier2", name: "Tier 2", rank: 2 }, tier: { id: "tier2", name: "Tier 2", rank: 2 } })).toBe("same");
  });

  it("writes the event unchanged as NDJSON", () => {
    expect(JSON.parse(formatTierChangeNdjson(change))).toEqual(change);
  });

  it("names the best contact to reach, and a change of best contact as such", () => {
    const base = EXAMPLE_EVENTS.tierChanged[0] as TierChangedEventV1;
    expect(formatTierChangeLine(base)).toMatch(/ {2}reach hs-51, Head of RevOps$/);
    const moved = { ...base, previousTier: base.tier, bestContactChanged: true, previousBestContactId: "003-cfo" };
    expect(formatTierChangeLine(moved)).toMatch(/ {2}best contact now hs-51 \(was 003-cfo\), Head of RevOps$/);
  });
});
