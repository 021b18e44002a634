import { MAX_CONTACTS_PER_ACCOUNT } from "../domain/contact.js";
import { toEpochMs } from "../domain/time.js";
import { BUYING_ROLES } from "../rubric/rubric-schema.js";
import type { BuyingRole, ContactsRubric } from "../rubric/rubric-schema.js";
import { BUYING_ROLE_LABELS, scoreContact } from "./score-contact.js";
import type { ContactScore, DatedContact } from "./score-contact.js";

/** The contact a seller should reach first, with why (scoring guide: the SDR reaches "the best contact at the best account"). */
export interface BestContact {
  contactId: string;
  title: string | undefined;
  score: number;
  roles: BuyingRole[];
  /** `economic buyer, champion; budget authority +20, referred by a customer +25`. */
  why: string;
}

export interface BuyingCommittee {
  /** Active contacts, best first (score, then more roles, then contact id). */
  contacts: ContactScore[];
  /** Per buying role the rubric defines, the ids of the contacts holding it (best first). */
  roles: Partial<Record<BuyingRole, string[]>>;
  /** Roles held by at least one contact, over the roles the rubric defines. */
  coverage: { held: number; of: number };
  best: BestContact | undefined;
  /** Contacts set aside: `left` the account, or beyond `MAX_CONTACTS_PER_ACCOUNT`. */
  setAside: { left: number; overLimit: number };
}

/** The newest record per contact id (by `occurredAt`; on a tie the later one in the list). */
export function newestContacts(contacts: readonly DatedContact[]): DatedContact[] {
  const newest = new Map<string, DatedContact>();
  for (const c of contacts) {
    const seen = newest.get(c.contactId);
    if (!seen || toEpochMs(c.occurredAt) >= toEpochMs(seen.occurredAt)) newest.set(c.contactId, c);
  }
  return [...newest.values()];
}

export function bestContactWhy(score: Pick<ContactScore, "roles" | "contributions">): string {
  const roles = score.roles.map((r) => BUYING_ROLE_LABELS[r]).join(", ");
  const points = score.contributions.map((c) => `${c.label} ${c.points > 0 ? "+" : ""}${c.points}`).join(", ");
  return [roles || "no buying role", points || "no scored attribute"].join("; ");
}

const byBest = (a: ContactScore, b: ContactScore) => b.score - a.score || b.roles.length - a.roles.length || (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0);

/**
 * The buying committee of one account from its contacts (GTM article: "Buying committees in
 * B2B average 6–10 decision-makers … if there's no identifiable champion … you're reaching
 * into a vacuum"): each active contact scored (`scoreContact`), the roles they hold, the
 * coverage of the rubric's roles, and the best contact. Contacts are deduplicated by id
 * (newest record wins); those who `left` are set aside; past `MAX_CONTACTS_PER_ACCOUNT` the
 * lowest contact ids are kept (a deterministic choice, whatever the order of arrival).
 * Pure; depends only on the records, never on the clock.
 */
export function buyingCommittee(contacts: readonly DatedContact[], rubric: ContactsRubric): BuyingCommittee {
  const newest = newestContacts(contacts);
  const active = newest.filter((c) => c.status !== "left").sort((a, b) => (a.contactId < b.contactId ? -1 : a.contactId > b.contactId ? 1 : 0));
  const kept = active.slice(0, MAX_CONTACTS_PER_ACCOUNT);
  const scored = kept.map((c) => scoreContact(c, rubric)).sort(byBest);
  const defined = BUYING_ROLES.filter((r) => rubric.roles[r] !== undefined);
  const roles: Partial<Record<BuyingRole, string[]>> = {};
  for (const role of defined) roles[role] = scored.filter((s) => s.roles.includes(role)).map((s) => s.contactId);
  const first = scored[0];
  return {
    contacts: scored,
    roles,
    coverage: { held: defined.filter((r) => (roles[r]?.length ?? 0) > 0).length, of: defined.length },
    best: first ? { contactId: first.contactId, title: first.title, score: first.score, roles: first.roles, why: bestContactWhy(first) } : undefined,
    setAside: { left: newest.length - active.length, overLimit: active.length - kept.length },
  };
}
