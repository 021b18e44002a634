import { describe, expect, it } from "vitest";
import { Signal } from "../domain/signal.js";
import { matchesWhere } from "./where.js";

const round = (stage: string) => Signal.parse({ type: "funding_round", eventId: `e-${stage}`, accountKey: "acme.com", occurredAt: "2026-10-01T00:00:00Z", round: stage });

describe("funding rounds in timing rules", () => {
  it("a Series E or Series J round satisfies a rule that lists series_d_plus", () => {
    expect(matchesWhere(round("series_e"), { round: ["series_c", "series_d_plus"] })).toBe(true);
    expect(matchesWhere(round("series_j"), { round: ["series_d_plus"] })).toBe(true);
    expect(matchesWhere(round("series_c"), { round: ["series_d_plus"] })).toBe(false);
  });

  it("still matches stages written in words in a rule", () => {
    expect(matchesWhere(round("series_b"), { round: ["Series B"] })).toBe(true);
  });
});
