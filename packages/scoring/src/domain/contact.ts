import { z } from "zod";
import { AccountKey } from "./account-key.js";
import { Department } from "./signal.js";
import { IsoDateTime } from "./time.js";
import { normalizeTitle } from "./title.js";

/**
 * A person inside an account (scoring guide, "Champion Scoring": "score individuals, not just
 * accounts"). Contacts are fit inputs: the buying committee they form is part of the
 * organisational layer. Like profiles, absent means unknown: only an explicit `false` is a
 * known negative.
 *
 * No name, e-mail or phone: the engine needs none, and a contact id is enough for a sequencer
 * to look the person up in the CRM it came from.
 */

/** Normalised seniority, from the top down. */
export const Seniority = z.enum(["c_level", "vice_president", "head", "director", "manager", "individual_contributor"]);
export type Seniority = z.infer<typeof Seniority>;

/** How a contact engaged with the seller's content (scoring guide: "Engaged with content (+15)"). */
export const EngagementKind = z.enum(["content_download", "webinar_attended", "email_reply", "meeting", "website_visit", "event_attended", "other"]);
export type EngagementKind = z.infer<typeof EngagementKind>;

export const ContactEngagement = z.object({
  kind: EngagementKind,
  occurredAt: IsoDateTime,
  /** The asset, webinar or campaign, as the source names it. */
  detail: z.string().min(1).max(300).optional(),
});
export type ContactEngagement = z.infer<typeof ContactEngagement>;

/** At most this many engagements per contact record: the newest one is what scores. */
export const MAX_ENGAGEMENTS_PER_CONTACT = 100;

export const Contact = z.object({
  /** The id in the system the contact comes from (CRM record id); stable across updates. */
  contactId: z.string().min(1).max(200),
  accountKey: AccountKey,
  /** The job title as written ("Sr. RevOps Mgr"). */
  title: z.string().min(1).max(300).optional(),
  /** Normalised; derived from the title when absent (`classifyTitle`). */
  seniority: Seniority.optional(),
  department: Department.optional(),
  /** Signs or approves budget (scoring guide: "Has budget authority (+20)"). */
  budgetAuthority: z.boolean().optional(),
  /** An engineer, architect or similar by training (scoring guide: "Technical background (+15)"). */
  technicalBackground: z.boolean().optional(),
  /** Introduced by an existing customer (scoring guide: "Referred by customer (+25)"). */
  referredByCustomer: z.boolean().optional(),
  engagements: z.array(ContactEngagement).max(MAX_ENGAGEMENTS_PER_CONTACT).default([]),
  /** `left`: no longer at the account (kept so that the update reaches the committee, never counted). */
  status: z.enum(["active", "left"]).default("active"),
});
export type Contact = z.infer<typeof Contact>;
export type ContactInput = z.input<typeof Contact>;

/** At most this many contacts per account take part in the committee (state stays bounded). */
export const MAX_CONTACTS_PER_ACCOUNT = 200;

const has = (title: string, phrase: string) => ` ${title} `.includes(` ${phrase} `);
const hasAny = (title: string, phrases: readonly string[]) => phrases.some((p) => has(title, p));

/**
 * Seniority from a job title normalised by `normalizeTitle` ("VP" → vice president, "CRO" →
 * chief revenue officer): chief / founder / owner / president (not vice) → c_level; vice
 * president → vice_president; head → head; director → director; manager / lead → manager;
 * anything else → individual_contributor. Undefined for an empty title.
 */
export function seniorityOfTitle(title: string): Seniority | undefined {
  const t = normalizeTitle(title);
  if (t.length === 0) return undefined;
  if (has(t, "vice president")) return "vice_president";
  if (hasAny(t, ["chief", "founder", "cofounder", "co founder", "owner", "president", "partner"])) return "c_level";
  if (has(t, "head")) return "head";
  if (has(t, "director")) return "director";
  if (hasAny(t, ["manager", "lead", "leader", "supervisor"])) return "manager";
  return "individual_contributor";
}

const DEPARTMENT_WORDS: readonly (readonly [Department, readonly string[]])[] = [
  ["revops", ["revenue operations", "sales operations", "marketing operations", "go to market operations"]],
  ["security", ["security", "ciso"]],
  ["data", ["data", "analytics", "bi"]],
  ["engineering", ["engineering", "engineer", "developer", "architect", "devops", "chief technology officer", "software"]],
  ["it", ["it", "information technology", "chief information officer", "systems"]],
  ["product", ["product"]],
  ["customer_success", ["customer success", "customer success manager", "support"]],
  ["sales", ["sales", "account executive", "business development", "outbound", "chief revenue officer", "sales development representative", "business development representative", "revenue"]],
  ["marketing", ["marketing", "demand generation", "growth", "brand", "content", "chief marketing officer"]],
  ["finance", ["finance", "financial", "procurement", "chief financial officer", "controller"]],
  ["hr", ["people", "hr", "human resources", "talent", "recruiting", "recruiter"]],
  ["legal", ["legal", "counsel"]],
  ["operations", ["operations", "chief operating officer"]],
  ["executive", ["chief executive officer", "founder", "cofounder", "co founder", "owner", "president", "managing director", "general manager"]],
];

/**
 * Department from a normalised job title, first match in the order above (so "RevOps" is
 * revops before sales, "VP Sales Engineering" is engineering). Undefined when no word says.
 */
export function departmentOfTitle(title: string): Department | undefined {
  const t = normalizeTitle(title);
  for (const [department, words] of DEPARTMENT_WORDS) if (hasAny(t, words.map(normalizeTitle))) return department;
  return undefined;
}

/** The contact's seniority and department: as given, else derived from its title. */
export function classifyContact(contact: Pick<Contact, "title" | "seniority" | "department">): { seniority: Seniority | undefined; department: Department | undefined } {
  return {
    seniority: contact.seniority ?? (contact.title === undefined ? undefined : seniorityOfTitle(contact.title)),
    department: contact.department ?? (contact.title === undefined ? undefined : departmentOfTitle(contact.title)),
  };
}
