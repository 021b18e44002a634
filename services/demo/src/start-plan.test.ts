import { parseClock } from "@icpstream/service-runtime";
import { describe, expect, it } from "vitest";
import { DEMO_NAMESPACE, demoClock, positiveSetting, servicesToStart, wholeNumberSetting } from "./start-plan.js";

describe("what npm start sets up", () => {
  it("gives every process one accelerated clock: the start of the day at the anchor, one simulated day per wall second", () => {
    const anchor = Date.parse("2026-11-23T14:40:00.000Z");
    const clock = demoClock(anchor, 1);
    expect(clock.startIso).toBe("2026-11-23T00:00:00.000Z");
    const read = (wall: number) => parseClock(clock.spec, () => wall)();
    expect(read(anchor)).toBe(Date.parse(clock.startIso));
    expect(read(anchor + 30_000)).toBe(Date.parse("2026-12-23T00:00:00.000Z"));
    expect(parseClock(demoClock(anchor, 0.5).spec, () => anchor + 2_000)()).toBe(Date.parse("2026-11-24T00:00:00.000Z"));
  });

  it("refuses a speed that is not positive", () => {
    expect(() => demoClock(0, 0)).toThrow(/ICP_DEMO_SPEED/);
    expect(() => positiveSetting("fast", "ICP_DEMO_SPEED")).toThrow(/ICP_DEMO_SPEED: expected a positive number/);
    expect(() => wholeNumberSetting("-1", "ICP_DEMO_OPS_PORT_BASE")).toThrow(/ICP_DEMO_OPS_PORT_BASE/);
  });

  it("starts the router only once its composition root exists", () => {
    expect(servicesToStart(() => false).map((s) => s.name)).toEqual(["fit", "timing", "combiner"]);
    expect(servicesToStart(() => true).map((s) => [s.name, s.required])).toEqual([["fit", true], ["timing", true], ["combiner", true], ["router", false]]);
  });

  it("runs in a namespace of its own, valid for topics, Redis keys and groups", () => {
    expect(DEMO_NAMESPACE.ICP_TOPIC_PREFIX).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(DEMO_NAMESPACE.ICP_REDIS_PREFIX).not.toMatch(/[{}]/);
  });
});
