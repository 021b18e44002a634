import { describe, expect, it } from "vitest";
import { DAY_MS } from "@icpstream/scoring";
import { applyFitScored } from "./combiner-handler.js";
import { applyProfile } from "./fit-handler.js";
import { decodeCombinerState, decodeFitState, decodeTimingState, encodeState } from "./state-codec.js";
import { applySignal } from "./timing-handler.js";
import { PipelineError } from "./errors.js";
import { NOW, RUBRIC, at, profileEvent, signalEvent } from "./testing/fixtures.js";

describe("state codec", () => {
  it("every state survives the JSON round trip to Redis unchanged", () => {
    const fit = applyProfile(undefined, profileEvent({ eventId: "p1" }), RUBRIC);
    const timing = applySignal(undefined, signalEvent("funding_round", { eventId: "f1", occurredAt: at(NOW - 3 * DAY_MS) }), RUBRIC, NOW);
    const combiner = applyFitScored(undefined, fit.outputs[0]!, RUBRIC);
    expect(decodeFitState(encodeState(fit.state))).toEqual(fit.state);
    expect(decodeTimingState(encodeState(timing.state))).toEqual(timing.state);
    expect(decodeCombinerState(encodeState(combiner.state))).toEqual(combiner.state);
  });

  it("states stay small: digests instead of published scores, top reasons instead of explanations", () => {
    const fit = applyProfile(undefined, profileEvent({ eventId: "p1" }), RUBRIC);
    const combiner = applyFitScored(undefined, fit.outputs[0]!, RUBRIC);
    expect(encodeState(fit.state).length).toBeLessThan(300);
    expect(encodeState(combiner.state).length).toBeLessThan(800);
  });

  it("a value that is not a state this version can read is refused with STATE_INVALID and the path", () => {
    expect(() => decodeFitState("{not json")).toThrow(PipelineError);
    expect(() => decodeTimingState(JSON.stringify({ v: 1, accountKey: "acme.com", asOf: null, nextChangeAt: null, signals: [{ type: "nope" }], published: {} }))).toThrow(/timing state: signals\.0/);
    expect(() => decodeCombinerState(JSON.stringify({ v: 2 }))).toThrow(expect.objectContaining({ code: "STATE_INVALID" }));
  });
});
