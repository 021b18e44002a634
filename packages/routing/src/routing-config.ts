import { formatIssues } from "@icpstream/scoring";
import { YAMLParseError, parse as parseYaml } from "yaml";
import { z } from "zod";
import { RoutingError } from "./errors.js";

/**
 * The routing config: per tier, the actions the router takes when an account enters it;
 * the response SLA of owner routing; how an active trigger changes priority; territories
 * (country / region / employee band / segment → team); the teams and their owners.
 *
 * ```yaml
 * tiers:
 *   tier1: { actions: [{ type: route_to_owner, slaHours: 4, frontOfQueueSlaHours: 1 }] }
 *   tier2: { actions: [{ type: enroll_in_sequence, sequenceId: seq-tier2 }] }
 *   tier3: { actions: [{ type: add_to_nurture, program: monthly-newsletter }] }
 *   excluded: { actions: [{ type: monitor }] }
 * territories:
 *   - { team: emea-enterprise, regions: [emea], employeeCount: { min: 1000 } }
 * fallbackTeam: global
 * teams:
 *   emea-enterprise: { owners: [ae-emea-1, ae-emea-2] }
 *   global: { owners: [ae-global-1] }
 * ```
 *
 * Tier ids are the rubric's (`tier1`, `a`, `excluded`…). A scorecard may override tiers
 * under `scorecards.<id>.tiers`; a tier named nowhere gets `unknownTier` (monitor).
 */
const Id = z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "expected an id (lower-case letters, digits, '.', '-' and '_')").max(64);
const Hours = z.number().positive("expected a number of hours > 0").max(24 * 365, "expected at most a year of hours");
const Text = z.string().trim().min(1).max(200);

export const RouteToOwnerSpec = z.strictObject({
  type: z.literal("route_to_owner"),
  /** The owner must respond within this many hours (Tier 1: 4). */
  slaHours: Hours,
  /** A shorter SLA when the account has an active trigger (front of the queue); default: `slaHours`. */
  frontOfQueueSlaHours: Hours.optional(),
});
export const EnrollInSequenceSpec = z.strictObject({ type: z.literal("enroll_in_sequence"), sequenceId: Text });
export const AddToNurtureSpec = z.strictObject({ type: z.literal("add_to_nurture"), program: Text.optional() });
export const MonitorSpec = z.strictObject({ type: z.literal("monitor") });
export const ActionSpec = z.discriminatedUnion("type", [RouteToOwnerSpec, EnrollInSequenceSpec, AddToNurtureSpec, MonitorSpec]);
export type ActionSpec = z.infer<typeof ActionSpec>;

export const TierRouting = z
  .strictObject({ actions: z.array(ActionSpec).max(20) })
  .superRefine((tier, ctx) => {
    // Each action gets an id derived from the tier change's key and its kind (and sequence or
    // program): two actions of one kind and target would collide, so the config may not ask for it.
    const seen = new Map<string, number>();
    tier.actions.forEach((action, i) => {
      const identity = `${action.type}:${action.type === "enroll_in_sequence" ? action.sequenceId : action.type === "add_to_nurture" ? (action.program ?? "") : ""}`;
      const first = seen.get(identity);
      if (first !== undefined) ctx.addIssue({ code: "custom", path: ["actions", i], message: `expected each action once per tier, but it repeats actions[${first}]`, input: action });
      else seen.set(identity, i);
    });
    const owners = tier.actions.filter((a) => a.type === "route_to_owner").length;
    if (owners > 1) ctx.addIssue({ code: "custom", path: ["actions"], message: "expected at most one route_to_owner per tier" });
  });
export type TierRouting = z.infer<typeof TierRouting>;

const Band = z
  .strictObject({ min: z.number().int().nonnegative().optional(), max: z.number().int().nonnegative().optional() })
  .refine((b) => b.min === undefined || b.max === undefined || b.min <= b.max, { message: "expected min ≤ max" });

export const TerritoryRule = z.strictObject({
  team: Id,
  /** ISO-3166 alpha-2, upper-case (`DE`, `US`). */
  countries: z.array(z.string().regex(/^[A-Z]{2}$/, "expected an ISO-3166 alpha-2 country code in upper case, e.g. DE")).min(1).optional(),
  /** Compared case-insensitively (`emea`, `North America`). */
  regions: z.array(Text).min(1).optional(),
  /** Inclusive employee band. */
  employeeCount: Band.optional(),
  /** Compared case-insensitively (`enterprise`, `mid-market`). */
  segments: z.array(Text).min(1).optional(),
  /** Only for these scorecards. */
  scorecards: z.array(Id).min(1).optional(),
});
export type TerritoryRule = z.infer<typeof TerritoryRule>;

export const Team = z.strictObject({
  owners: z
    .array(Text)
    .min(1, "expected at least one owner")
    .max(1000)
    .refine((owners) => new Set(owners).size === owners.length, { message: "expected each owner once (a repeated owner gets twice the accounts)" }),
});
export type Team = z.infer<typeof Team>;

export const RoutingConfigDocument = z
  .strictObject({
    label: Text.optional(),
    tiers: z.record(Id, TierRouting),
    scorecards: z.record(Id, z.strictObject({ tiers: z.record(Id, TierRouting) })).default({}),
    /** For a tier the config names nowhere: watch it, do nothing else. */
    unknownTier: TierRouting.prefault({ actions: [{ type: "monitor" }] }),
    priority: z
      .strictObject({
        /** A live positive reason whose rule starts with one of these marks an active trigger. */
        triggerRules: z.array(Text).default(["timing.triggers."]),
        /** Strong intent counts as an active trigger too. */
        strongIntent: z.boolean().default(false),
      })
      .prefault({}),
    /** First match wins; every condition given must hold. */
    territories: z.array(TerritoryRule).max(1000).default([]),
    fallbackTeam: Id.optional(),
    teams: z.record(Id, Team).default({}),
    onLeave: z
      .strictObject({
        /** Leaving a tier that routes to an owner for one that does not releases the owner. */
        unassignOwner: z.boolean().default(true),
        /** Leaving a tier stops its sequences the new tier does not also run. */
        stopSequences: z.boolean().default(true),
      })
      .prefault({}),
  })
  .superRefine((config, ctx) => {
    config.territories.forEach((rule, i) => {
      if (!Object.hasOwn(config.teams, rule.team)) ctx.addIssue({ code: "custom", path: ["territories", i, "team"], message: `expected a team defined under teams (${Object.keys(config.teams).join(", ") || "none defined"})`, input: rule.team });
    });
    if (config.fallbackTeam !== undefined && !Object.hasOwn(config.teams, config.fallbackTeam)) {
      ctx.addIssue({ code: "custom", path: ["fallbackTeam"], message: `expected a team defined under teams (${Object.keys(config.teams).join(", ") || "none defined"})`, input: config.fallbackTeam });
    }
    const routes = [
      ...Object.entries(config.tiers).map(([id, t]) => ({ path: ["tiers", id], t })),
      ...Object.entries(config.scorecards).flatMap(([card, s]) => Object.entries(s.tiers).map(([id, t]) => ({ path: ["scorecards", card, "tiers", id], t }))),
      { path: ["unknownTier"], t: config.unknownTier },
    ].filter(({ t }) => t.actions.some((a) => a.type === "route_to_owner"));
    if (routes.length > 0 && config.fallbackTeam === undefined) {
      ctx.addIssue({ code: "custom", path: ["fallbackTeam"], message: `expected a fallback team: ${routes.map((r) => r.path.join(".")).join(", ")} route to an owner, and an account no territory matches needs one`, input: undefined });
    }
  });
export type RoutingConfig = z.infer<typeof RoutingConfigDocument>;

/** Validates an already-parsed config value; `source` names it in every error line. */
export function routingConfigFromValue(value: unknown, source: string): RoutingConfig {
  const result = RoutingConfigDocument.safeParse(value, { reportInput: true });
  if (!result.success) {
    const problems = formatIssues(source, result.error.issues);
    throw new RoutingError("ROUTING_CONFIG_INVALID", problems.join("\n"), problems);
  }
  return result.data;
}

/** Parses routing config text (YAML, which includes JSON). `source` is the file name used in every error line. */
export function parseRoutingConfig(text: string, source: string): RoutingConfig {
  let value: unknown;
  try {
    value = parseYaml(text, { uniqueKeys: true });
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const pos = error.linePos?.[0];
      const where = pos ? `${source}:${pos.line}:${pos.col}` : source;
      throw new RoutingError("ROUTING_CONFIG_SYNTAX", `${where}: ${(error.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "")}`);
    }
    throw error;
  }
  return routingConfigFromValue(value, source);
}

/** The tier's routing: the scorecard's override, else the config's tier, else `unknownTier`. */
export function tierRouting(config: RoutingConfig, scorecard: string, tierId: string): TierRouting {
  const card = own(config.scorecards, scorecard);
  return (card && own(card.tiers, tierId)) ?? own(config.tiers, tierId) ?? config.unknownTier;
}

/** A record's own entry: ids such as `constructor` must not reach the object's prototype. */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
