import type { AccountProfile } from "../domain/account-profile.js";
import { effectiveEmployeeCount, fundingStageMatches } from "../domain/firmographic-values.js";
import { normalizeLabel, normalizedSet } from "../domain/label.js";
import type { Contribution, Evidence, LayerResult } from "../explain/contribution.js";
import { allocateCaps } from "../explain/allocate-caps.js";
import { fromCenti, layerScore, scaleSigned, toCenti } from "../points.js";
import { titleContains } from "../domain/title.js";
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

interface Draft {
  rule: string;
  label: string;
  centi: number;
  uncapped: number;
  evidence: Evidence[];
}

const norm = normalizeLabel;
const inValues = (values: readonly string[], value: string) => normalizedSet(values).has(norm(value));
/** Whole-word match of a role phrase in a title, both normalised as job titles ("revops" is in "Head of Rev Ops"): see `normalizeTitle`. */
export const containsWords = titleContains;

function valueRule(attribute: string, rules: readonly ValueRule[] | undefined, value: string | undefined, matches: (values: readonly string[], value: string) => boolean = inValues): Draft[] {
  if (!rules || value === undefined) return [];
  const rule = rules.find((r) => matches(r.values, value));
  if (!rule) return [];
  const centi = toCenti(rule.points);
  return [{ rule: `firmographics.${attribute}`, label: rule.label ?? `${attribute} ${value}`, centi, uncapped: centi, evidence: [{ description: `${attribute} = ${value}`, points: fromCenti(centi) }] }];
}

export function bandMatches(band: BandRule, value: number): boolean {
  return (band.min === undefined || value >= band.min) && (band.max === undefined || value <= band.max);
}

function bandRule(attribute: string, bands: readonly BandRule[] | undefined, value: number | undefined, shown: string): Draft[] {
  if (!bands || value === undefined) return [];
  const band = bands.find((b) => bandMatches(b, value));
  if (!band) return [];
  const centi = toCenti(band.points);
  const range = `${band.min ?? 0}–${band.max ?? "∞"}`;
  return [{ rule: `firmographics.${attribute}`, label: band.label ?? `${attribute} in ${range}`, centi, uncapped: centi, evidence: [{ description: shown, points: fromCenti(centi) }] }];
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

function group(rule: string, label: string, wanted: readonly string[], present: ReadonlySet<string>, pointsEach: number, max: number, describe: (hit: string) => string): Draft[] {
  const hits = wanted.filter((w) => present.has(norm(w)));
  if (hits.length === 0) return [];
  const each = toCenti(pointsEach);
  const uncapped = each * hits.length;
  const centi = Math.min(uncapped, toCenti(max));
  return [{ rule, label, centi, uncapped, evidence: hits.map((h) => ({ description: describe(h), points: fromCenti(each) })) }];
}

/**
 * A layer: positive drafts share `max`, negative ones `min` (see `allocateCaps`), so a
 * deduction is never lost to a cap on the positives.
 */
function layer(id: string, drafts: Draft[], max: number | undefined, min: number | undefined): { layer: LayerResult; contributions: Contribution[]; centi: number } {
  const contributions = drafts.map((d) => ({ rule: d.rule, layer: id, label: d.label, points: fromCenti(d.centi), uncappedPoints: fromCenti(d.uncapped), evidence: d.evidence }));
  const capped = allocateCaps(contributions, max === undefined ? Infinity : toCenti(max), min === undefined ? -Infinity : toCenti(min));
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

/**
 * Fit of one account on one scorecard: firmographics, technographics, organisational signals
 * and anti-ICP. `contacts` (records of this account's contacts, any order, repeats allowed)
 * form the buying committee when the scorecard has a `contacts` section: their titles count as
 * buying roles present, a champion / economic buyer / technical evaluator among them counts as
 * champion identified / budget holder identified / technical team, and the committee's own
 * rules (roles held, full coverage, best contact) add points — all inside the organisational
 * layer's cap. Pure; never reads the clock.
 */
export function scoreFit(profile: AccountProfile, card: { fit: FitRubric; contacts?: ContactsRubric | undefined }, contacts?: readonly DatedContact[]): FitResult {
  const rubric = card.fit;
  const f = profile.firmographics;
  const layers: { layer: LayerResult; contributions: Contribution[]; centi: number }[] = [];

  const firmo = rubric.firmographics;
  if (firmo) {
    const revenue = effectiveRevenue(profile);
    const employees = effectiveEmployeeCount(f);
    layers.push(
      layer(
        "firmographics",
        [
          ...valueRule("industry", firmo.industry, f.industry),
          ...bandRule("employeeCount", firmo.employeeCount, employees?.value, employees?.shown ?? ""),
          ...bandRule("revenueUsd", firmo.revenueUsd, revenue?.value, revenue?.shown ?? ""),
          ...valueRule("country", firmo.country, f.country),
          ...valueRule("region", firmo.region, f.region),
          ...valueRule("businessModel", firmo.businessModel, f.businessModel),
          ...valueRule("deliveryModel", firmo.deliveryModel, f.deliveryModel),
          ...valueRule("fundingStage", firmo.fundingStage, f.fundingStage, fundingStageMatches),
        ],
        firmo.max,
        undefined,
      ),
    );
  }

  const tech = rubric.technographics;
  if (tech) {
    const names = profile.technographics.technologies.map((t) => t.name);
    const present = new Set(names.map(norm));
    const drafts: Draft[] = [];
    if (tech.integrating) drafts.push(...group("technographics.integrating", "integrating technology", tech.integrating.technologies, present, tech.integrating.pointsEach, tech.integrating.max, (h) => `uses ${h}`));
    if (tech.adjacent) drafts.push(...group("technographics.adjacent", "adjacent technology", tech.adjacent.technologies, present, tech.adjacent.pointsEach, tech.adjacent.max, (h) => `uses ${h}`));
    const competing = tech.competing;
    if (competing) {
      const contracts = profile.technographics.competitorContracts;
      const weak = competing.vendors.filter(
        (v) =>
          contracts.some((c) => c.strength === "weak" && norm(c.vendor) === norm(v)) ||
          (competing.assumeWhenUnknown === "weak" && present.has(norm(v)) && !contracts.some((c) => norm(c.vendor) === norm(v))),
      );
      if (weak.length > 0) {
        const centi = toCenti(competing.weak);
        drafts.push({ rule: "technographics.competing", label: "weak competitor to displace", centi, uncapped: centi, evidence: weak.map((v) => ({ description: `runs ${v} (weak competitor)`, points: fromCenti(centi) })) });
      }
    }
    layers.push(layer("technographics", drafts, tech.max, undefined));
  }

  const committee = card.contacts && contacts ? buyingCommittee(contacts, card.contacts) : undefined;
  const org = rubric.organisational;
  if (org) layers.push(layer("organisational", organisationalDrafts(org, profile, committee), org.max, undefined));

  const attributes = rubric.attributes;
  if (attributes) {
    const custom = profile.custom ?? {};
    const drafts: Draft[] = [];
    for (const [name, rules] of Object.entries(attributes.rules)) {
      const value = custom[name];
      if (value === undefined) continue;
      if ("values" in (rules[0] as object)) {
        if (typeof value !== "string") continue;
        drafts.push(...valueRule(name, rules as ValueRule[], value).map((d) => ({ ...d, rule: `attributes.${name}` })));
      } else if (typeof value === "number") {
        drafts.push(...bandRule(name, rules as BandRule[], value, `${name} = ${value}`).map((d) => ({ ...d, rule: `attributes.${name}` })));
      }
    }
    layers.push(layer("attributes", drafts, attributes.max, undefined));
  }

  const soft = rubric.antiIcp.soft;
  const tierCaps: TierCap[] = [];
  if (soft) {
    const drafts: Draft[] = [];
    for (const [kind, deduction] of Object.entries(soft.deductions) as [SoftDisqualifier, SoftDeduction][]) {
      const input = softDisqualifier(kind, profile, rubric);
      if (input !== undefined) {
        const centi = -toCenti(deduction.points);
        if (centi !== 0) drafts.push({ rule: `antiIcp.${kind}`, label: SOFT_LABELS[kind], centi, uncapped: centi, evidence: [{ description: input, points: fromCenti(centi) }] });
        if (deduction.maxTier !== undefined) tierCaps.push({ tierId: deduction.maxTier, rule: `antiIcp.${kind}`, reason: `${SOFT_LABELS[kind]} (${input})` });
      }
    }
    layers.push(layer("antiIcp", drafts, undefined, -soft.max));
  }

  const exclusions: Exclusion[] = [];
  rubric.antiIcp.hard.forEach((rule, i) => {
    const hit = hardDisqualifier(rule, profile);
    if (hit) exclusions.push({ rule: `antiIcp.hard[${i}]`, ...hit });
  });

  const centi = layers.reduce((s, l) => s + l.centi, 0);
  return {
    score: fromCenti(scaleSigned(centi, toCenti(rubric.outOf))),
    points: fromCenti(centi),
    outOf: rubric.outOf,
    excluded: exclusions.length > 0,
    exclusions,
    tierCaps,
    layers: layers.map((l) => l.layer),
    contributions: layers.flatMap((l) => l.contributions),
    ...(committee ? { committee } : {}),
  };
}

const ORG_FACT_ROLE = { championIdentified: "champion", budgetHolderIdentified: "economic_buyer", hasTechnicalTeam: "technical_evaluator" } as const;
const ORG_FACT_LABEL = { championIdentified: "champion identified", budgetHolderIdentified: "budget holder identified", hasTechnicalTeam: "technical team" } as const;

function organisationalDrafts(org: NonNullable<FitRubric["organisational"]>, profile: AccountProfile, committee: BuyingCommittee | undefined): Draft[] {
  const o = profile.organisational;
  const drafts: Draft[] = [];
  const contactLabel = (id: string) => {
    const c = committee?.contacts.find((x) => x.contactId === id);
    return c?.title ? `contact ${id} (${c.title})` : `contact ${id}`;
  };
  if (org.buyingRoles) {
    const roles = org.buyingRoles;
    // Account columns first, then contacts' titles: the first holder found is the one shown.
    const holders: { title: string; shown: string }[] = [
      ...o.buyingRolesPresent.map((p) => ({ title: p, shown: `role ${p}` })),
      ...(committee?.contacts ?? []).flatMap((c) => (c.title === undefined ? [] : [{ title: c.title, shown: `role ${c.title} (contact ${c.contactId})` }])),
    ];
    const hits = roles.roles.flatMap((r) => {
      const holder = holders.find((h) => containsWords(h.title, r));
      return holder ? [holder] : [];
    });
    if (hits.length > 0) {
      const each = toCenti(roles.pointsEach);
      drafts.push({ rule: "organisational.buyingRoles", label: "buying roles present", centi: Math.min(each * hits.length, toCenti(roles.max)), uncapped: each * hits.length, evidence: hits.map((h) => ({ description: h.shown, points: fromCenti(each) })) });
    }
  }
  for (const key of ["championIdentified", "budgetHolderIdentified", "hasTechnicalTeam"] as const) {
    const points = org[key];
    if (points === undefined) continue;
    const holder = committee?.roles[ORG_FACT_ROLE[key]]?.[0];
    const description = o[key] === true ? `${key} = true` : holder !== undefined ? `${BUYING_ROLE_LABELS[ORG_FACT_ROLE[key]]}: ${contactLabel(holder)}` : undefined;
    if (description === undefined) continue;
    const centi = toCenti(points);
    drafts.push({ rule: `organisational.${key}`, label: ORG_FACT_LABEL[key], centi, uncapped: centi, evidence: [{ description, points: fromCenti(centi) }] });
  }
  const rules = org.committee;
  if (rules && committee) {
    const held = (Object.entries(rules.roles) as [keyof typeof BUYING_ROLE_LABELS, number][]).filter(([role]) => (committee.roles[role]?.length ?? 0) > 0);
    if (held.length > 0) {
      const evidence = held.map(([role, points]) => ({ description: `${BUYING_ROLE_LABELS[role]}: ${contactLabel(committee.roles[role]?.[0] ?? "")}`, points }));
      const centi = held.reduce((s, [, points]) => s + toCenti(points), 0);
      drafts.push({ rule: "organisational.committee.roles", label: "buying committee roles", centi, uncapped: centi, evidence });
    }
    const { held: covered, of } = committee.coverage;
    if (rules.fullCoverage !== undefined && of > 0 && covered === of) {
      const centi = toCenti(rules.fullCoverage);
      drafts.push({ rule: "organisational.committee.fullCoverage", label: "full buying committee", centi, uncapped: centi, evidence: [{ description: `${covered}/${of} buying roles held`, points: fromCenti(centi) }] });
    }
    const best = committee.best;
    if (rules.bestContact && best && best.score >= rules.bestContact.minScore) {
      const centi = toCenti(rules.bestContact.points);
      drafts.push({ rule: "organisational.committee.bestContact", label: "strong best contact", centi, uncapped: centi, evidence: [{ description: `best contact ${contactLabel(best.contactId)} scores ${best.score} ≥ ${rules.bestContact.minScore}`, points: fromCenti(centi) }] });
    }
  }
  return drafts;
}
