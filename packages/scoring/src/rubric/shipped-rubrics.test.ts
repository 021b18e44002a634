import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseRubric } from "./load-rubric.js";

const load = (name: string) => parseRubric(readFileSync(new URL(`../../../../rubrics/${name}`, import.meta.url), "utf8"), `rubrics/${name}`);

describe("the shipped rubrics", () => {
  it("enterprise.yaml keeps the reference split: firmographics 30, technographics 25, organisational 15, anti-ICP −10 in fit; triggers 20 in timing", () => {
    const card = load("enterprise.yaml").scorecards[0]!;
    expect([card.fit.firmographics?.max, card.fit.technographics?.max, card.fit.organisational?.max, card.fit.antiIcp.soft?.max]).toEqual([30, 25, 15, 10]);
    expect(card.timing.layers.triggers?.max).toBe(20);
    expect(card.tiers.map((t) => [t.name, t.min])).toEqual([["Tier 1", 75], ["Tier 2", 50], ["Tier 3", 0]]);
  });

  it("plg.yaml uses the fit/engagement/intent formula with A/B/C/D tiers", () => {
    const card = load("plg.yaml").scorecards[0]!;
    expect(card.weights).toEqual({ fit: 0.4, engagement: 0.3, intent: 0.3 });
    expect(card.tiers.map((t) => t.id)).toEqual(["a", "b", "c", "d"]);
  });
});
