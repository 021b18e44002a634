import { describe, expect, it } from "vitest";
import { DAY_MS } from "../domain/time.js";
import { AS_OF, AS_OF_MS, daysAgo, scorecard, signal } from "../testing/fixtures.js";
import { scoreTiming } from "./timing-score.js";

const triggers = scorecard();

describe("situational triggers with step decay", () => {
  it("an account whose funding is 45 days old gets half the trigger points", () => {
    const result = scoreTiming([signal({ type: "funding_round", round: "series_b" }, 45)], triggers, AS_OF);
    expect(result.points).toBe(10);
    expect(result.contributions[0]?.evidence[0]).toMatchObject({ ageDays: 45, factor: 0.5, points: 10 });
  });

  it("an account whose funding is exactly 30 days old still gets full points", () => {
    expect(scoreTiming([signal({ type: "funding_round", round: "series_b" }, 30)], triggers, AS_OF).points).toBe(20);
  });

  it("an account whose funding is 91 days old gets nothing and will never change on its own", () => {
    const result = scoreTiming([signal({ type: "funding_round", round: "series_b" }, 91)], triggers, AS_OF);
    expect(result).toMatchObject({ points: 0, score: 0, nextChangeAt: null, hasTimingSignal: false });
  });

  it("says when the score next changes: the first instant after the 30-day boundary", () => {
    const s = signal({ type: "funding_round", round: "series_b" }, 10);
    const result = scoreTiming([s], triggers, AS_OF);
    expect(result.nextChangeAt).toBe(new Date(Date.parse(s.occurredAt) + 30 * DAY_MS + 1).toISOString());
    expect(scoreTiming([s], triggers, result.nextChangeAt!).points).toBe(10);
    expect(scoreTiming([s], triggers, Date.parse(result.nextChangeAt!) - 1).points).toBe(20);
  });

  it("keeps the strongest of several signals for a max rule", () => {
    const result = scoreTiming([signal({ type: "funding_round", round: "seed" }, 50), signal({ type: "funding_round", round: "series_a" }, 5)], triggers, AS_OF);
    expect(result.points).toBe(20);
    expect(result.contributions[0]?.evidence).toHaveLength(1);
  });

  it("ignores a signal that has not happened yet at the as-of instant, and wakes up when it does", () => {
    const future = signal({ type: "funding_round", round: "series_b" }, -2);
    const result = scoreTiming([future], triggers, AS_OF);
    expect(result.points).toBe(0);
    expect(result.nextChangeAt).toBe(future.occurredAt.replace(/Z$/, "Z"));
  });

  it("counts an event id once even when it arrives twice", () => {
    const card = scorecard({ timing: { layers: { hiring: { max: 30, rules: [{ id: "jobs", signal: "job_posting", points: 10, combine: "sum" }] } } } });
    const s = signal({ type: "job_posting", title: "RevOps Manager" }, 3);
    expect(scoreTiming([s, s, { ...s }], card, AS_OF).points).toBe(10);
  });
});

describe("rule conditions", () => {
  const card = scorecard({
    timing: {
      layers: {
        hiring: { max: 15, rules: [{ id: "gtm", signal: "job_posting", where: { title: { contains: ["revops", "head of outbound"] } }, points: 10, combine: "sum", cap: 15 }] },
        intent: { max: 25, rules: [{ id: "surge", signal: "intent_topic_surge", where: { topic: ["lead scoring"], score: { min: 60 } }, points: 12, strong: { score: { min: 80 } } }] },
      },
    },
  });

  it("match job titles by whole words and cap a sum rule", () => {
    const result = scoreTiming(
      [signal({ type: "job_posting", title: "Senior RevOps Manager" }), signal({ type: "job_posting", title: "Head of Outbound" }), signal({ type: "job_posting", title: "Office Manager" })],
      card,
      AS_OF,
    );
    expect(result.contributions[0]).toMatchObject({ points: 15, uncappedPoints: 20 });
    expect(result.contributions[0]?.evidence).toHaveLength(2);
  });

  it.each([
    [59, 0, false],
    [60, 12, false],
    [79, 12, false],
    [80, 12, true],
  ])("a topic surge of strength %i scores %i points (strong intent: %s)", (score, points, strong) => {
    const result = scoreTiming([signal({ type: "intent_topic_surge", topic: "Lead Scoring", score, source: "bombora" })], card, AS_OF);
    expect(result.points).toBe(points);
    expect(result.strongIntent).toBe(strong);
  });

  it("keeps strong intent when an ordinary surge on the same rule scores as much as the strong one", () => {
    const ordinaryFirst = signal({ type: "intent_topic_surge", topic: "Lead Scoring", score: 70, source: "bombora" }, 5);
    const strong = signal({ type: "intent_topic_surge", topic: "Lead Scoring", score: 90, source: "bombora" }, 2);
    const result = scoreTiming([ordinaryFirst, strong], card, AS_OF);
    expect(result.points).toBe(12);
    expect(result.strongIntent).toBe(true);
  });

  it("does not count a surge on another topic", () => {
    expect(scoreTiming([signal({ type: "intent_topic_surge", topic: "Payroll", score: 95, source: "bombora" })], card, AS_OF).points).toBe(0);
  });
});

describe("first-party engagement counting rules", () => {
  const card = scorecard({
    timing: {
      decay: { kind: "none" },
      layers: { engagement: { max: 30, resetAfterInactiveDays: 90, rules: [{ id: "pricing", signal: "pricing_page_visit", points: 4, burst: { count: 3, withinDays: 7, points: 15 }, strong: "burst" }] } },
    },
  });
  const visit = (age: number) => signal({ type: "pricing_page_visit" }, age);

  it("one pricing-page visit is weak", () => {
    expect(scoreTiming([visit(1)], card, AS_OF)).toMatchObject({ points: 4, strongIntent: false });
  });

  it("three pricing-page visits within 7 days are strong", () => {
    const result = scoreTiming([visit(1), visit(4), visit(6)], card, AS_OF);
    expect(result).toMatchObject({ points: 15, strongIntent: true });
    expect(result.contributions[0]?.evidence[0]?.description).toContain("3 × pricing_page_visit within 7 days");
    expect(result.strongSignals[0]).toMatchObject({ rule: "timing.engagement.pricing", ageDays: 6 });
  });

  it("a burst of three visits stays strong only while the three fall in the last 7 days", () => {
    const result = scoreTiming([visit(1), visit(4), visit(8)], card, AS_OF);
    expect(result).toMatchObject({ points: 15, strongIntent: false, strongSignals: [] });
    const fresh = scoreTiming([visit(1), visit(4), visit(6)], card, AS_OF);
    expect(fresh.strongSignals[0]?.strongUntil).toBe(new Date(Date.parse(daysAgo(6)) + 7 * DAY_MS).toISOString());
    expect(fresh.nextChangeAt).toBe(new Date(Date.parse(daysAgo(6)) + 7 * DAY_MS + 1).toISOString());
  });

  it("three pricing-page visits spread over 8 days are not", () => {
    expect(scoreTiming([visit(1), visit(4), visit(9)], card, AS_OF)).toMatchObject({ points: 4, strongIntent: false });
  });

  it("behavioural signals reset after 90 days without activity", () => {
    const visits = [visit(80), visit(81), visit(82)];
    expect(scoreTiming(visits, card, AS_OF).points).toBe(15);
    expect(scoreTiming(visits, card, AS_OF_MS + 11 * DAY_MS).points).toBe(0);
    expect(scoreTiming(visits, card, AS_OF).nextChangeAt).toBe(new Date(Date.parse(daysAgo(80)) + 90 * DAY_MS).toISOString());
  });

  it("a behavioural layer is reset from exactly 90 days of inactivity on (methodology: no activity in the past 90 days)", () => {
    const visits = [visit(10)];
    expect(scoreTiming(visits, card, AS_OF_MS + 80 * DAY_MS - 1).points).toBe(4);
    expect(scoreTiming(visits, card, AS_OF_MS + 80 * DAY_MS).points).toBe(0);
  });
});

describe("negative behaviour", () => {
  const card = scorecard({
    timing: {
      layers: {
        triggers: { max: 20, rules: [{ id: "funding", signal: "funding_round", points: 20 }] },
        negative: { min: -10, rules: [{ id: "careers", signal: "careers_page_visit", points: -3, combine: "sum", cap: 6 }, { id: "competitor", signal: "competitor_visitor", points: -10 }] },
      },
    },
  });

  it("lowers the score, within the layer's floor", () => {
    const result = scoreTiming([signal({ type: "funding_round", round: "series_b" }), signal({ type: "careers_page_visit" }), signal({ type: "careers_page_visit" }), signal({ type: "careers_page_visit" }), signal({ type: "competitor_visitor" })], card, AS_OF);
    expect(result.layers.find((l) => l.id === "negative")).toMatchObject({ points: -10, uncappedPoints: -16 });
    expect(result.points).toBe(10);
  });

  it("shows only the deductions that were applied when the layer's floor is reached", () => {
    const result = scoreTiming([signal({ type: "careers_page_visit" }), signal({ type: "careers_page_visit" }), signal({ type: "competitor_visitor" })], card, AS_OF);
    const negative = result.contributions.filter((c) => c.layer === "negative");
    expect(negative.map((c) => [c.rule, c.points, c.uncappedPoints])).toEqual([
      ["timing.negative.careers", 0, -6],
      ["timing.negative.competitor", -10, -10],
    ]);
    expect(negative.reduce((sum, c) => sum + c.points, 0)).toBe(result.layers.find((l) => l.id === "negative")?.points);
  });

  it("takes the timing score below zero when there is nothing positive, so the total sees it", () => {
    expect(scoreTiming([signal({ type: "competitor_visitor" })], card, AS_OF)).toMatchObject({ points: -10, score: -50 });
  });

  it("is never hidden by a positive layer's cap in a mixed layer", () => {
    const mixed = scorecard({
      timing: { layers: { engagement: { max: 10, rules: [{ id: "demo", signal: "demo_request", points: 20 }, { id: "careers", signal: "careers_page_visit", points: -4 }] } } },
    });
    const result = scoreTiming([signal({ type: "demo_request" }), signal({ type: "careers_page_visit" })], mixed, AS_OF);
    expect(result.points).toBe(6);
    expect(result.contributions.map((c) => c.points)).toEqual([10, -4]);
  });

  it("does not count as a timing signal", () => {
    expect(scoreTiming([signal({ type: "unsubscribe" }), signal({ type: "careers_page_visit" })], card, AS_OF).hasTimingSignal).toBe(false);
  });
});
