import type { AccountProfile } from "../domain/account-profile.js";
import { effectiveEmployeeCount, stagesCoveredBy } from "../domain/firmographic-values.js";
import { normalizeLabel, normalizedSet } from "../domain/label.js";
import type { Contribution, Evidence, LayerResult } from "../explain/contribution.js";
import { allocateCaps } from "../explain/allocate-caps.js";
import { fromCenti, layerScore, scaleSigned, toCenti } from "../points.js";
import { normalizeTitle, titleContains } from "../domain/title.js";
import type { BandRule, ContactsRubric, FitRubric, HardDisqualifier, SoftDeduction, SoftDisqualifier, ValueRule } from "../rubric/rubric-schema.js";
import { buyingCommittee } from "../contacts/buying-committee.js";
import type { BuyingCommittee } from "../contacts/buying-committee.js";
import { BUYING_ROLE_LABELS } from "../contacts/score-contact.js";
import type { DatedContact } from "../contacts/score-contact.js";

/**
 * Fit: who the account is. Computed from the profile alone, so it never depends on the
 * clock: facts that carry dates (a deal lost on price) count while they are recorded.
 */

export interface Exclusion {
  rule: string;
  reason: string;
  input: string;
}

/** A soft disqualifier that caps the tier (rubric `maxTier`): the account is never above `tierId`. */
export interface TierCap {
  tierId: string;
  rule: string;
  reason: string;
}

export interface FitResult {
  /** −100–100: points over `outOf`; negative only when deductions outweigh every positive layer. */
  score: number;
  /** Raw points after layer caps and deductions (may be negative). */
  points: number;
  outOf: number;
  /** Hard-disqualified: kept and scored, but tiered as excluded. */
  excluded: boolean;
  exclusions: Exclusion[];
  /** Soft disqualifiers that cap the tier; the strictest applies. */
  tierCaps: TierCap[];
  layers: LayerResult[];
  contributions: Contribution[];
  /** The buying committee, when the scorecard has a `contacts` section and contacts were given (even none). */
  committee?: BuyingCommittee;
}

/**
 * A rubric is compiled once into closures (`compileFit`): value lists normalised into lookup
 * maps, points turned into centipoints, labels and rule ids built, so scoring an account only
 * reads the profile. The compiled form is kept beside the rubric object (a WeakMap), so it lives
 * exactly as long as the rubric; a rubric is never changed after it is parsed.
 */
interface Draft {
  rule: string;
  label: string;
  centi: number;
  uncapped: number;
  evidence: Evidence[];
}

/** What the compiled rules of one layer read: the profile, its normalised technologies and the buying committee. */
interface FitInput {
  profile: AccountProfile;
  /** The profile's technologies, normalised (`normalizeLabel`). */
  present: ReadonlySet<string>;
  committee: BuyingCommittee | undefined;
  /** Filled by the anti-ICP layer: soft disqualifiers that cap the tier, in the rubric's order. */
  tierCaps: TierCap[];
}

type DraftRule = (input: FitInput, out: Draft[]) => void;

interface CompiledLayer {
  id: string;
  max: number | undefined;
  min: number | undefined;
  maxCenti: number;
  minCenti: number;
  rules: readonly DraftRule[];
}

const norm = normalizeLabel;
const inValues = (values: readonly string[], value: string) => normalizedSet(values).has(norm(value));
/** Whole-word match of a role phrase in a title, both normalised as job titles ("revops" is in "Head of Rev Ops"): see `normalizeTitle`. */
export const containsWords = titleContains;

/** Normalised value → the first rule (in rubric order) whose values hold it. */
function firstRuleByValue(rules: readonly ValueRule[], keys: (value: string) => readonly string[]): Map<string, ValueRule> {
  const byValue = new Map<string, ValueRule>();
  for (const rule of rules) for (const v of rule.values) for (const key of keys(v)) if (!byValue.has(key)) byValue.set(key, rule);
  return byValue;
}

/**
 * A categorical attribute: the first rule whose values hold the account's value. Values are
 * compared normalised (`normalizeLabel`), funding stages exactly and with the stages a broader
 * value covers (`fundingStageMatches`).
 */
function valueRule(attribute: string, rules: readonly ValueRule[] | undefined, read: (profile: AccountProfile) => string | undefined, stages = false, rule = `firmographics.${attribute}`): DraftRule | undefined {
  if (!rules) return undefined;
  const byValue = stages ? firstRuleByValue(rules, (v) => [v, ...stagesCoveredBy(v)]) : firstRuleByValue(rules, (v) => [norm(v)]);
  const compiled = new Map([...new Set(byValue.values())].map((r) => [r, { centi: toCenti(r.points), points: fromCenti(toCenti(r.points)) }]));
  return ({ profile }, out) => {
    const value = read(profile);
    if (value === undefined) return;
    const hit = byValue.get(stages ? value : norm(value));
    if (!hit) return;
    const { centi, points } = compiled.get(hit) as { centi: number; points: number };
    out.push({ rule, label: hit.label ?? `${attribute} ${value}`, centi, uncapped: centi, evidence: [{ description: `${attribute} = ${value}`, points }] });
  };
}

export function bandMatches(band: BandRule, value: number): boolean {
  return (band.min === undefined || value >= band.min) && (band.max === undefined || value <= band.max);
}

/** A numeric attribute: the first band (inclusive) that holds the value. */
function bandRule(attribute: string, bands: readonly BandRule[] | undefined, read: (profile: AccountProfile) => { value: number; shown: string } | undefined, rule = `firmographics.${attribute}`): DraftRule | undefined {
  if (!bands) return undefined;
  const compiled = bands.map((band) => {
    const centi = toCenti(band.points);
    return { min: band.min ?? -Infinity, max: band.max ?? Infinity, centi, points: fromCenti(centi), label: band.label ?? `${attribute} in ${band.min ?? 0}–${band.max ?? "∞"}` };
  });
  return ({ profile }, out) => {
    const input = read(profile);
    if (input === undefined) return;
    const { value } = input;
    const band = compiled.find((b) => value >= b.min && value <= b.max);
    if (!band) return;
    out.push({ rule, label: band.label, centi: band.centi, uncapped: band.centi, evidence: [{ description: input.shown, points: band.points }] });
  };
}

/** Exact revenue if known, else the midpoint of a bounded range, else the floor of an open one. */
export function effectiveRevenue(profile: AccountProfile): { value: number; shown: string } | undefined {
  const f = profile.firmographics;
  if (f.revenueUsd !== undefined) return { value: f.revenueUsd, shown: `revenueUsd = ${f.revenueUsd}` };
  const r = f.revenueRange;
  if (!r) return undefined;
  if (r.maxUsd === undefined) return { value: r.minUsd, shown: `revenue range ≥ ${r.minUsd} (floor used)` };
  const mid = Math.round((r.minUsd + r.maxUsd) / 2);
  return { value: mid, shown: `revenue range ${r.minUsd}–${r.maxUsd} (midpoint ${mid} used)` };
}

/** Technologies of a group present in the stack: `pointsEach` per hit, at most `max`. */
function group(rule: string, label: string, config: { technologies: readonly string[]; pointsEach: number; max: number } | undefined): DraftRule | undefined {
  if (!config) return undefined;
  const wanted = config.technologies.map((name) => ({ name, key: norm(name) }));
  const each = toCenti(config.pointsEach);
  const maxCenti = toCenti(config.max);
  const eachPoints = fromCenti(each);
  return ({ present }, out) => {
    let hits: Evidence[] | undefined;
    for (const w of wanted) if (present.has(w.key)) (hits ??= []).push({ description: `uses ${w.name}`, points: eachPoints });
    if (!hits) return;
    const uncapped = each * hits.length;
    out.push({ rule, label, centi: Math.min(uncapped, maxCenti), uncapped, evidence: hits });
  };
}

/** A weak competitor to displace: a contract recorded as weak, or (with `assumeWhenUnknown: weak`) a competing vendor in the stack with no contract recorded. */
function weakCompetitor(competing: NonNullable<FitRubric["technographics"]>["competing"]): DraftRule | undefined {
  if (!competing) return undefined;
  const vendors = competing.vendors.map((name) => ({ name, key: norm(name) }));
  const centi = toCenti(competing.weak);
  const points = fromCenti(centi);
  const assumeWeak = competing.assumeWhenUnknown === "weak";
  return ({ profile, present }, out) => {
    const contracts = profile.technographics.competitorContracts;
    if (contracts.length === 0 && !assumeWeak) return;
    const weak = vendors.filter(
      (v) => contracts.some((c) => c.strength === "weak" && norm(c.vendor) === v.key) || (assumeWeak && present.has(v.key) && !contracts.some((c) => norm(c.vendor) === v.key)),
    );
    if (weak.length > 0) out.push({ rule: "technographics.competing", label: "weak competitor to displace", centi, uncapped: centi, evidence: weak.map((v) => ({ description: `runs ${v.name} (weak competitor)`, points })) });
  };
}

/**
 * A layer: positive drafts share `max`, negative ones `min` (see `allocateCaps`), so a
 * deduction is never lost to a cap on the positives.
 */
function layer(id: string, rules: readonly (DraftRule | undefined)[], max: number | undefined, min: number | undefined): CompiledLayer {
  return { id, max, min, maxCenti: max === undefined ? Infinity : toCenti(max), minCenti: min === undefined ? -Infinity : toCenti(min), rules: rules.filter((r): r is DraftRule => r !== undefined) };
}

function runLayer(compiled: CompiledLayer, input: FitInput): { layer: LayerResult; contributions: Contribution[]; centi: number } {
  const drafts: Draft[] = [];
  for (const rule of compiled.rules) rule(input, drafts);
  const { id, max, min } = compiled;
  const contributions = drafts.map((d) => ({ rule: d.rule, layer: id, label: d.label, points: fromCenti(d.centi), uncappedPoints: fromCenti(d.uncapped), evidence: d.evidence }));
  const capped = allocateCaps(contributions, compiled.maxCenti, compiled.minCenti);
  return {
    centi: capped.centi,
    layer: { id, points: fromCenti(capped.centi), uncappedPoints: fromCenti(capped.uncappedCenti), min, max, score: layerScore(capped.centi, { max, min }) },
    contributions: capped.contributions,
  };
}

function hardDisqualifier(rule: HardDisqualifier, profile: AccountProfile): { reason: string; input: string } | undefined {
  const f = profile.firmographics;
  switch (rule.when) {
    case "employeeCountBelow": {
      const employees = effectiveEmployeeCount(f);
      return employees !== undefined && employees.value < rule.value ? { reason: rule.reason ?? `fewer than ${rule.value} employees`, input: employees.shown } : undefined;
    }
    case "employeeCountAbove": {
      const employees = effectiveEmployeeCount(f);
      return employees !== undefined && employees.value > rule.value ? { reason: rule.reason ?? `more than ${rule.value} employees`, input: employees.shown } : undefined;
    }
    case "industryIn":
      return f.industry !== undefined && inValues(rule.values, f.industry) ? { reason: rule.reason ?? `excluded industry`, input: `industry = ${f.industry}` } : undefined;
    case "countryIn":
      return f.country !== undefined && inValues(rule.values, f.country) ? { reason: rule.reason ?? `excluded country`, input: `country = ${f.country}` } : undefined;
    case "countryNotIn":
      return f.country !== undefined && !inValues(rule.values, f.country) ? { reason: rule.reason ?? `country not served`, input: `country = ${f.country}` } : undefined;
    case "businessModelIn":
      return f.businessModel !== undefined && rule.values.includes(f.businessModel) ? { reason: rule.reason ?? `excluded business model`, input: `businessModel = ${f.businessModel}` } : undefined;
    case "fact":
      return profile.antiIcp[rule.fact] === true ? { reason: rule.reason ?? rule.fact, input: `${rule.fact} = true` } : undefined;
  }
}

function softDisqualifier(kind: SoftDisqualifier, profile: AccountProfile, fit: FitRubric): string | undefined {
  const { antiIcp: a, organisational: o, technographics: t } = profile;
  switch (kind) {
    case "entrenchedCompetitor": {
      const contracts = t.competitorContracts.filter((c) => c.strength === "entrenched").map((c) => `${c.vendor} (entrenched${c.contractEndsAt ? ` until ${c.contractEndsAt}` : ""})`);
      const competing = fit.technographics?.competing;
      const assumed =
        competing?.assumeWhenUnknown === "entrenched"
          ? competing.vendors.filter((v) => t.technologies.some((x) => norm(x.name) === norm(v)) && !t.competitorContracts.some((c) => norm(c.vendor) === norm(v))).map((v) => `${v} (in stack, assumed entrenched)`)
          : [];
      const all = [...contracts, ...assumed];
      return all.length > 0 ? `competitor ${all.join(", ")}` : undefined;
    }
    case "noBudgetHolder":
      return o.budgetHolderIdentified === false ? "budgetHolderIdentified = false" : undefined;
    case "hiringFreeze":
      return a.hiringFreeze === true ? "hiringFreeze = true" : undefined;
    case "lostOnPrice":
      return a.lostOnPriceAt !== undefined ? `lostOnPriceAt = ${a.lostOnPriceAt}` : undefined;
    case "dealWentDark":
      return a.dealWentDarkAt !== undefined ? `dealWentDarkAt = ${a.dealWentDarkAt}` : undefined;
    case "recentLayoffs":
      return a.recentLayoffs === true ? "recentLayoffs = true" : undefined;
    case "badPaymentHistory":
      return a.badPaymentHistory === true ? "badPaymentHistory = true" : undefined;
    case "noTechnicalTeam":
      return o.hasTechnicalTeam === false ? "hasTechnicalTeam = false" : undefined;
  }
}

const SOFT_LABELS: Record<SoftDisqualifier, string> = {
  entrenchedCompetitor: "entrenched competitor contract",
  noBudgetHolder: "no budget holder after enrichment",
  hiringFreeze: "public hiring freeze",
  lostOnPrice: "previous deal lost on price",
  dealWentDark: "previous deal went dark",
  recentLayoffs: "recent layoffs",
  badPaymentHistory: "bad payment history",
  noTechnicalTeam: "no technical team",
};

/** A fit rubric compiled once: its layers' rules as closures, its disqualifiers with their ids. */
interface CompiledFit {
  layers: readonly CompiledLayer[];
  hard: readonly { rule: HardDisqualifier; id: string }[];
  outOfCenti: number;
}

const compiledFits = new WeakMap<FitRubric, CompiledFit>();

function compiledFit(rubric: FitRubric): CompiledFit {
  let compiled = compiledFits.get(rubric);
  if (!compiled) {
    compiled = compileFit(rubric);
    compiledFits.set(rubric, compiled);
  }
  return compiled;
}

function compileFit(rubric: FitRubric): CompiledFit {
  const layers: CompiledLayer[] = [];
  const firmo = rubric.firmographics;
  if (firmo) {
    const firmographics = (p: AccountProfile) => p.firmographics;
    layers.push(
      layer(
        "firmographics",
        [
          valueRule("industry", firmo.industry, (p) => firmographics(p).industry),
          bandRule("employeeCount", firmo.employeeCount, (p) => effectiveEmployeeCount(firmographics(p))),
          bandRule("revenueUsd", firmo.revenueUsd, effectiveRevenue),
          valueRule("country", firmo.country, (p) => firmographics(p).country),
          valueRule("region", firmo.region, (p) => firmographics(p).region),
          valueRule("businessModel", firmo.businessModel, (p) => firmographics(p).businessModel),
          valueRule("deliveryModel", firmo.deliveryModel, (p) => firmographics(p).deliveryModel),
          valueRule("fundingStage", firmo.fundingStage, (p) => firmographics(p).fundingStage, true),
        ],
        firmo.max,
        undefined,
      ),
    );
  }

  const tech = rubric.technographics;
  if (tech) {
    layers.push(
      layer(
        "technographics",
        [group("technographics.integrating", "integrating technology", tech.integrating), group("technographics.adjacent", "adjacent technology", tech.adjacent), weakCompetitor(tech.competing)],
        tech.max,
        undefined,
      ),
    );
  }

  const org = rubric.organisational;
  if (org) layers.push(layer("organisational", [organisationalRule(org)], org.max, undefined));

  const attributes = rubric.attributes;
  if (attributes) {
    const rules = Object.entries(attributes.rules).map(([name, list]): DraftRule | undefined => {
      const custom = (p: AccountProfile) => (p.custom ?? {})[name];
      if ("values" in (list[0] as object)) return valueRule(name, list as ValueRule[], (p) => {
        const value = custom(p);
        return typeof value === "string" ? value : undefined;
      }, false, `attributes.${name}`);
      return bandRule(name, list as BandRule[], (p) => {
        const value = custom(p);
        return typeof value === "number" ? { value, shown: `${name} = ${value}` } : undefined;
      }, `attributes.${name}`);
    });
    layers.push(layer("attributes", rules, attributes.max, undefined));
  }

  const soft = rubric.antiIcp.soft;
  const deductions = soft
    ? (Object.entries(soft.deductions) as [SoftDisqualifier, SoftDeduction][]).map(([kind, deduction]) => {
        const centi = -toCenti(deduction.points);
        return { kind, rule: `antiIcp.${kind}`, label: SOFT_LABELS[kind], centi, points: fromCenti(centi), maxTier: deduction.maxTier };
      })
    : [];
  if (soft) {
    // A soft disqualifier caps the tier (`maxTier`) whether or not it deducts points.
    const softRule: DraftRule = ({ profile, tierCaps }, out) => {
      for (const d of deductions) {
        const input = softDisqualifier(d.kind, profile, rubric);
        if (input === undefined) continue;
        if (d.centi !== 0) out.push({ rule: d.rule, label: d.label, centi: d.centi, uncapped: d.centi, evidence: [{ description: input, points: d.points }] });
        if (d.maxTier !== undefined) tierCaps.push({ tierId: d.maxTier, rule: d.rule, reason: `${d.label} (${input})` });
      }
    };
    layers.push(layer("antiIcp", [softRule], undefined, -soft.max));
  }

  return { layers, hard: rubric.antiIcp.hard.map((rule, i) => ({ rule, id: `antiIcp.hard[${i}]` })), outOfCenti: toCenti(rubric.outOf) };
}

/**
 * Fit of one account on one scorecard: firmographics, technographics, organisational signals
 * and anti-ICP. `contacts` (records of this account's contacts, any order, repeats allowed)
 * form the buying committee when the scorecard has a `contacts` section: their titles count as
 * buying roles present, a champion / economic buyer / technical evaluator among them counts as
 * champion identified / budget holder identified / technical team, and the committee's own
 * rules (roles held, full coverage, best contact) add points — all inside the organisational
 * layer's cap. Pure; never reads the clock. The rubric is compiled on first use (see `compileFit`).
 */
export function scoreFit(profile: AccountProfile, card: { fit: FitRubric; contacts?: ContactsRubric | undefined }, contacts?: readonly DatedContact[]): FitResult {
  const rubric = card.fit;
  const compiled = compiledFit(rubric);
  const committee = card.contacts && contacts ? buyingCommittee(contacts, card.contacts) : undefined;
  const technologies = profile.technographics.technologies;
  const present = new Set<string>();
  for (const t of technologies) present.add(norm(t.name));
  const tierCaps: TierCap[] = [];
  const input: FitInput = { profile, present, committee, tierCaps };

  let centi = 0;
  const layers: LayerResult[] = [];
  const contributions: Contribution[] = [];
  for (const compiledLayer of compiled.layers) {
    const result = runLayer(compiledLayer, input);
    centi += result.centi;
    layers.push(result.layer);
    for (const c of result.contributions) contributions.push(c);
  }

  const exclusions: Exclusion[] = [];
  for (const { rule, id } of compiled.hard) {
    const hit = hardDisqualifier(rule, profile);
    if (hit) exclusions.push({ rule: id, ...hit });
  }

  return {
    score: fromCenti(scaleSigned(centi, compiled.outOfCenti)),
    points: fromCenti(centi),
    outOf: rubric.outOf,
    excluded: exclusions.length > 0,
    exclusions,
    tierCaps,
    layers,
    contributions,
    ...(committee ? { committee } : {}),
  };
}

const ORG_FACT_ROLE = { championIdentified: "champion", budgetHolderIdentified: "economic_buyer", hasTechnicalTeam: "technical_evaluator" } as const;
const ORG_FACT_LABEL = { championIdentified: "champion identified", budgetHolderIdentified: "budget holder identified", hasTechnicalTeam: "technical team" } as const;

/** The organisational layer's rules: buying roles present, the facts (or the committee's holders of them) and the committee's own rules. */
function organisationalRule(org: NonNullable<FitRubric["organisational"]>): DraftRule {
  const roles = org.buyingRoles;
  // A role phrase as a whole-word pattern over a normalised title (see `titleContains`); an empty one never matches.
  const wantedRoles = roles ? roles.roles.map((r) => normalizeTitle(r)).filter((w) => w.length > 0).map((w) => ` ${w} `) : [];
  const roleEach = roles ? toCenti(roles.pointsEach) : 0;
  const roleMax = roles ? toCenti(roles.max) : 0;
  const facts = (["championIdentified", "budgetHolderIdentified", "hasTechnicalTeam"] as const).flatMap((key) => {
    const points = org[key];
    if (points === undefined) return [];
    const centi = toCenti(points);
    return [{ key, role: ORG_FACT_ROLE[key], roleLabel: BUYING_ROLE_LABELS[ORG_FACT_ROLE[key]], rule: `organisational.${key}`, label: ORG_FACT_LABEL[key], centi, points: fromCenti(centi), shown: `${key} = true` }];
  });
  const rules = org.committee;
  const committeeRoles = rules ? (Object.entries(rules.roles) as [keyof typeof BUYING_ROLE_LABELS, number][]) : [];

  return ({ profile, committee }, out) => {
    const o = profile.organisational;
    const contactLabel = (id: string) => {
      const c = committee?.contacts.find((x) => x.contactId === id);
      return c?.title ? `contact ${id} (${c.title})` : `contact ${id}`;
    };
    if (roles) {
      // Account columns first, then contacts' titles: the first holder found is the one shown.
      const holders: { text: string; shown: string }[] = [];
      for (const p of o.buyingRolesPresent) holders.push({ text: ` ${normalizeTitle(p)} `, shown: `role ${p}` });
      for (const c of committee?.contacts ?? []) if (c.title !== undefined) holders.push({ text: ` ${normalizeTitle(c.title)} `, shown: `role ${c.title} (contact ${c.contactId})` });
      const hits: Evidence[] = [];
      if (holders.length > 0) {
        for (const wanted of wantedRoles) {
          const holder = holders.find((h) => h.text.includes(wanted));
          if (holder) hits.push({ description: holder.shown, points: fromCenti(roleEach) });
        }
      }
      if (hits.length > 0) out.push({ rule: "organisational.buyingRoles", label: "buying roles present", centi: Math.min(roleEach * hits.length, roleMax), uncapped: roleEach * hits.length, evidence: hits });
    }
    for (const fact of facts) {
      const holder = committee?.roles[fact.role]?.[0];
      const description = o[fact.key] === true ? fact.shown : holder !== undefined ? `${fact.roleLabel}: ${contactLabel(holder)}` : undefined;
      if (description === undefined) continue;
      out.push({ rule: fact.rule, label: fact.label, centi: fact.centi, uncapped: fact.centi, evidence: [{ description, points: fact.points }] });
    }
    if (rules && committee) {
      const held = committeeRoles.filter(([role]) => (committee.roles[role]?.length ?? 0) > 0);
      if (held.length > 0) {
        const evidence = held.map(([role, points]) => ({ description: `${BUYING_ROLE_LABELS[role]}: ${contactLabel(committee.roles[role]?.[0] ?? "")}`, points }));
        const centi = held.reduce((s, [, points]) => s + toCenti(points), 0);
        out.push({ rule: "organisational.committee.roles", label: "buying committee roles", centi, uncapped: centi, evidence });
      }
      const { held: covered, of } = committee.coverage;
      if (rules.fullCoverage !== undefined && of > 0 && covered === of) {
        const centi = toCenti(rules.fullCoverage);
        out.push({ rule: "organisational.committee.fullCoverage", label: "full buying committee", centi, uncapped: centi, evidence: [{ description: `${covered}/${of} buying roles held`, points: fromCenti(centi) }] });
      }
      const best = committee.best;
      if (rules.bestContact && best && best.score >= rules.bestContact.minScore) {
        const centi = toCenti(rules.bestContact.points);
        out.push({ rule: "organisational.committee.bestContact", label: "strong best contact", centi, uncapped: centi, evidence: [{ description: `best contact ${contactLabel(best.contactId)} scores ${best.score} ≥ ${rules.bestContact.minScore}`, points: fromCenti(centi) }] });
      }
    }
  };
}
