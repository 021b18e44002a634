import { describe, expect, it } from "vitest";
import { OutcomeEventV1 } from "@icpstream/contracts";
import { DemoOutcomes } from "./demo-outcomes.js";

const DAY_MS = 86_400_000;
const START = Date.parse("2026-11-29T00:00:00Z");

describe("the demo's CRM", () => {
  const accounts = Array.from({ length: 3000 }, (_, i) => `a${i}.com`);
  const rankOf = (a: string) => (Number(a.slice(1, -4)) % 10 === 0 ? 1 : Number(a.slice(1, -4)) % 3 === 0 ? 2 : 3);
  const run = () => {
    const crm = new DemoOutcomes(1);
    const events: OutcomeEventV1[] = [];
    for (let day = 0; day <= 120; day++) events.push(...crm.advance(START + day * DAY_MS + 12 * 3_600_000, accounts, rankOf));
    return events;
  };

  it("opens and closes valid opportunities, each event when the clock reaches it, the same on every run", () => {
    const events = run();
    expect(events.length).toBeGreaterThan(100);
    for (const e of events) expect(OutcomeEventV1.safeParse(e).success).toBe(true);
    for (const e of events) if (e.type !== "opportunity_created") expect(Date.parse(e.closedAt)).toBeGreaterThan(Date.parse(e.createdAt ?? ""));
    expect(run()).toEqual(events);
  });

  it("wins more often in better tiers, as a working model would", () => {
    const events = run();
    const rankOfOpportunity = new Map(events.filter((e) => e.type === "opportunity_created").map((e) => [e.opportunityId, rankOf(e.accountKey)]));
    const rate = (rank: number) => {
      const closed = events.filter((e) => e.type !== "opportunity_created" && rankOfOpportunity.get(e.opportunityId) === rank);
      return closed.filter((e) => e.type === "opportunity_closed_won").length / closed.length;
    };
    expect(rate(1)).toBeGreaterThan(2 * rate(3));
  });
});
