import { describe, expect, it } from "vitest";
import { DemoClockDriver, historyScored } from "./clock-driver.js";
import { consolePlan, DEMO_NAMESPACE, demoClock, positiveSetting, servicesToStart, wholeNumberSetting } from "./start-plan.js";

describe("what npm start sets up", () => {
  it("gives every process one clock, a file the view writes: day 0 is the start of the day at the anchor, one simulated day per wall second", () => {
    const anchor = Date.parse("2026-11-23T14:40:00.000Z");
    const clock = demoClock(anchor, 1, "/tmp/demo-clock");
    expect(clock).toEqual({ spec: "file:/tmp/demo-clock", startIso: "2026-11-23T00:00:00.000Z", factor: 86_400, file: "/tmp/demo-clock" });
    expect(demoClock(anchor, 0.5, "c").factor).toBe(43_200);
  });

  it("holds the clock at day 0 until the history is scored, then runs it at the demo's speed", () => {
    const clock = demoClock(Date.parse("2026-11-23T14:40:00.000Z"), 1, "c");
    const driver = new DemoClockDriver(Date.parse(clock.startIso), clock.factor);
    expect(driver.now(1_000_000)).toBe(Date.parse("2026-11-23T00:00:00.000Z"));
    driver.release(1_000_000);
    driver.release(2_000_000);
    expect(driver.now(1_030_000)).toBe(Date.parse("2026-12-23T00:00:00.000Z"));
    expect(historyScored({ placed: 2999, expected: 3000, lastChangeWallMs: 0, wallMs: 10_000, quietMs: 2_000 })).toBe(false);
    expect(historyScored({ placed: 3000, expected: 3000, lastChangeWallMs: 9_000, wallMs: 10_000, quietMs: 2_000 })).toBe(false);
    expect(historyScored({ placed: 3000, expected: 3000, lastChangeWallMs: 8_000, wallMs: 10_000, quietMs: 2_000 })).toBe(true);
  });

  it("refuses a speed that is not positive", () => {
    expect(() => demoClock(0, 0, "c")).toThrow(/ICP_DEMO_SPEED/);
    expect(() => positiveSetting("fast", "ICP_DEMO_SPEED")).toThrow(/ICP_DEMO_SPEED: expected a positive number/);
    expect(() => wholeNumberSetting("-1", "ICP_DEMO_OPS_PORT_BASE")).toThrow(/ICP_DEMO_OPS_PORT_BASE/);
  });

  it("starts the router and the outcome stage only once their composition roots exist", () => {
    expect(servicesToStart(() => false).map((s) => s.name)).toEqual(["fit", "timing", "combiner"]);
    expect(servicesToStart(() => true).map((s) => [s.name, s.required])).toEqual([["fit", true], ["timing", true], ["combiner", true], ["router", false], ["outcomes", false]]);
  });

  it("runs each service's compiled composition root, and asks only whether its source exists", () => {
    const asked: string[] = [];
    const services = servicesToStart((file) => (asked.push(file), file.startsWith("services/router/")));
    expect(asked).toEqual(["services/router/src/main.ts", "services/outcomes/src/main.ts"]);
    expect(services.map((s) => [s.source, s.main])).toEqual([
      ["services/fit/src/main.ts", "services/fit/dist/main.js"],
      ["services/timing/src/main.ts", "services/timing/dist/main.js"],
      ["services/combiner/src/main.ts", "services/combiner/dist/main.js"],
      ["services/router/src/main.ts", "services/router/dist/main.js"],
    ]);
  });

  it("opens the console with the environment's token, or a fresh one kept in a file, and points it at the outcome stage", () => {
    const fresh = consolePlan({}, { outcomesOpsPort: 19115, makeToken: () => "random-token-0123456789" });
    expect(fresh).toMatchObject({ port: 18100, url: "http://127.0.0.1:18100", token: "random-token-0123456789", tokenFrom: "file" });
    expect(fresh.env).toEqual({ ICP_CONSOLE_PORT: "18100", ICP_CONSOLE_TOKEN: "random-token-0123456789", ICP_CONSOLE_OUTCOMES_URL: "http://127.0.0.1:19115" });
    const given = consolePlan({ ICP_CONSOLE_TOKEN: "mine-0123456789abcdef", ICP_CONSOLE_PORT: "29120" }, { outcomesOpsPort: null, makeToken: () => "unused" });
    expect(given).toMatchObject({ port: 29120, token: "mine-0123456789abcdef", tokenFrom: "environment" });
    expect(given.env.ICP_CONSOLE_OUTCOMES_URL).toBeUndefined();
    expect(() => consolePlan({ ICP_CONSOLE_PORT: "web" }, { outcomesOpsPort: null, makeToken: () => "t" })).toThrow(/ICP_CONSOLE_PORT/);
  });

  it("runs in a namespace of its own, valid for topics, Redis keys and groups", () => {
    expect(DEMO_NAMESPACE.ICP_TOPIC_PREFIX).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(DEMO_NAMESPACE.ICP_REDIS_PREFIX).not.toMatch(/[{}]/);
  });
});
