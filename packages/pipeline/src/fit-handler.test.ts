import { describe, expect, it } from "vitest";
import { FitScoredEventV1 } from "@icpstream/contracts";
import { applyProfile } from "./fit-handler.js";
import { PipelineError } from "./errors.js";
import { recomputeFinalState } from "./recompute.js";
import { DAY_MS } from "@icpstream/scoring";
import { NOW, RUBRIC, at, profileEvent } from "./testing/fixtures.js";

describe("fit handler", () => {
  it("the first profile of an account publishes a fit score on every scorecard", () => {
    const { state, outputs } = applyProfile(undefined, profileEvent({ eventId: "p1" }), RUBRIC);
    expect(outputs.map((o) => [o.scorecard, o.fit])).toEqual([
      ["sales", 100],
      ["plg", 100],
    ]);
    expect(state.profile?.eventId).toBe("p1");
    expect(Object.keys(state.published)).toEqual(["sales", "plg"]);
  });

  it("a newer profile that changes nothing publishes nothing but becomes the one to beat", () => {
    const first = applyProfile(undefined, profileEvent({ eventId: "p1", occurredAt: at(NOW - 2 * DAY_MS) }), RUBRIC);
    const second = applyProfile(first.state, profileEvent({ eventId: "p2", occurredAt: at(NOW - DAY_MS) }), RUBRIC);
    expect(second.outputs).toEqual([]);
    expect(second.state.profile?.eventId).toBe("p2");
  });

  it("a newer profile publishes only the scorecards whose score or explanation changed", () => {
    const first = applyProfile(undefined, profileEvent({ eventId: "p1", occurredAt: at(NOW - 2 * DAY_MS), employeeCount: 500 }), RUBRIC);
    // plg does not look at the employee count; sales does.
    const second = applyProfile(first.state, profileEvent({ eventId: "p2", occurredAt: at(NOW - DAY_MS), employeeCount: 20 }), RUBRIC);
    expect(second.outputs.map((o) => [o.scorecard, o.fit])).toEqual([["sales", 66.67]]);
  });

  it("an excluded account is published as excluded with the reason", () => {
    const { outputs } = applyProfile(undefined, profileEvent({ eventId: "p1", employeeCount: 5 }), RUBRIC);
    expect(outputs[0]).toMatchObject({ scorecard: "sales", excluded: true, exclusions: [{ reason: "below minimum viable size" }] });
  });

  it("the same profile delivered again changes nothing and publishes nothing", () => {
    const first = applyProfile(undefined, profileEvent({ eventId: "p1" }), RUBRIC);
    const again = applyProfile(first.state, profileEvent({ eventId: "p1" }), RUBRIC);
    expect(again).toEqual({ state: first.state, outputs: [], ignored: "duplicate" });
  });

  it("a profile older than the stored one is ignored", () => {
    const newer = applyProfile(undefined, profileEvent({ eventId: "p2", occurredAt: at(NOW - DAY_MS), industry: "retail" }), RUBRIC);
    const older = applyProfile(newer.state, profileEvent({ eventId: "p1", occurredAt: at(NOW - 2 * DAY_MS) }), RUBRIC);
    expect(older).toEqual({ state: newer.state, outputs: [], ignored: "stale" });
  });

  it("a profile sent again stamped later moves the held instant, so an older profile arriving after it stays older, as the batch recompute decides", () => {
    const a1 = profileEvent({ eventId: "p-a", occurredAt: at(NOW - 3 * DAY_MS), industry: "software" });
    const a3 = profileEvent({ eventId: "p-a", occurredAt: at(NOW - DAY_MS), industry: "software" });
    const b2 = profileEvent({ eventId: "p-b", occurredAt: at(NOW - 2 * DAY_MS), industry: "retail" });
    const first = applyProfile(undefined, a1, RUBRIC);
    const again = applyProfile(first.state, a3, RUBRIC);
    expect(again).toEqual({ state: { ...first.state, profile: { eventId: "p-a", occurredAt: a3.occurredAt } }, outputs: [] });
    const late = applyProfile(again.state, b2, RUBRIC);
    expect(late.ignored).toBe("stale");
    const batch = recomputeFinalState({ profiles: [a1, a3, b2], signals: [], rubric: RUBRIC, now: NOW });
    expect(batch.map((f) => f.fit?.digest)).toEqual(RUBRIC.scorecards.map((card) => late.state.published[card.id]));
    // Seen again at an earlier instant, it changes nothing.
    expect(applyProfile(again.state, a1, RUBRIC)).toEqual({ state: again.state, outputs: [], ignored: "duplicate" });
  });

  it("of two profiles with the same instant the larger event id wins, whatever the arrival order", () => {
    const a = profileEvent({ eventId: "p-a", occurredAt: at(NOW), industry: "retail" });
    const b = profileEvent({ eventId: "p-b", occurredAt: at(NOW), industry: "software" });
    const ab = applyProfile(applyProfile(undefined, a, RUBRIC).state, b, RUBRIC);
    const ba = applyProfile(applyProfile(undefined, b, RUBRIC).state, a, RUBRIC);
    expect(ab.state).toEqual(ba.state);
    expect(ba.ignored).toBe("stale");
  });

  it("outputs are valid fit_scored events whose ids and instants come from the profile, so reprocessing repeats them byte for byte", () => {
    const event = profileEvent({ eventId: "p1", occurredAt: "2026-10-01T08:00:00.000Z" });
    const once = applyProfile(undefined, event, RUBRIC).outputs;
    const twice = applyProfile(undefined, event, RUBRIC).outputs;
    expect(JSON.stringify(twice)).toBe(JSON.stringify(once));
    for (const o of once) expect(FitScoredEventV1.parse(o)).toEqual(o);
    expect(once[0]).toMatchObject({ eventId: "fit:acme.com:sales:p1", occurredAt: event.occurredAt, observedAt: event.observedAt, source: "fit", causingEventIds: ["p1"] });
  });

  it("an output id longer than the envelope allows becomes a hash that keeps the kind", () => {
    const { outputs } = applyProfile(undefined, profileEvent({ eventId: `p-${"x".repeat(190)}` }), RUBRIC);
    expect(outputs[0]?.eventId).toMatch(/^fit-[0-9a-f]{40}$/);
  });

  it("a profile for another account is refused with ACCOUNT_MISMATCH", () => {
    const first = applyProfile(undefined, profileEvent({ eventId: "p1" }), RUBRIC);
    expect(() => applyProfile(first.state, profileEvent({ eventId: "p2", accountKey: "other.com" }), RUBRIC)).toThrow(PipelineError);
  });
});
