import { z } from "zod";
import { BusinessModel, DeliveryModel, FundingStage } from "../domain/account-profile.js";
import { normalizeLabel } from "../domain/label.js";
import { SIGNAL_TYPES, signalSchemaFor } from "../domain/signal.js";
import type { SignalType } from "../domain/signal.js";

/**
 * The rubric file format (YAML or JSON). A rubric holds one or more scorecards; each
 * scorecard scores fit (stable attributes), timing (decaying signals), combines them
 * into a total, and maps the total to a tier. The format is documented, with examples,
 * in packages/scoring/README.md; every message below is written for the person editing
 * the file ("expected …"), because the loader prints them as `file: path: message, got …`.
 */

const between = (lo: number, hi: number) => `expected a number between ${lo} and ${hi}`;
const numberBetween = (lo: number, hi: number) =>
  z.number({ error: between(lo, hi) }).min(lo, { error: between(lo, hi) }).max(hi, { error: between(lo, hi) });
const positiveNumber = (what = "a positive number") => z.number({ error: `expected ${what}` }).positive({ error: `expected ${what}` });

/** Points a rule adds (negative points subtract). */
const Points = numberBetween(-100, 100);
/** A cap on a layer or rule: the most points it may add. */
const Cap = numberBetween(0, 100);
/** A threshold on a 0–100 score. */
const Score = numberBetween(0, 100);
const Id = z.string({ error: "expected an id (lower-case letters, digits, - and _)" }).regex(/^[a-z][a-z0-9_-]*$/, {
  error: "expected an id (lower-case letters, digits, - and _, starting with a letter)",
});
const Label = z.string({ error: "expected a non-empty text" }).min(1, { error: "expected a non-empty text" });
const Labels = z.array(Label, { error: "expected a list of texts" }).min(1, { error: "expected at least one entry" });

// ── Fit ─────────────────────────────────────────────────────────────────────────────

/** Matches a categorical attribute (industry, country, …): the first rule whose values contain the account's value wins. */
const ValueRule = z.strictObject({ values: Labels, points: Points, label: Label.optional() });
/** Matches a numeric attribute in an inclusive band `min ≤ value ≤ max`; the first band that matches wins. */
const BandRule = z
  .strictObject({
    min: z.number({ error: "expected a number" }).nonnegative({ error: "expected a number ≥ 0" }).optional(),
    max: z.number({ error: "expected a number" }).nonnegative({ error: "expected a number ≥ 0" }).optional(),
    points: Points,
    label: Label.optional(),
  })
  .check((ctx) => {
    const { min, max } = ctx.value;
    if (min === undefined && max === undefined) ctx.issues.push({ code: "custom", message: "expected min, max or both", input: ctx.value });
    if (min !== undefined && max !== undefined && min > max) ctx.issues.push({ code: "custom", message: `expected min ≤ max`, path: ["max"], input: max });
  });
export type ValueRule = z.infer<typeof ValueRule>;
export type BandRule = z.infer<typeof BandRule>;

function noOverlappingBands(bands: readonly BandRule[] | undefined, ctx: z.core.$RefinementCtx, path: (string | number)[]) {
  if (!bands) return;
  bands.forEach((a, i) =>
    bands.slice(0, i).forEach((b, j) => {
      const lo = Math.max(a.min ?? 0, b.min ?? 0);
      const hi = Math.min(a.max ?? Infinity, b.max ?? Infinity);
      if (lo <= hi) ctx.addIssue({ code: "custom", message: `expected bands that do not overlap (overlaps band ${j})`, path: [...path, i], input: a });
    }),
  );
}
function noRepeatedValues(rules: readonly ValueRule[] | undefined, ctx: z.core.$RefinementCtx, path: (string | number)[]) {
  if (!rules) return;
  const seen = new Map<string, number>();
  rules.forEach((rule, i) =>
    rule.values.forEach((value, k) => {
      const key = normalizeLabel(value);
      const earlier = seen.get(key);
      if (earlier !== undefined && earlier !== i) ctx.addIssue({ code: "custom", message: `expected each value once ("${value}" is also in entry ${earlier})`, path: [...path, i, "values", k], input: value });
      seen.set(key, i);
    }),
  );
}
const enumValues = (values: readonly string[]) => z.array(z.enum(values as [string, ...string[]], { error: `expected one of ${values.join(", ")}` })).min(1);

const Firmographics = z
  .strictObject({
    max: Cap,
    industry: z.array(ValueRule).optional(),
    employeeCount: z.array(BandRule).optional(),
    revenueUsd: z.array(BandRule).optional(),
    country: z.array(ValueRule).optional(),
    region: z.array(ValueRule).optional(),
    businessModel: z.array(ValueRule.extend({ values: enumValues(BusinessModel.options) })).optional(),
    deliveryModel: z.array(ValueRule.extend({ values: enumValues(DeliveryModel.options) })).optional(),
    fundingStage: z.array(ValueRule.extend({ values: enumValues(FundingStage.options) })).optional(),
  })
  .superRefine((f, ctx) => {
    noOverlappingBands(f.employeeCount, ctx, ["employeeCount"]);
    noOverlappingBands(f.revenueUsd, ctx, ["revenueUsd"]);
    for (const key of ["industry", "country", "region", "businessModel", "deliveryModel", "fundingStage"] as const) noRepeatedValues(f[key], ctx, [key]);
  });
export type FirmographicsRubric = z.infer<typeof Firmographics>;
export const FIRMOGRAPHIC_ATTRIBUTES = ["industry", "employeeCount", "revenueUsd", "country", "region", "businessModel", "deliveryModel", "fundingStage"] as const;

/** A group of technologies worth `pointsEach` per match, at most `max` in total. */
const TechGroup = z.strictObject({ technologies: Labels, pointsEach: Cap, max: Cap });
const Technographics = z.strictObject({
  max: Cap,
  /** Direct compatibility: runs the tools the product plugs into. */
  integrating: TechGroup.optional(),
  /** Maturity: runs tools that imply the function the product serves exists. */
  adjacent: TechGroup.optional(),
  /** Displacement: a weak competitor is a plus. Entrenched ones are an anti-ICP deduction. */
  competing: z
    .strictObject({
      vendors: Labels,
      weak: Cap,
      /** How to read a competitor seen in the stack with no contract record: as weak, as entrenched, or not at all. */
      assumeWhenUnknown: z.enum(["weak", "entrenched", "ignore"], { error: "expected one of weak, entrenched, ignore" }).default("ignore"),
    })
    .optional(),
});
export type TechnographicsRubric = z.infer<typeof Technographics>;

const Organisational = z.strictObject({
  max: Cap,
  /** Each role phrase found in one of the account's buying roles (word match, case-insensitive) is worth `pointsEach`. */
  buyingRoles: z.strictObject({ roles: Labels, pointsEach: Cap, max: Cap }).optional(),
  championIdentified: Cap.optional(),
  budgetHolderIdentified: Cap.optional(),
  hasTechnicalTeam: Cap.optional(),
  /**
   * The buying committee formed by the account's contacts (needs the scorecard's `contacts`
   * section): `roles` gives points per buying role held by at least one contact, `fullCoverage`
   * points when every role of `contacts.roles` is held, `bestContact` points when the best
   * contact scores at least `minScore` (GTM article: "presence of the right buying roles …
   * identifiable champion potential").
   */
  committee: z
    .strictObject({
      roles: z.partialRecord(z.enum(["economic_buyer", "champion", "technical_evaluator", "user"], { error: "expected one of economic_buyer, champion, technical_evaluator, user" }), Cap).default({}),
      fullCoverage: Cap.optional(),
      bestContact: z.strictObject({ minScore: Cap, points: Cap }).optional(),
    })
    .optional(),
});
export type OrganisationalRubric = z.infer<typeof Organisational>;

export const EXCLUSION_FACTS = ["regulatoryBlocker", "doNotContact", "badPaymentHistory", "hiringFreeze", "recentLayoffs"] as const;
const HardDisqualifier = z.discriminatedUnion(
  "when",
  [
    z.strictObject({ when: z.literal("employeeCountBelow"), value: positiveNumber(), reason: Label.optional() }),
    z.strictObject({ when: z.literal("employeeCountAbove"), value: positiveNumber(), reason: Label.optional() }),
    z.strictObject({ when: z.literal("industryIn"), values: Labels, reason: Label.optional() }),
    z.strictObject({ when: z.literal("countryIn"), values: Labels, reason: Label.optional() }),
    z.strictObject({ when: z.literal("countryNotIn"), values: Labels, reason: Label.optional() }),
    z.strictObject({ when: z.literal("businessModelIn"), values: enumValues(BusinessModel.options), reason: Label.optional() }),
    z.strictObject({ when: z.literal("fact"), fact: z.enum(EXCLUSION_FACTS, { error: `expected one of ${EXCLUSION_FACTS.join(", ")}` }), reason: Label.optional() }),
  ],
  { error: "expected `when` to be one of employeeCountBelow, employeeCountAbove, industryIn, countryIn, countryNotIn, businessModelIn, fact" },
);
export type HardDisqualifier = z.infer<typeof HardDisqualifier>;

export const SOFT_DISQUALIFIERS = [
  "entrenchedCompetitor",
  "noBudgetHolder",
  "hiringFreeze",
  "lostOnPrice",
  "dealWentDark",
  "recentLayoffs",
  "badPaymentHistory",
  "noTechnicalTeam",
] as const;
export type SoftDisqualifier = (typeof SOFT_DISQUALIFIERS)[number];
/**
 * One soft disqualifier: the points it deducts (a positive number), or `{ points, maxTier }`
 * where `maxTier` also caps the tier (e.g. a prospect locked into a multi-year contract with
 * the main competitor is not Tier 1 because of one demo request; GTM article, Anti-ICP).
 * Always read back as the object form.
 */
const SoftDeduction = z
  .union([Cap, z.strictObject({ points: Cap, maxTier: Id.optional() })], { error: "expected points (a number between 0 and 100) or { points, maxTier }" })
  .transform((d) => (typeof d === "number" ? { points: d } : d));
export type SoftDeduction = z.infer<typeof SoftDeduction>;

const AntiIcp = z.strictObject({
  /** Any match excludes the account (kept and flagged, never dropped). Unknown values never match. */
  hard: z.array(HardDisqualifier).default([]),
  /** Deductions, given as positive points to subtract, at most `max` in total; a deduction may also cap the tier. */
  soft: z
    .strictObject({
      max: Cap,
      deductions: z.partialRecord(z.enum(SOFT_DISQUALIFIERS, { error: `expected one of ${SOFT_DISQUALIFIERS.join(", ")}` }), SoftDeduction),
    })
    .optional(),
});
export type AntiIcpRubric = z.infer<typeof AntiIcp>;

/**
 * Custom attributes (declared by a mapping file: lead source, plan, segment, partner…) scored
 * like built-in fields: per attribute, value rules (first match wins) for a categorical one or
 * bands (inclusive, must not overlap) for a numeric one. An account without the attribute, or
 * with a value of the other kind, matches nothing.
 */
const AttributeRules = z.union([z.array(ValueRule).min(1), z.array(BandRule).min(1)], { error: "expected a list of { values, points } or a list of { min, max, points }" });
const Attributes = z
  .strictObject({
    max: Cap,
    rules: z.record(z.string(), AttributeRules),
  })
  .superRefine((a, ctx) => {
    for (const [name, rules] of Object.entries(a.rules)) {
      // Checked here rather than as the record's key schema, whose error would not say what a name must look like.
      if (!/^[a-z][a-z0-9_]{0,63}$/.test(name)) ctx.addIssue({ code: "custom", path: ["rules", name], message: "expected an attribute name in snake_case (lead_source), as the mapping file declares it" });
      if (rules.length > 0 && "values" in (rules[0] as object)) noRepeatedValues(rules as ValueRule[], ctx, ["rules", name]);
      else noOverlappingBands(rules as BandRule[], ctx, ["rules", name]);
    }
  });
export type AttributesRubric = z.infer<typeof Attributes>;

const Fit = z
  .strictObject({
    /** Raw points that make a fit score of 100. Defaults to the sum of the layer caps. */
    outOf: positiveNumber().optional(),
    firmographics: Firmographics.optional(),
    technographics: Technographics.optional(),
    organisational: Organisational.optional(),
    /** Custom attributes from the CRM, scored like built-in fields. */
    attributes: Attributes.optional(),
    antiIcp: AntiIcp.default({ hard: [] }),
  })
  .transform((fit) => ({
    ...fit,
    outOf: fit.outOf ?? (fit.firmographics?.max ?? 0) + (fit.technographics?.max ?? 0) + (fit.organisational?.max ?? 0) + (fit.attributes?.max ?? 0),
  }))
  .check((ctx) => {
    if (ctx.value.outOf <= 0) ctx.issues.push({ code: "custom", message: "expected at least one fit layer with a max above 0, or outOf", input: ctx.value });
  });
export type FitRubric = z.infer<typeof Fit>;

// ── Timing ──────────────────────────────────────────────────────────────────────────

const Days = positiveNumber("a positive number of days");
/**
 * One step of a step decay: `factor` of the points while the signal's age is at most
 * `upToDays` (inclusive: exactly 30 days old is still "within 30 days"), or below
 * `beforeDays` (exclusive: "nothing from day 90 on" is `beforeDays: 90` on the last step).
 */
const DecayStep = z
  .strictObject({ upToDays: Days.optional(), beforeDays: Days.optional(), factor: numberBetween(0, 1) })
  .check((ctx) => {
    const { upToDays, beforeDays } = ctx.value;
    if ((upToDays === undefined) === (beforeDays === undefined)) ctx.issues.push({ code: "custom", message: "expected exactly one of upToDays (age ≤ days) or beforeDays (age < days)", input: ctx.value });
  });
export type DecayStep = z.infer<typeof DecayStep>;
/** The day count that ends a step, whichever way it is written. */
export const stepDays = (step: DecayStep): number => step.upToDays ?? step.beforeDays ?? 0;

/**
 * How a signal's points fade with its age:
 * - `step`: `factor` of the points while the age is within the first matching step
 *   (`upToDays`: age ≤ days; `beforeDays`: age < days), 0 after the last step;
 * - `half_life`: halves every `halfLifeDays`, counted in whole days of age (so the score
 *   changes at well-defined instants), 0 from `maxAgeDays` on (exactly `maxAgeDays` old is 0);
 * - `none`: full points, 0 from `maxAgeDays` on if given.
 */
export const Decay = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({
      kind: z.literal("step"),
      steps: z
        .array(DecayStep)
        .min(1)
        .check((ctx) => {
          ctx.value.forEach((step, i) => {
            const prev = ctx.value[i - 1];
            if (prev && stepDays(step) <= stepDays(prev)) ctx.issues.push({ code: "custom", message: "expected the days to increase from step to step", path: [i, step.upToDays === undefined ? "beforeDays" : "upToDays"], input: stepDays(step) });
            if (prev && step.factor > prev.factor) ctx.issues.push({ code: "custom", message: "expected factor not to increase from step to step (decay never raises points)", path: [i, "factor"], input: step.factor });
          });
        }),
    }),
    z.strictObject({ kind: z.literal("half_life"), halfLifeDays: Days, maxAgeDays: Days.optional() }),
    z.strictObject({ kind: z.literal("none"), maxAgeDays: Days.optional() }),
  ],
  { error: "expected `kind` to be one of step, half_life, none" },
);
export type Decay = z.infer<typeof Decay>;

/**
 * The decay of rules and layers that name none: the GTM article's trigger decay ("full points
 * within 30 days, half points at 60, zero at 90"): full while ≤ 30 days old, half while
 * ≤ 60, a quarter from then until day 90 (the article leaves 60–90 open; rubrics should say
 * what they mean there), nothing from day 90 on.
 */
export const DEFAULT_DECAY: Decay = {
  kind: "step",
  steps: [
    { upToDays: 30, factor: 1 },
    { upToDays: 60, factor: 0.5 },
    { beforeDays: 90, factor: 0.25 },
  ],
};

/**
 * A condition on one field of the signal: a list of accepted values (compared with
 * `normalizeLabel`), `{ contains: [...] }` (word match in the text), or `{ min, max }`
 * for numbers (inclusive).
 */
const Condition = z.union(
  [
    z.array(z.union([z.string(), z.number(), z.boolean()])).min(1),
    z.strictObject({ contains: Labels }),
    z
      .strictObject({ min: z.number().optional(), max: z.number().optional() })
      .refine((c) => c.min !== undefined || c.max !== undefined, { error: "expected min, max or both" }),
  ],
  { error: "expected a list of values, { contains: [...] } or { min, max }" },
);
export type Condition = z.infer<typeof Condition>;
const Where = z.record(z.string(), Condition);
export type Where = z.infer<typeof Where>;

const TimingRule = z.strictObject({
  id: Id,
  signal: z.enum(SIGNAL_TYPES as [SignalType, ...SignalType[]], { error: `expected a signal type (${SIGNAL_TYPES.join(", ")})` }),
  label: Label.optional(),
  where: Where.optional(),
  /** Points for one matching signal, before decay. Negative for negative behaviour. */
  points: Points,
  /** How several matching signals add up: the strongest one (`max`, default) or all of them (`sum`). */
  combine: z.enum(["max", "sum"], { error: "expected max or sum" }).default("max"),
  /** At most this many points (in absolute value) from this rule. */
  cap: Cap.optional(),
  /** A counting rule: `count` matching signals within `withinDays` are worth `points` (e.g. 3 pricing visits in 7 days). */
  burst: z.strictObject({ count: z.number().int().min(2, { error: "expected a whole number ≥ 2" }), withinDays: Days, points: Points }).optional(),
  /** Marks matches as strong intent (lifts the tier one step while fresh): `true`, or a condition like `{ score: { min: 80 } }`; `burst` marks a burst only. */
  strong: z.union([z.literal(true), z.literal("burst"), Where], { error: "expected true, burst or a condition" }).optional(),
  /**
   * How long a strong match stays strong, in days of age (inclusive). Default: the
   * full-points window of the rule's decay (30 days under the default step decay; the first
   * day under a half-life), and for a burst its counting window (`withinDays`, counted from
   * the burst's first signal: "3 pricing visits in the last 7 days"). A remainder decayed to
   * a fraction is never strong (methodology: strong intent moves an account one tier up).
   */
  strongWithinDays: Days.optional(),
  decay: Decay.optional(),
});
export type TimingRule = z.infer<typeof TimingRule>;

const TimingLayer = z
  .strictObject({
    label: Label.optional(),
    max: Cap.optional(),
    /** For a negative layer: the most it may subtract, as a negative number (e.g. -10). */
    min: numberBetween(-100, 0).optional(),
    /** Every rule in the layer counts for nothing once the layer's newest matching signal is older than this. */
    resetAfterInactiveDays: Days.optional(),
    decay: Decay.optional(),
    rules: z.array(TimingRule).min(1, { error: "expected at least one rule" }),
  })
  .check((ctx) => {
    if (ctx.value.max === undefined && ctx.value.min === undefined) ctx.issues.push({ code: "custom", message: "expected max (a positive layer), min (a negative layer) or both", input: ctx.value });
  });
export type TimingLayer = z.infer<typeof TimingLayer>;

const Timing = z
  .strictObject({
    /** Raw points that make a timing score of 100. Defaults to the sum of the layers' max. */
    outOf: positiveNumber().optional(),
    /** Decay for rules and layers that do not name their own. */
    decay: Decay.default(DEFAULT_DECAY),
    layers: z.record(Id, TimingLayer),
  })
  .superRefine((timing, ctx) => {
    const seen = new Set<string>();
    for (const [layerId, layer] of Object.entries(timing.layers)) {
      if (layerId === "fit" || layerId === "timing") ctx.addIssue({ code: "custom", message: `expected a layer id other than "${layerId}"`, path: ["layers", layerId] });
      layer.rules.forEach((rule, i) => {
        const path = ["layers", layerId, "rules", i];
        if (seen.has(rule.id)) ctx.addIssue({ code: "custom", message: `expected rule ids to be unique in the scorecard ("${rule.id}" is used twice)`, path: [...path, "id"], input: rule.id });
        seen.add(rule.id);
        checkWhere(rule.signal, rule.where, ctx, [...path, "where"]);
        if (rule.strong !== undefined && rule.strong !== true && rule.strong !== "burst") checkWhere(rule.signal, rule.strong, ctx, [...path, "strong"]);
        if (rule.strong === "burst" && !rule.burst) ctx.addIssue({ code: "custom", message: "expected a burst when strong is burst", path: [...path, "strong"], input: rule.strong });
        if (rule.strongWithinDays !== undefined && rule.strong === undefined) ctx.addIssue({ code: "custom", message: "expected strong next to strongWithinDays (the window of what?)", path: [...path, "strongWithinDays"], input: rule.strongWithinDays });
        if (rule.strong !== undefined && rule.strong !== "burst" && rule.strongWithinDays === undefined && fullPointsWindow(rule.decay ?? layer.decay ?? timing.decay) === null) {
          ctx.addIssue({ code: "custom", message: "expected strongWithinDays: the rule's decay never gives full points, so it has no default strong window", path: [...path, "strong"], input: rule.strong });
        }
      });
    }
  })
  .transform((timing) => ({
    ...timing,
    outOf: timing.outOf ?? Object.values(timing.layers).reduce((sum, layer) => sum + Math.max(0, layer.max ?? 0), 0),
  }))
  .check((ctx) => {
    if (ctx.value.outOf <= 0) ctx.issues.push({ code: "custom", message: "expected at least one timing layer with a max above 0, or outOf", input: ctx.value });
  });
export type TimingRubric = z.infer<typeof Timing>;

type FieldKind = "number" | "text" | "boolean";
function kindOf(schema: z.ZodType | undefined): FieldKind | undefined {
  while (schema && (schema.def.type === "optional" || schema.def.type === "default")) schema = (schema.def as unknown as { innerType: z.ZodType }).innerType;
  if (!schema) return undefined;
  const t = schema.def.type;
  return t === "number" ? "number" : t === "boolean" ? "boolean" : t === "string" || t === "enum" || t === "literal" ? "text" : undefined;
}
/** Field kinds per signal type, derived once from the Signal schemas (a constant table). */
const FIELD_KINDS = new Map<string, ReadonlyMap<string, FieldKind>>(
  SIGNAL_TYPES.map((type) => {
    const shape = signalSchemaFor(type).shape as Record<string, z.ZodType>;
    const kinds = new Map<string, FieldKind>();
    for (const [field, schema] of Object.entries(shape)) {
      const kind = kindOf(schema);
      if (kind) kinds.set(field, kind);
    }
    return [type, kinds];
  }),
);

/** The kind of a signal field, as far as `where` conditions and input coercion are concerned. */
export function signalFieldKind(type: SignalType, field: string): FieldKind | undefined {
  return FIELD_KINDS.get(type)?.get(field);
}

function checkWhere(type: SignalType, where: Where | undefined, ctx: z.core.$RefinementCtx, path: (string | number)[]) {
  for (const [field, condition] of Object.entries(where ?? {})) {
    const kind = signalFieldKind(type, field);
    const fields = Object.keys(signalSchemaFor(type).shape).filter((f) => f !== "type");
    if (!kind) {
      ctx.addIssue({ code: "custom", message: `expected a field of ${type} (${fields.join(", ")})`, path: [...path, field], input: field });
    } else if (!Array.isArray(condition) && "contains" in condition && kind !== "text") {
      ctx.addIssue({ code: "custom", message: `expected { min, max } or a list of values: ${field} is not text`, path: [...path, field], input: condition });
    } else if (!Array.isArray(condition) && !("contains" in condition) && kind !== "number") {
      ctx.addIssue({ code: "custom", message: `expected a list of values or { contains: [...] }: ${field} is not a number`, path: [...path, field], input: condition });
    }
  }
}

// ── Combination and tiers ───────────────────────────────────────────────────────────

/**
 * The age window in which a decay gives full points (factor 1): `{ days, inclusive }`,
 * `{ days: Infinity }` when it never ends, or null when no age gets full points.
 * Step: up to the last leading step with factor 1; half-life: the first whole day;
 * none: until `maxAgeDays` (exclusive).
 */
export function fullPointsWindow(decay: Decay): { days: number; inclusive: boolean } | null {
  switch (decay.kind) {
    case "step": {
      let window: { days: number; inclusive: boolean } | null = null;
      for (const step of decay.steps) {
        if (step.factor !== 1) break;
        window = step.upToDays !== undefined ? { days: step.upToDays, inclusive: true } : { days: step.beforeDays ?? 0, inclusive: false };
      }
      return window;
    }
    case "half_life":
      return { days: 1, inclusive: false };
    case "none":
      return decay.maxAgeDays === undefined ? { days: Infinity, inclusive: true } : { days: decay.maxAgeDays, inclusive: false };
  }
}

// ── Contacts ────────────────────────────────────────────────────────────────────────

export const BUYING_ROLES = ["economic_buyer", "champion", "technical_evaluator", "user"] as const;
export type BuyingRole = (typeof BUYING_ROLES)[number];
const SENIORITIES = ["c_level", "vice_president", "head", "director", "manager", "individual_contributor"] as const;
const DEPARTMENTS = ["sales", "marketing", "revops", "customer_success", "engineering", "product", "data", "it", "security", "finance", "hr", "operations", "legal", "executive", "other"] as const;

/**
 * Who holds a buying role: a contact holds it when any of the given criteria is met — a title
 * containing one of `titles` (whole words, normalised as job titles), a seniority or department
 * in the lists, or `budgetAuthority` / `technicalBackground` / `referredByCustomer` true. A
 * contact may hold several roles.
 */
const RoleCriteria = z
  .strictObject({
    titles: Labels.optional(),
    seniority: enumValues(SENIORITIES).optional(),
    departments: enumValues(DEPARTMENTS).optional(),
    budgetAuthority: z.literal(true, { error: "expected true" }).optional(),
    technicalBackground: z.literal(true, { error: "expected true" }).optional(),
    referredByCustomer: z.literal(true, { error: "expected true" }).optional(),
  })
  .check((ctx) => {
    if (Object.keys(ctx.value).length === 0) ctx.issues.push({ code: "custom", message: "expected at least one criterion (titles, seniority, departments, budgetAuthority, technicalBackground, referredByCustomer)", input: ctx.value });
  });
export type RoleCriteria = z.infer<typeof RoleCriteria>;

/**
 * The contact scorecard (scoring guide, "Champion Scoring": budget authority +20, technical
 * background +15, engaged with content +15, referred by customer +25). `engaged` decays with
 * the age of the contact's newest engagement, by `decay` (default: the GTM article's step
 * decay). `roles` says which contacts hold which buying role.
 */
const Contacts = z.strictObject({
  budgetAuthority: Cap.default(0),
  technicalBackground: Cap.default(0),
  referredByCustomer: Cap.default(0),
  engaged: z.strictObject({ points: Cap, decay: Decay.optional() }).optional(),
  /** Points by seniority (e.g. `{ c_level: 10, vice_president: 8 }`); unknown seniority gets none. */
  seniority: z.partialRecord(z.enum(SENIORITIES, { error: `expected one of ${SENIORITIES.join(", ")}` }), Cap).optional(),
  roles: z.partialRecord(z.enum(BUYING_ROLES, { error: `expected one of ${BUYING_ROLES.join(", ")}` }), RoleCriteria).default({}),
});
export type ContactsRubric = z.infer<typeof Contacts>;

const Tier = z.strictObject({ id: Id, name: Label, min: Score, action: Label });
export type Tier = z.infer<typeof Tier>;

export const Scorecard = z
  .strictObject({
    name: Label,
    description: Label.optional(),
    fit: Fit,
    timing: Timing,
    /** How contacts inside an account are scored and given buying roles; without it contacts are not used. */
    contacts: Contacts.optional(),
    /**
     * The enrichment waterfall (GTM article: "firmographic check → pass/fail → if pass, enrich
     * technographics → score → if above threshold, enrich organisational signals"): the
     * firmographic points an account needs before its tech stack is enriched, and the fit
     * (0–100, from firmographics and technographics) at which its organisational data is.
     */
    waterfall: z.strictObject({ firmographicFloor: Cap, organisationalThreshold: Score }).optional(),
    /**
     * The total is a weighted sum of 0–100 components: `fit`, `timing`, or any timing
     * layer by id (its points over its max), e.g. `{ fit: 0.4, engagement: 0.3, intent: 0.3 }`.
     * Weights sum to 1.
     */
    weights: z.record(Id, numberBetween(0, 1)).default({ fit: 0.6, timing: 0.4 }),
    /** From the top tier down; the last one starts at 0. */
    tiers: z.array(Tier).min(1, { error: "expected at least one tier" }),
    /** Where hard-disqualified accounts go, whatever their score. */
    excluded: z.strictObject({ id: Id, name: Label, action: Label }).default({ id: "excluded", name: "Excluded", action: "Monitor only; recycle when conditions change" }),
    /** High fit is fit ≥ fitHigh; high timing is timing ≥ timingHigh. */
    quadrant: z.strictObject({ fitHigh: Score, timingHigh: Score }).default({ fitHigh: 60, timingHigh: 50 }),
    /**
     * A fresh strong-intent signal moves the account one tier up from its fit-based tier (the
     * tier its fit score alone reaches), never into the top tier when fit is below the
     * quadrant's fit line (methodology: "a Tier C account by firmographic fit alone can move to Tier B").
     */
    strongIntentLift: z.boolean({ error: "expected true or false" }).default(true),
    /**
     * The hold line: an account with fit ≥ minFit is never below the second tier, and with no
     * live timing signal it sits exactly there, as "nurture for timing" (methodology: "a strong
     * ICP-fit account with zero engagement … might stay at Tier B rather than Tier A"). `false` turns it off.
     */
    holdWithoutTiming: z.union([z.literal(false), z.strictObject({ minFit: Score })], { error: "expected false or { minFit }" }).default({ minFit: 75 }),
    /**
     * The healthy share of the pool in the top tier, 0–1 (methodology: "Tier A should represent
     * roughly 10-15% of your total account pool"); outside it, batches and the live pipeline warn.
     */
    topTierShare: z
      .strictObject({ min: numberBetween(0, 1), max: numberBetween(0, 1) })
      .refine((b) => b.min <= b.max, { error: "expected min ≤ max" })
      .default({ min: 0.1, max: 0.15 }),
  })
  .superRefine((card, ctx) => {
    card.tiers.forEach((tier, i) => {
      const prev = card.tiers[i - 1];
      if (prev && tier.min >= prev.min) ctx.addIssue({ code: "custom", message: `expected min below the previous tier's (${prev.min})`, path: ["tiers", i, "min"], input: tier.min });
    });
    if (card.fit.organisational?.committee && !card.contacts) ctx.addIssue({ code: "custom", message: "expected a `contacts` section on the scorecard: the committee is formed from contacts", path: ["fit", "organisational", "committee"], input: card.fit.organisational.committee });
    const last = card.tiers[card.tiers.length - 1];
    if (last && last.min !== 0) ctx.addIssue({ code: "custom", message: "expected the last tier to start at 0", path: ["tiers", card.tiers.length - 1, "min"], input: last.min });
    const tierIds = card.tiers.map((t) => t.id);
    for (const [kind, deduction] of Object.entries(card.fit.antiIcp.soft?.deductions ?? {})) {
      if (deduction?.maxTier !== undefined && !tierIds.includes(deduction.maxTier)) {
        ctx.addIssue({ code: "custom", message: `expected one of the scorecard's tier ids (${tierIds.join(", ")})`, path: ["fit", "antiIcp", "soft", "deductions", kind, "maxTier"], input: deduction.maxTier });
      }
    }
    const ids = [...card.tiers.map((t) => t.id), card.excluded.id];
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: "custom", message: `expected tier ids to be unique ("${id}" is used twice)`, path: i < card.tiers.length ? ["tiers", i, "id"] : ["excluded", "id"], input: id });
    });
    let sum = 0;
    for (const [key, weight] of Object.entries(card.weights)) {
      sum += weight;
      const layer = card.timing.layers[key];
      if (key !== "fit" && key !== "timing" && !layer) {
        ctx.addIssue({ code: "custom", message: `expected fit, timing or a timing layer id (${Object.keys(card.timing.layers).join(", ")})`, path: ["weights", key], input: key });
      } else if (layer && !(layer.max && layer.max > 0) && !(layer.min !== undefined && layer.min < 0)) {
        ctx.addIssue({ code: "custom", message: `expected a layer with a max above 0 (or a negative layer with a min below 0) to weigh`, path: ["weights", key], input: key });
      }
    }
    if (Math.abs(sum - 1) > 1e-9) ctx.addIssue({ code: "custom", message: `expected weights that sum to 1 (they sum to ${Math.round(sum * 1e6) / 1e6})`, path: ["weights"], input: card.weights });
  });
export type Scorecard = z.infer<typeof Scorecard>;

export const RubricDocument = z.strictObject({
  /** A human label for this revision (`enterprise 2026-Q3`); not part of the content hash. */
  label: Label.optional(),
  description: Label.optional(),
  scorecards: z.record(Id, Scorecard).check((ctx) => {
    if (Object.keys(ctx.value).length === 0) ctx.issues.push({ code: "custom", message: "expected at least one scorecard", input: ctx.value });
  }),
});
export type RubricDocument = z.infer<typeof RubricDocument>;
