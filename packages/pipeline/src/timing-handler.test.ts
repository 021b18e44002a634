import { describe, expect, it } from "vitest";
import { TimingScoredEventV1 } from "@icpstream/contracts";
import { DAY_MS, scoreTiming } from "@icpstream/scoring";
import { applySignal, reevaluate, republish } from "./timing-handler.js";
import type { TimingState } from "./timing-handler.js";
import { toSignal } from "./signal-event.js";
import { recomputeFinalState } from "./recompute.js";
import { HOUR_MS, NOW, RUBRIC, at, profileEvent, signalEvent } from "./testing/fixtures.js";

const sales = RUBRIC.scorecards[0]!;

function feed(events: ReturnType<typeof signalEvent>[], now = NOW): TimingState | undefined {
  let state: TimingState | undefined;
  for (const e of events) state = applySignal(state, e, RUBRIC, now).state;
  return state;
}

describe("timing handler", () => {
  it("a signal that scores publishes timing on the scorecards where it counts, and says when to look again", () => {
    const funding = signalEvent("funding_round", { eventId: "f1", occurredAt: at(NOW - 10 * DAY_MS) });
    const { outputs, nextChangeAt, state } = applySignal(undefined, funding, RUBRIC, NOW);
    expect(outputs.map((o) => [o.scorecard, o.timing, o.strongIntent, o.hasTimingSignal])).toEqual([["sales", 36.36, true, true]]);
    // Full points up to 30 days old, then half.
    expect(nextChangeAt).toBe(at(NOW + 20 * DAY_MS + 1));
    expect(state.nextChangeAt).toBe(nextChangeAt);
  });

  it("a signal dated more than a day after it was observed is refused with SIGNAL_IN_FUTURE, so the service dead-letters it", () => {
    const ahead = signalEvent("funding_round", { eventId: "f-future", occurredAt: at(NOW + 2 * DAY_MS), observedAt: at(NOW) });
    expect(() => applySignal(undefined, ahead, RUBRIC, NOW)).toThrow(expect.objectContaining({ code: "SIGNAL_IN_FUTURE", retryable: false }));
    expect(() => applySignal(undefined, ahead, RUBRIC, NOW)).toThrow("signal f-future is dated 2026-11-03T00:00:00.000Z, 2 days after it was observed (2026-11-01T00:00:00.000Z); at most 24 hours ahead is accepted");
    const skewed = signalEvent("funding_round", { eventId: "f-skew", occurredAt: at(NOW + 23 * HOUR_MS), observedAt: at(NOW) });
    expect(applySignal(undefined, skewed, RUBRIC, NOW).state.signals.map((s) => s.eventId)).toEqual(["f-skew"]);
    expect(() => applySignal(undefined, skewed, RUBRIC, NOW, undefined, { futureToleranceMs: HOUR_MS })).toThrow("at most 1 hours ahead");
  });

  it("the batch recompute leaves out the signals the timing service refuses as future-dated", () => {
    const ahead = signalEvent("funding_round", { eventId: "f-future", occurredAt: at(NOW - DAY_MS), observedAt: at(NOW - 5 * DAY_MS) });
    const final = recomputeFinalState({ profiles: [profileEvent({ eventId: "p1" })], signals: [ahead], rubric: RUBRIC, now: NOW });
    expect(final.find((f) => f.scorecard === "sales")?.timing).toBeNull();
  });

  it("keeps a visit that makes a later sighting of it a duplicate until that sighting is finished too, so the duplicate never counts on its own", () => {
    const first = at(NOW - 20 * DAY_MS);
    const again = at(NOW - 20 * DAY_MS + 10 * 60_000);
    const visits = [
      signalEvent("careers_page_visit", { eventId: "c1", occurredAt: first, extra: { visitorId: "v-9" } }),
      signalEvent("careers_page_visit", { eventId: "c2", occurredAt: again, extra: { visitorId: "v-9" } }),
    ];
    const state = feed(visits)!;
    // 28 days (the rule's maxAgeDays) after the first sighting, 5 minutes before the second one ages out.
    const between = Date.parse(first) + 28 * DAY_MS + 5 * 60_000;
    const later = reevaluate(state, RUBRIC, between);
    const batch = scoreTiming(visits.map(toSignal), sales, between);
    expect(later.state.signals.map((s) => s.eventId)).toEqual(["c1", "c2"]);
    expect(scoreTiming(later.state.signals, sales, between).points).toBe(batch.points);
    expect(batch.points).toBe(0);
  });

  it("a signal that scores nothing publishes nothing", () => {
    const { outputs, state } = applySignal(undefined, signalEvent("job_posting", { eventId: "j1" }), RUBRIC, NOW);
    expect(outputs).toEqual([]);
    expect(state.signals).toEqual([]);
  });

  it("the same signal delivered again changes nothing and publishes nothing", () => {
    const event = signalEvent("pricing_page_visit", { eventId: "v1" });
    const first = applySignal(undefined, event, RUBRIC, NOW);
    const again = applySignal(first.state, event, RUBRIC, NOW + HOUR_MS);
    expect(again).toEqual({ state: first.state, outputs: [], nextChangeAt: first.nextChangeAt, ignored: "duplicate" });
  });

  it("a signal too old to count now or later is ignored and not stored", () => {
    const first = applySignal(undefined, signalEvent("pricing_page_visit", { eventId: "v1" }), RUBRIC, NOW);
    const old = applySignal(first.state, signalEvent("funding_round", { eventId: "f-old", occurredAt: at(NOW - 91 * DAY_MS) }), RUBRIC, NOW);
    expect(old).toEqual({ state: first.state, outputs: [], nextChangeAt: first.nextChangeAt, ignored: "expired" });
  });

  it("the clock publishes the decayed score at the boundary, and nothing before it", () => {
    const funding = signalEvent("funding_round", { eventId: "f1", occurredAt: at(NOW - 10 * DAY_MS) });
    const first = applySignal(undefined, funding, RUBRIC, NOW);
    const boundary = Date.parse(first.nextChangeAt ?? "");
    expect(reevaluate(first.state, RUBRIC, boundary - 1).outputs).toEqual([]);
    const decayed = reevaluate(first.state, RUBRIC, boundary);
    expect(decayed.outputs.map((o) => [o.scorecard, o.timing, o.eventId])).toEqual([["sales", 18.18, `timing:acme.com:sales@${at(boundary)}`]]);
    expect(decayed.outputs[0]?.causingEventIds).toEqual(["f1"]);
  });

  it("when every signal has aged out the clock publishes a zero score and then forgets the signals", () => {
    const first = applySignal(undefined, signalEvent("funding_round", { eventId: "f1", occurredAt: at(NOW - 10 * DAY_MS) }), RUBRIC, NOW);
    const end = reevaluate(first.state, RUBRIC, NOW + 81 * DAY_MS);
    expect(end.outputs.map((o) => [o.timing, o.hasTimingSignal])).toEqual([[0, false]]);
    expect(end.state.signals).toEqual([]);
    expect(end.nextChangeAt).toBeNull();
  });

  it("next change is the earliest over the scorecards", () => {
    // plg's pricing visit halves every whole day; sales's pricing points never decay.
    const { nextChangeAt } = applySignal(undefined, signalEvent("pricing_page_visit", { eventId: "v1", occurredAt: at(NOW - HOUR_MS) }), RUBRIC, NOW);
    expect(nextChangeAt).toBe(at(NOW + 23 * HOUR_MS));
  });

  it("a decayed signal is kept while it keeps its layer from resetting", () => {
    // The content download is worth nothing after 10 days, but as the newest intent activity it keeps the 40-day-old pricing visit counting.
    const state = feed([
      signalEvent("pricing_page_visit", { eventId: "v1", occurredAt: at(NOW - 40 * DAY_MS) }),
      signalEvent("content_download", { eventId: "c1", occurredAt: at(NOW - 20 * DAY_MS) }),
    ]);
    expect(state?.signals.map((s) => s.eventId)).toEqual(["v1", "c1"]);
    expect(reevaluate(state!, RUBRIC, NOW + 11 * DAY_MS).state.signals.map((s) => s.eventId)).toEqual(["v1"]);
  });

  it("a decayed signal is kept while a later one can still complete a burst with it", () => {
    // Burst points decay with the window's last signal (6 days); a 9-day-old webinar can still open a window that ends 2 days ago.
    const w1 = signalEvent("webinar_attended", { eventId: "w1", occurredAt: at(NOW - 9 * DAY_MS) });
    const state = feed([w1]);
    expect(state?.signals.map((s) => s.eventId)).toEqual(["w1"]);
    const later = feed([w1, signalEvent("webinar_attended", { eventId: "w2", occurredAt: at(NOW - 3 * DAY_MS) }), signalEvent("webinar_attended", { eventId: "w3", occurredAt: at(NOW - 2 * DAY_MS) })]);
    const burst = scoreTiming(later!.signals, sales, NOW).contributions.find((c) => c.rule === "timing.surge.webinar-burst");
    expect(burst?.points).toBe(15);
    // After 14 days (7-day window + 6 days of decay + 1) it can no longer matter.
    expect(feed([w1], NOW + 5 * DAY_MS + 1)?.signals).toEqual([]);
  });

  it("two copies of one event id keep the one the engine keeps, whatever the order", () => {
    const early = signalEvent("funding_round", { eventId: "f1", occurredAt: at(NOW - 40 * DAY_MS) });
    const late = signalEvent("funding_round", { eventId: "f1", occurredAt: at(NOW - 5 * DAY_MS) });
    const a = feed([early, late]);
    const b = feed([late, early]);
    expect(a).toEqual(b);
    expect(a?.signals.map((s) => s.occurredAt)).toEqual([early.occurredAt]);
    expect(scoreTiming(a!.signals, sales, NOW).score).toBe(scoreTiming([toSignal(early), toSignal(late)], sales, NOW).score);
  });

  it("evaluation never goes back before the last evaluation, so a clock that steps back publishes nothing stale", () => {
    const first = applySignal(undefined, signalEvent("funding_round", { eventId: "f1", occurredAt: at(NOW - 10 * DAY_MS) }), RUBRIC, NOW);
    const back = applySignal(first.state, signalEvent("pricing_page_visit", { eventId: "v1", occurredAt: at(NOW - DAY_MS) }), RUBRIC, NOW - HOUR_MS);
    expect(back.outputs.every((o) => o.occurredAt === at(NOW))).toBe(true);
    expect(back.state.asOf).toBe(at(NOW));
  });

  it("outputs are valid timing_scored events with ids from the signal and the instant, identical when reprocessed at the same instant", () => {
    const event = signalEvent("funding_round", { eventId: "f1", occurredAt: at(NOW - 10 * DAY_MS) });
    const once = applySignal(undefined, event, RUBRIC, NOW).outputs;
    expect(JSON.stringify(applySignal(undefined, event, RUBRIC, NOW).outputs)).toBe(JSON.stringify(once));
    for (const o of once) expect(TimingScoredEventV1.parse(o)).toEqual(o);
    expect(once[0]).toMatchObject({ eventId: `timing:acme.com:sales:f1@${at(NOW)}`, occurredAt: at(NOW), observedAt: at(NOW), source: "timing", causingEventIds: ["f1"] });
  });

  it("after a quiet replay every scorecard's timing is published again as of now, changed or not, with the clock's ids", () => {
    const { state } = applySignal(undefined, signalEvent("funding_round", { eventId: "f1", occurredAt: at(NOW - DAY_MS) }), RUBRIC, NOW);
    expect(reevaluate(state, RUBRIC, NOW).outputs).toEqual([]);
    const again = republish(state, RUBRIC, NOW + HOUR_MS);
    expect(again.outputs.map((o) => o.scorecard).sort()).toEqual(RUBRIC.scorecards.map((c) => c.id).sort());
    expect(again.outputs.every((o) => o.eventId === `timing:acme.com:${o.scorecard}@${at(NOW + HOUR_MS)}` && o.occurredAt === at(NOW + HOUR_MS))).toBe(true);
    expect(again.state.published).toEqual(reevaluate(state, RUBRIC, NOW + HOUR_MS).state.published);
  });
});
