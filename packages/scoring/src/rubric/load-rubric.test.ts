import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { ScoringError } from "../errors.js";
import { baseCard } from "../testing/fixtures.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { canonicalJson } from "./canonical-json.js";
import { formatRubricVersion, parseRubric, SCORING_SEMANTICS } from "./load-rubric.js";
import { RubricDocument } from "./rubric-schema.js";

const yamlOf = (card: Record<string, unknown>, extra: Record<string, unknown> = {}) => stringify({ ...extra, scorecards: { enterprise: card } });

function problemsOf(text: string, source = "rubrics/enterprise.yaml"): string[] {
  try {
    parseRubric(text, source);
  } catch (error) {
    expect(error).toBeInstanceOf(ScoringError);
    return [...(error as ScoringError).problems];
  }
  throw new Error("expected the rubric to be rejected");
}

describe("parseRubric", () => {
  it("names the file, the path inside it and what was expected, with the value it got", () => {
    const card = baseCard();
    (card.tiers as { min: unknown }[])[1]!.min = "sixty";
    expect(problemsOf(yamlOf(card))).toEqual(['rubrics/enterprise.yaml: scorecards.enterprise.tiers[1].min: expected a number between 0 and 100, got "sixty"']);
  });

  it("reports a missing field as missing", () => {
    const card = baseCard();
    delete card.tiers;
    expect(problemsOf(yamlOf(card))).toEqual(["rubrics/enterprise.yaml: scorecards.enterprise.tiers: expected a list, but it is missing"]);
  });

  it("rejects a misspelt key instead of ignoring it", () => {
    expect(problemsOf(yamlOf({ ...baseCard(), tierz: [] }))[0]).toContain('scorecards.enterprise: unknown key "tierz"');
  });

  it("rejects YAML syntax errors with the line and column", () => {
    const problems = problemsOf("scorecards:\n  a: [1, 2\n");
    expect(problems[0]).toMatch(/^rubrics\/enterprise\.yaml:\d+:\d+: /);
  });

  it("rejects tiers whose thresholds do not descend to 0", () => {
    const card = baseCard({
      tiers: [
        { id: "a", name: "A", min: 50, action: "x" },
        { id: "b", name: "B", min: 60, action: "y" },
      ],
    });
    const problems = problemsOf(yamlOf(card));
    expect(problems).toContain("rubrics/enterprise.yaml: scorecards.enterprise.tiers[1].min: expected min below the previous tier's (50), got 60");
    expect(problems).toContain("rubrics/enterprise.yaml: scorecards.enterprise.tiers[1].min: expected the last tier to start at 0, got 60");
  });

  it("rejects weights that do not sum to 1 or name an unknown component", () => {
    const problems = problemsOf(yamlOf(baseCard({ weights: { fit: 0.6, engagement: 0.3 } })));
    expect(problems.some((p) => p.includes("weights.engagement: expected fit, timing or a timing layer id (triggers)"))).toBe(true);
    expect(problems.some((p) => p.includes("weights: expected weights that sum to 1 (they sum to 0.9)"))).toBe(true);
  });

  it("rejects overlapping employee bands", () => {
    const card = baseCard({
      fit: { firmographics: { max: 30, employeeCount: [{ min: 50, max: 200, points: 5 }, { min: 200, max: 500, points: 8 }] } },
    });
    expect(problemsOf(yamlOf(card))[0]).toContain("fit.firmographics.employeeCount[1]: expected bands that do not overlap (overlaps band 0)");
  });

  it("checks custom attribute rules like built-in ones: snake_case names, bands that do not overlap, one kind per attribute", () => {
    const attributes = (rules: Record<string, unknown>) => baseCard({ fit: { firmographics: { max: 10, industry: [{ values: ["software"], points: 10 }] }, attributes: { max: 10, rules } } });
    expect(problemsOf(yamlOf(attributes({ seats: [{ min: 10, max: 50, points: 3 }, { min: 50, points: 5 }] })))[0]).toContain("fit.attributes.rules.seats[1]: expected bands that do not overlap (overlaps band 0)");
    expect(problemsOf(yamlOf(attributes({ "Lead Source": [{ values: ["partner"], points: 3 }] })))[0]).toContain("expected an attribute name in snake_case (lead_source)");
    expect(problemsOf(yamlOf(attributes({ lead_source: [{ values: ["partner"], points: 3 }, { min: 1, points: 2 }] }))).length).toBeGreaterThan(0);
    expect(parseRubric(yamlOf(attributes({ lead_source: [{ values: ["partner"], points: 3 }] })), "a.yaml").scorecards[0]!.fit.attributes?.rules.lead_source).toEqual([{ values: ["partner"], points: 3 }]);
  });

  it("rejects a condition on a field the signal type does not have", () => {
    const card = baseCard({ timing: { layers: { t: { max: 10, rules: [{ id: "x", signal: "funding_round", where: { topic: ["crm"] }, points: 5 }] } } } });
    expect(problemsOf(yamlOf(card))[0]).toContain("timing.layers.t.rules[0].where.topic: expected a field of funding_round (");
  });

  it("rejects a step decay whose factor rises with age", () => {
    const decay = { kind: "step", steps: [{ upToDays: 30, factor: 0.5 }, { upToDays: 60, factor: 1 }] };
    const card = baseCard({ timing: { decay, layers: { t: { max: 10, rules: [{ id: "x", signal: "demo_request", points: 5 }] } } } });
    expect(problemsOf(yamlOf(card))[0]).toContain("timing.decay.steps[1].factor: expected factor not to increase");
  });

  it("accepts JSON as well as YAML and gives both the same version", () => {
    const value = { label: "v1", scorecards: { enterprise: baseCard() } };
    const fromYaml = parseRubric(stringify(value), "a.yaml");
    const fromJson = parseRubric(JSON.stringify(value), "a.json");
    expect(fromJson.version).toEqual(fromYaml.version);
  });

  it("keeps the version when only formatting, key order or the label change", () => {
    const card = baseCard();
    const a = parseRubric(yamlOf(card, { label: "first" }), "a.yaml");
    const reordered = Object.fromEntries(Object.entries(card).reverse());
    const b = parseRubric(`# a comment\n${JSON.stringify({ scorecards: { enterprise: reordered }, label: "second" }, null, 4)}`, "b.json");
    expect(b.version.hash).toBe(a.version.hash);
    expect(b.version.label).toBe("second");
  });

  it("changes the version when any rule changes", () => {
    const a = parseRubric(yamlOf(baseCard()), "a.yaml");
    const b = parseRubric(yamlOf(baseCard({ weights: { fit: 0.5, timing: 0.5 } })), "a.yaml");
    expect(b.version.hash).not.toBe(a.version.hash);
    expect(a.version.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("formats a version as label and short hash", () => {
    const r = parseRubric(yamlOf(baseCard(), { label: "enterprise 2026-Q3" }), "a.yaml");
    expect(formatRubricVersion(r.version)).toBe(`enterprise 2026-Q3 @ ${r.version.hash.slice(0, 12)}`);
  });

  it("fills in the documented defaults: weights 0.6/0.4, trigger step decay to day 90, hold at fit 75, a 10–15% top tier", () => {
    const card = parseRubric(yamlOf(baseCard()), "a.yaml").scorecards[0]!;
    expect(card.weights).toEqual({ fit: 0.6, timing: 0.4 });
    expect(card.timing.decay).toEqual({ kind: "step", steps: [{ upToDays: 30, factor: 1 }, { upToDays: 60, factor: 0.5 }, { beforeDays: 90, factor: 0.25 }] });
    expect(card.holdWithoutTiming).toEqual({ minFit: 75 });
    expect(card.topTierShare).toEqual({ min: 0.1, max: 0.15 });
    expect(card.excluded.id).toBe("excluded");
  });

  it("reads a soft deduction as points, or as points with a tier cap, and refuses a cap on a tier the scorecard lacks", () => {
    const fit = (deductions: Record<string, unknown>) => ({ firmographics: { max: 30 }, antiIcp: { soft: { max: 10, deductions } } });
    const card = parseRubric(yamlOf(baseCard({ fit: fit({ recentLayoffs: 5, entrenchedCompetitor: { points: 8, maxTier: "tier2" } }) })), "a.yaml").scorecards[0]!;
    expect(card.fit.antiIcp.soft?.deductions).toEqual({ recentLayoffs: { points: 5 }, entrenchedCompetitor: { points: 8, maxTier: "tier2" } });
    expect(() => parseRubric(yamlOf(baseCard({ fit: fit({ entrenchedCompetitor: { points: 8, maxTier: "gold" } }) })), "a.yaml")).toThrow(
      'a.yaml: scorecards.enterprise.fit.antiIcp.soft.deductions.entrenchedCompetitor.maxTier: expected one of the scorecard\'s tier ids (tier1, tier2, tier3), got "gold"',
    );
  });

  it("takes a decay step's end as upToDays (inclusive) or beforeDays (exclusive), one of the two", () => {
    const timing = (steps: unknown[]) => ({ decay: { kind: "step", steps }, layers: { triggers: { max: 20, rules: [{ id: "funding", signal: "funding_round", points: 20 }] } } });
    expect(() => parseRubric(yamlOf(baseCard({ timing: timing([{ upToDays: 30, beforeDays: 40, factor: 1 }]) })), "a.yaml")).toThrow("expected exactly one of upToDays (age ≤ days) or beforeDays (age < days)");
    expect(() => parseRubric(yamlOf(baseCard({ timing: timing([{ upToDays: 30, factor: 1 }, { beforeDays: 30, factor: 0.5 }]) })), "a.yaml")).toThrow("expected the days to increase from step to step");
  });

  it("refuses a strong rule whose decay never gives full points unless it says how long it is strong", () => {
    const timing = (rule: Record<string, unknown>) => ({ layers: { engagement: { max: 30, rules: [{ id: "demo", signal: "demo_request", points: 20, strong: true, ...rule }] } } });
    const noFull = { decay: { kind: "step", steps: [{ upToDays: 30, factor: 0.5 }] } };
    expect(() => parseRubric(yamlOf(baseCard({ timing: timing(noFull) })), "a.yaml")).toThrow("expected strongWithinDays: the rule's decay never gives full points");
    expect(() => parseRubric(yamlOf(baseCard({ timing: timing({ ...noFull, strongWithinDays: 10 }) })), "a.yaml")).not.toThrow();
    expect(() => parseRubric(yamlOf(baseCard({ timing: timing({ strong: undefined, strongWithinDays: 10 }) })), "a.yaml")).toThrow("expected strong next to strongWithinDays");
  });

  it("hashes the content together with the engine's scoring semantics, so a release that reads the file differently gives a new version", () => {
    const a = parseRubric(yamlOf(baseCard()), "a.yaml");
    const content = RubricDocument.parse({ scorecards: { enterprise: baseCard() } });
    expect(a.version.hash).toBe(bytesToHex(sha256(utf8ToBytes(canonicalJson({ semantics: SCORING_SEMANTICS, ...content })))));
    expect(a.version.hash).not.toBe(bytesToHex(sha256(utf8ToBytes(canonicalJson(content)))));
  });
});
