import { describe, expect, it } from "vitest";
import { DAY_MS } from "../domain/time.js";
import { DEFAULT_DECAY } from "../rubric/rubric-schema.js";
import { decayAt } from "./decay.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const at = (days: number, extraMs = 0) => decayAt(DEFAULT_DECAY, T0, T0 + days * DAY_MS + extraMs);

describe("step decay (the default, GTM article: full ≤ 30 d, half ≤ 60 d, a quarter until day 90, zero from day 90 on)", () => {
  it.each([
    [0, 0, 1],
    [30, 0, 1],
    [30, 1, 0.5],
    [45, 0, 0.5],
    [60, 0, 0.5],
    [60, 1, 0.25],
    [89, 0, 0.25],
    [90, -1, 0.25],
    [90, 0, 0],
    [400, 0, 0],
  ])("a signal %i days (%i ms) old keeps ×%f of its points", (days, ms, factor) => {
    expect(at(days, ms).factor).toBe(factor);
  });

  it("says the factor next changes the millisecond after an inclusive boundary, at an exclusive one, and never after the last", () => {
    expect(at(10).nextChange).toBe(T0 + 30 * DAY_MS + 1);
    expect(at(30).nextChange).toBe(T0 + 30 * DAY_MS + 1);
    expect(at(30, 1).nextChange).toBe(T0 + 60 * DAY_MS + 1);
    expect(at(60, 1).nextChange).toBe(T0 + 90 * DAY_MS);
    expect(at(90).nextChange).toBeNull();
  });

  it("gives nothing for a signal from the future, and names the instant it starts counting", () => {
    expect(decayAt(DEFAULT_DECAY, T0 + DAY_MS, T0)).toEqual({ factor: 0, nextChange: T0 + DAY_MS });
  });
});

describe("half-life decay", () => {
  const halfLife = { kind: "half_life", halfLifeDays: 14, maxAgeDays: 45 } as const;

  it("halves every half-life, counted in whole days", () => {
    expect(decayAt(halfLife, T0, T0 + 14 * DAY_MS).factor).toBe(0.5);
    expect(decayAt(halfLife, T0, T0 + 28 * DAY_MS).factor).toBe(0.25);
    expect(decayAt(halfLife, T0, T0 + 14 * DAY_MS - 1).factor).toBeCloseTo(Math.pow(0.5, 13 / 14), 12);
  });

  it("next changes at the next whole day of age, and is zero from exactly maxAgeDays on", () => {
    expect(decayAt(halfLife, T0, T0 + 3.5 * DAY_MS).nextChange).toBe(T0 + 4 * DAY_MS);
    expect(decayAt(halfLife, T0, T0 + 44.5 * DAY_MS).nextChange).toBe(T0 + 45 * DAY_MS);
    expect(decayAt(halfLife, T0, T0 + 45 * DAY_MS)).toEqual({ factor: 0, nextChange: null });
  });
});

describe("no decay", () => {
  it("keeps full points forever, or until maxAgeDays", () => {
    expect(decayAt({ kind: "none" }, T0, T0 + 1000 * DAY_MS)).toEqual({ factor: 1, nextChange: null });
    expect(decayAt({ kind: "none", maxAgeDays: 10 }, T0, T0 + 10 * DAY_MS - 1).factor).toBe(1);
    expect(decayAt({ kind: "none", maxAgeDays: 10 }, T0, T0 + 10 * DAY_MS).factor).toBe(0);
  });
});
