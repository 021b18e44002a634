import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isRoutingError, RoutingError } from "./errors.js";
import { parseRoutingConfig, routingConfigFromValue, tierRouting } from "./routing-config.js";

const exampleText = readFileSync(new URL("../routing.example.yaml", import.meta.url), "utf8");

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (isRoutingError(error)) return [...error.problems];
    throw error;
  }
  throw new Error("expected a RoutingError");
}

const minimal = { tiers: { tier1: { actions: [{ type: "route_to_owner", slaHours: 4 }] } }, fallbackTeam: "global", teams: { global: { owners: ["ae-1"] } } };

describe("routing config", () => {
  it("the shipped example config is valid and fills the defaults", () => {
    const config = parseRoutingConfig(exampleText, "routing.example.yaml");
    expect(config.tiers.tier1?.actions).toEqual([{ type: "route_to_owner", slaHours: 4, frontOfQueueSlaHours: 1 }]);
    expect(config.onLeave).toEqual({ unassignOwner: true, stopSequences: true });
    expect(config.territories).toHaveLength(4);
  });

  it("a minimal config gets monitor for unknown tiers and trigger rules under timing.triggers", () => {
    const config = routingConfigFromValue(minimal, "inline");
    expect(config.unknownTier).toEqual({ actions: [{ type: "monitor" }] });
    expect(config.priority).toEqual({ triggerRules: ["timing.triggers."], strongIntent: false });
    expect(config.scorecards).toEqual({});
  });

  it("a scorecard's own tiers win over the shared tiers, and a tier named nowhere is monitored", () => {
    const config = parseRoutingConfig(exampleText, "routing.example.yaml");
    expect(tierRouting(config, "plg", "a").actions.map((a) => a.type)).toEqual(["route_to_owner", "enroll_in_sequence"]);
    expect(tierRouting(config, "plg", "tier2").actions).toEqual([{ type: "enroll_in_sequence", sequenceId: "seq-tier2-revops" }]);
    expect(tierRouting(config, "enterprise", "platinum").actions).toEqual([{ type: "monitor" }]);
  });

  it("a tier id such as constructor does not reach the object prototype", () => {
    const config = routingConfigFromValue(minimal, "inline");
    expect(tierRouting(config, "constructor", "constructor")).toBe(config.unknownTier);
  });

  it("an SLA that is not a positive number is an error naming its path", () => {
    const problems = problemsOf(() => routingConfigFromValue({ ...minimal, tiers: { tier1: { actions: [{ type: "route_to_owner", slaHours: "four" }] } } }, "routing.yaml"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^routing\.yaml: tiers\.tier1\.actions\[0\]\.slaHours: .*number.*got "four"$/);
  });

  it("an unknown action type is an error naming the action", () => {
    const problems = problemsOf(() => routingConfigFromValue({ ...minimal, tiers: { tier2: { actions: [{ type: "send_flowers" }] } } }, "routing.yaml"));
    expect(problems[0]).toMatch(/^routing\.yaml: tiers\.tier2\.actions\[0\]\.type: /);
  });

  it("unknown keys are errors, so a typo does not silently drop a setting", () => {
    const problems = problemsOf(() => routingConfigFromValue({ ...minimal, onleave: { unassignOwner: false } }, "routing.yaml"));
    expect(problems.join("\n")).toContain('"onleave"');
  });

  it("a territory pointing at a team that does not exist is an error naming the territory", () => {
    const problems = problemsOf(() => routingConfigFromValue({ ...minimal, territories: [{ team: "emea", regions: ["emea"] }] }, "routing.yaml"));
    expect(problems).toEqual([expect.stringMatching(/^routing\.yaml: territories\[0\]\.team: expected a team defined under teams \(global\), got "emea"$/)]);
  });

  it("owner routing without a fallback team is an error that says which tiers need it", () => {
    const { fallbackTeam: _omit, ...noFallback } = minimal;
    const problems = problemsOf(() => routingConfigFromValue(noFallback, "routing.yaml"));
    expect(problems).toEqual([expect.stringMatching(/^routing\.yaml: fallbackTeam: expected a fallback team: tiers\.tier1 route to an owner/)]);
  });

  it("a team without owners, or with an owner twice, is an error", () => {
    expect(problemsOf(() => routingConfigFromValue({ ...minimal, teams: { global: { owners: [] } } }, "r.yaml"))[0]).toMatch(/^r\.yaml: teams\.global\.owners: expected at least one owner/);
    expect(problemsOf(() => routingConfigFromValue({ ...minimal, teams: { global: { owners: ["a", "a"] } } }, "r.yaml"))[0]).toMatch(/^r\.yaml: teams\.global\.owners: expected each owner once/);
  });

  it("the same sequence twice in one tier is an error, since both actions would share an id", () => {
    const tiers = { tier2: { actions: [{ type: "enroll_in_sequence", sequenceId: "s" }, { type: "enroll_in_sequence", sequenceId: "s" }] } };
    expect(problemsOf(() => routingConfigFromValue({ ...minimal, tiers }, "r.yaml"))[0]).toMatch(/^r\.yaml: tiers\.tier2\.actions\[1\]: expected each action once per tier, but it repeats actions\[0\]/);
  });

  it("a country code in lower case is refused with the expected form", () => {
    const problems = problemsOf(() => routingConfigFromValue({ ...minimal, territories: [{ team: "global", countries: ["de"] }] }, "r.yaml"));
    expect(problems[0]).toMatch(/^r\.yaml: territories\[0\]\.countries\[0\]: expected an ISO-3166 alpha-2 country code in upper case/);
  });

  it("an employee band with min above max is refused", () => {
    const problems = problemsOf(() => routingConfigFromValue({ ...minimal, territories: [{ team: "global", employeeCount: { min: 500, max: 50 } }] }, "r.yaml"));
    expect(problems[0]).toMatch(/^r\.yaml: territories\[0\]\.employeeCount: expected min ≤ max/);
  });

  it("YAML that does not parse is a syntax error with the line and column", () => {
    const error = (() => {
      try {
        parseRoutingConfig("tiers:\n  tier1: { actions: [\n", "routing.yaml");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RoutingError);
    expect((error as RoutingError).code).toBe("ROUTING_CONFIG_SYNTAX");
    expect((error as RoutingError).message).toMatch(/^routing\.yaml:\d+:\d+: /);
  });
});
