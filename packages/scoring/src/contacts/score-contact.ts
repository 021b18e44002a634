import type { Contact } from "../domain/contact.js";
import { classifyContact } from "../domain/contact.js";
import type { Department } from "../domain/signal.js";
import type { Seniority } from "../domain/contact.js";
import { DAY_MS, toEpochMs } from "../domain/time.js";
import { titleContains } from "../domain/title.js";
import type { Contribution } from "../explain/contribution.js";
import { fromCenti, toCenti } from "../points.js";
import { BUYING_ROLES, DEFAULT_DECAY } from "../rubric/rubric-schema.js";
import type { BuyingRole, ContactsRubric, RoleCriteria } from "../rubric/rubric-schema.js";
import { decayAt } from "../timing/decay.js";

/**
 * A contact record as the engine scores it: the contact and the instant the record describes
 * (`occurredAt` of its event; the as-of instant for a file). Engagement is aged to that
 * instant, so a contact's score depends on its record alone, never on the clock — fit stays
 * clock-free (see `buyingCommittee`).
 */
export type DatedContact = Contact & { occurredAt: string };

export const BUYING_ROLE_LABELS: Readonly<Record<BuyingRole, string>> = {
  economic_buyer: "economic buyer",
  champion: "champion",
  technical_evaluator: "technical evaluator",
  user: "user",
};

export interface ContactScore {
  contactId: string;
  title: string | undefined;
  seniority: Seniority | undefined;
  department: Department | undefined;
  /** The buying roles the contact holds, in `BUYING_ROLES` order. */
  roles: BuyingRole[];
  /** Sum of the contributions (points, not scaled): 0–100 under the guide's numbers (20 + 15 + 15 + 25 = 75). */
  score: number;
  contributions: Contribution[];
  /** The record's instant, ISO. */
  occurredAt: string;
}

function holdsRole(criteria: RoleCriteria, contact: Contact, seniority: Seniority | undefined, department: Department | undefined): boolean {
  if (criteria.budgetAuthority && contact.budgetAuthority === true) return true;
  if (criteria.technicalBackground && contact.technicalBackground === true) return true;
  if (criteria.referredByCustomer && contact.referredByCustomer === true) return true;
  if (criteria.seniority && seniority !== undefined && criteria.seniority.includes(seniority)) return true;
  if (criteria.departments && department !== undefined && criteria.departments.includes(department)) return true;
  const title = contact.title;
  return criteria.titles !== undefined && title !== undefined && criteria.titles.some((phrase) => titleContains(title, phrase));
}

/** The buying roles a contact holds under the rubric's `contacts.roles`, in `BUYING_ROLES` order. */
export function rolesOf(contact: Contact, rubric: ContactsRubric): BuyingRole[] {
  const { seniority, department } = classifyContact(contact);
  return BUYING_ROLES.filter((role) => {
    const criteria = rubric.roles[role];
    return criteria !== undefined && holdsRole(criteria, contact, seniority, department);
  });
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * One contact's score (scoring guide, "Champion Scoring": "Has budget authority (+20)",
 * "Technical background (+15)", "Engaged with content (+15)", "Referred by customer (+25)";
 * the points come from the rubric). `engaged` counts the newest engagement at or before the
 * record's instant, decayed by its age (`contacts.engaged.decay`, default the GTM article's
 * step decay: full ≤ 30 days, half ≤ 60, a quarter until 90, none after). Pure.
 */
export function scoreContact(contact: DatedContact, rubric: ContactsRubric): ContactScore {
  const { seniority, department } = classifyContact(contact);
  const contributions: Contribution[] = [];
  const add = (rule: string, label: string, centi: number, description: string, extra: Partial<Contribution["evidence"][number]> = {}) => {
    if (centi === 0) return;
    contributions.push({ rule: `contacts.${rule}`, layer: "contact", label, points: fromCenti(centi), uncappedPoints: fromCenti(centi), evidence: [{ description, points: fromCenti(centi), ...extra }] });
  };
  if (contact.budgetAuthority === true) add("budgetAuthority", "budget authority", toCenti(rubric.budgetAuthority), "budgetAuthority = true");
  if (contact.technicalBackground === true) add("technicalBackground", "technical background", toCenti(rubric.technicalBackground), "technicalBackground = true");
  if (contact.referredByCustomer === true) add("referredByCustomer", "referred by a customer", toCenti(rubric.referredByCustomer), "referredByCustomer = true");
  if (rubric.seniority && seniority !== undefined) {
    const points = rubric.seniority[seniority];
    if (points !== undefined) add("seniority", `seniority ${seniority.replace(/_/g, " ")}`, toCenti(points), `seniority = ${seniority}${contact.seniority === undefined ? ` (from title "${contact.title ?? ""}")` : ""}`);
  }
  const engaged = rubric.engaged;
  if (engaged) {
    const at = toEpochMs(contact.occurredAt);
    const decay = engaged.decay ?? DEFAULT_DECAY;
    let best: { factor: number; ms: number; kind: string; occurredAt: string } | undefined;
    for (const e of contact.engagements) {
      const ms = toEpochMs(e.occurredAt);
      if (ms > at) continue;
      const { factor } = decayAt(decay, ms, at);
      if (!best || factor > best.factor || (factor === best.factor && ms > best.ms)) best = { factor, ms, kind: e.kind, occurredAt: e.occurredAt };
    }
    if (best && best.factor > 0) {
      const ageDays = round2((at - best.ms) / DAY_MS);
      add("engaged", "engaged with content", Math.round(toCenti(engaged.points) * best.factor), `${best.kind.replace(/_/g, " ")}, ${ageDays} d old`, { occurredAt: best.occurredAt, ageDays, factor: best.factor });
    }
  }
  const score = fromCenti(contributions.reduce((s, c) => s + toCenti(c.points), 0));
  return { contactId: contact.contactId, title: contact.title, seniority, department, roles: rolesOf(contact, rubric), score, contributions, occurredAt: contact.occurredAt };
}
