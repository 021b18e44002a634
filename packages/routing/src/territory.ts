import type { RoutingConfig, TerritoryRule } from "./routing-config.js";

/**
 * What the router knows about an account's territory. The tier change itself carries no
 * firmographics; the router service supplies them (from the profile topic or a lookup).
 * Absent means unknown: a rule that needs a value the account does not have does not match.
 */
export interface AccountTerritory {
  /** ISO-3166 alpha-2 (`DE`); compared upper-case. */
  country?: string | undefined;
  region?: string | undefined;
  employeeCount?: number | undefined;
  segment?: string | undefined;
}

const fold = (text: string) => text.trim().toLowerCase();

export function territoryMatches(rule: TerritoryRule, territory: AccountTerritory, scorecard: string): boolean {
  if (rule.scorecards && !rule.scorecards.includes(scorecard)) return false;
  if (rule.countries) {
    if (territory.country === undefined || !rule.countries.includes(territory.country.trim().toUpperCase())) return false;
  }
  if (rule.regions) {
    if (territory.region === undefined || !rule.regions.some((r) => fold(r) === fold(territory.region as string))) return false;
  }
  if (rule.segments) {
    if (territory.segment === undefined || !rule.segments.some((s) => fold(s) === fold(territory.segment as string))) return false;
  }
  if (rule.employeeCount) {
    const n = territory.employeeCount;
    if (n === undefined || !Number.isFinite(n)) return false;
    if (rule.employeeCount.min !== undefined && n < rule.employeeCount.min) return false;
    if (rule.employeeCount.max !== undefined && n > rule.employeeCount.max) return false;
  }
  return true;
}

export interface TeamChoice {
  team: string;
  /** `territories[2]` or `fallbackTeam`: which rule chose it, for the action's reason. */
  by: string;
}

/** The first territory rule that matches, else the fallback team; undefined when neither exists. */
export function chooseTeam(config: RoutingConfig, territory: AccountTerritory, scorecard: string): TeamChoice | undefined {
  const index = config.territories.findIndex((rule) => territoryMatches(rule, territory, scorecard));
  const rule = config.territories[index];
  if (rule) return { team: rule.team, by: `territories[${index}]` };
  return config.fallbackTeam === undefined ? undefined : { team: config.fallbackTeam, by: "fallbackTeam" };
}
