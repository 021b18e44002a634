import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AccountProfile } from "../domain/account-profile.js";
import { Contact, classifyContact, departmentOfTitle, seniorityOfTitle } from "../domain/contact.js";
import type { ContactInput } from "../domain/contact.js";
import { DAY_MS } from "../domain/time.js";
import { formatExplanation } from "../explain/format-explanation.js";
import { scoreFit } from "../fit/fit-score.js";
import { parseRubric } from "../rubric/load-rubric.js";
import type { LoadedScorecard } from "../rubric/load-rubric.js";
import { scoreAccountOnScorecard } from "../score-account.js";
import { rubric as testRubric, baseCard } from "../testing/fixtures.js";
import { buyingCommittee } from "./buying-committee.js";
import { scoreContact } from "./score-contact.js";
import type { DatedContact } from "./score-contact.js";

/**
 * Contacts inside an account, from the references: the guide's "Champion Scoring" ("Score
 * individuals, not just accounts: Has budget authority (+20), Technical background (+15),
 * Engaged with content (+15), Referred by customer (+25)") and the GTM article's
 * organisational layer ("presence of the right buying roles … identifiable champion
 * potential"), against the shipped enterprise rubric.
 */
const enterpriseRubric = parseRubric(readFileSync(new URL("../../../../rubrics/enterprise.yaml", import.meta.url), "utf8"), "enterprise.yaml");
const enterprise = enterpriseRubric.scorecards[0] as LoadedScorecard;
const rules = enterprise.contacts!;
const AT = "2026-11-01T00:00:00.000Z";
const ago = (days: number) => new Date(Date.parse(AT) - days * DAY_MS).toISOString();
const contact = (fields: Partial<ContactInput> & { contactId: string }, occurredAt = AT): DatedContact => ({ ...Contact.parse({ accountKey: "acme.com", ...fields }), occurredAt });

describe("guide, Champion Scoring: each attribute is worth the guide's points", () => {
  it("budget authority is worth +20", () => {
    expect(scoreContact(contact({ contactId: "c1", budgetAuthority: true }), rules).score).toBe(20);
  });
  it("a technical background is worth +15", () => {
    expect(scoreContact(contact({ contactId: "c1", technicalBackground: true }), rules).score).toBe(15);
  });
  it("engaged with content is worth +15", () => {
    expect(scoreContact(contact({ contactId: "c1", engagements: [{ kind: "content_download", occurredAt: ago(3) }] }), rules).score).toBe(15);
  });
  it("referred by a customer is worth +25", () => {
    expect(scoreContact(contact({ contactId: "c1", referredByCustomer: true }), rules).score).toBe(25);
  });
  it("all four add up to 20 + 15 + 15 + 25 = 75, each listed as a contribution", () => {
    const s = scoreContact(contact({ contactId: "c1", budgetAuthority: true, technicalBackground: true, referredByCustomer: true, engagements: [{ kind: "webinar_attended", occurredAt: ago(1) }] }), rules);
    expect(s.score).toBe(75);
    expect(s.contributions.map((c) => [c.rule, c.points])).toEqual([
      ["contacts.budgetAuthority", 20],
      ["contacts.technicalBackground", 15],
      ["contacts.referredByCustomer", 25],
      ["contacts.engaged", 15],
    ]);
  });
  it("an explicit false is worth nothing, like an unknown", () => {
    expect(scoreContact(contact({ contactId: "c1", budgetAuthority: false, technicalBackground: false }), rules).score).toBe(0);
  });
});

describe("GTM article decay, applied to engagement: full within 30 days, half at 60, zero at 90", () => {
  const engagedAt = (days: number) => scoreContact(contact({ contactId: "c1", engagements: [{ kind: "email_reply", occurredAt: ago(days) }] }), rules).score;
  it("an engagement 30 days old still gets the full 15", () => expect(engagedAt(30)).toBe(15));
  it("an engagement 45 days old gets half: 7.5", () => expect(engagedAt(45)).toBe(7.5));
  it("an engagement 90 days old gets nothing", () => expect(engagedAt(90)).toBe(0));
  it("the newest engagement counts, once", () => {
    const s = scoreContact(contact({ contactId: "c1", engagements: [{ kind: "email_reply", occurredAt: ago(70) }, { kind: "meeting", occurredAt: ago(2) }, { kind: "meeting", occurredAt: ago(5) }] }), rules);
    expect(s.score).toBe(15);
    expect(s.contributions[0]?.evidence[0]?.description).toBe("meeting, 2 d old");
  });
  it("an engagement dated after the record is not counted (it had not happened yet)", () => {
    expect(scoreContact(contact({ contactId: "c1", engagements: [{ kind: "meeting", occurredAt: "2026-11-05T00:00:00Z" }] }), rules).score).toBe(0);
  });
});

describe("seniority and department come from the title when the source does not give them", () => {
  it.each([
    ["VP of Sales", "vice_president", "sales"],
    ["SVP, Sales", "vice_president", "sales"],
    ["CRO", "c_level", "sales"],
    ["Head of RevOps", "head", "revops"],
    ["Sr. Rev Ops Mgr", "manager", "revops"],
    ["Demand Gen Lead", "manager", "marketing"],
    ["Staff Software Engineer", "individual_contributor", "engineering"],
    ["Director, IT", "director", "it"],
  ] as const)("%s is %s in %s", (title, seniority, department) => {
    expect(seniorityOfTitle(title)).toBe(seniority);
    expect(departmentOfTitle(title)).toBe(department);
  });
  it("a given seniority or department wins over the title", () => {
    expect(classifyContact({ title: "VP Sales", seniority: "director", department: "marketing" })).toEqual({ seniority: "director", department: "marketing" });
  });
});

describe("the buying committee: roles, coverage and the best contact", () => {
  const cfo = contact({ contactId: "c-cfo", title: "CFO", budgetAuthority: true });
  const champion = contact({ contactId: "c-revops", title: "Head of RevOps", referredByCustomer: true, engagements: [{ kind: "meeting", occurredAt: ago(4) }] });
  const engineer = contact({ contactId: "c-eng", title: "Staff Engineer", technicalBackground: true });
  const sdr = contact({ contactId: "c-sdr", title: "SDR" });

  it("gives each contact its roles under the rubric and counts the roles held", () => {
    const c = buyingCommittee([cfo, champion, engineer, sdr], rules);
    expect(c.roles).toEqual({ economic_buyer: ["c-cfo"], champion: ["c-revops"], technical_evaluator: ["c-eng"], user: ["c-revops", "c-sdr"] });
    expect(c.coverage).toEqual({ held: 4, of: 4 });
  });

  it("the best contact is the highest score (referred by a customer 25 + engaged 15 = 40 beats budget authority 20), with why", () => {
    const c = buyingCommittee([cfo, champion, engineer, sdr], rules);
    expect(c.best).toEqual({ contactId: "c-revops", title: "Head of RevOps", score: 40, roles: ["champion", "user"], why: "champion, user; referred by a customer +25, engaged with content +15" });
    expect(c.contacts.map((x) => x.contactId)).toEqual(["c-revops", "c-cfo", "c-eng", "c-sdr"]);
  });

  it("the newest record of a contact wins; a contact who left is set aside", () => {
    const left = { ...champion, status: "left" as const, occurredAt: ago(-1) };
    const c = buyingCommittee([champion, cfo, left], rules);
    expect(c.best?.contactId).toBe("c-cfo");
    expect(c.setAside).toEqual({ left: 1, overLimit: 0 });
    expect(c.roles.champion).toEqual([]);
  });

  it("does not depend on the order of the records", () => {
    const a = buyingCommittee([cfo, champion, engineer, sdr], rules);
    const b = buyingCommittee([sdr, engineer, champion, cfo], rules);
    expect(b).toEqual(a);
  });
});

describe("GTM article, organisational layer: the committee from contacts feeds fit", () => {
  const bare = AccountProfile.parse({ accountKey: "acme.com" });

  it("without contacts the organisational layer is empty", () => {
    expect(scoreFit(bare, enterprise, []).layers.find((l) => l.id === "organisational")?.points).toBe(0);
  });

  it("contacts' titles are buying roles present, a champion and an economic buyer are identified, the committee adds its points — capped at 15", () => {
    const fit = scoreFit(bare, enterprise, [
      contact({ contactId: "c-cfo", title: "CFO", budgetAuthority: true }),
      contact({ contactId: "c-revops", title: "Head of RevOps", referredByCustomer: true, engagements: [{ kind: "meeting", occurredAt: ago(4) }] }),
      contact({ contactId: "c-eng", title: "Staff Engineer", technicalBackground: true }),
    ]);
    const org = fit.contributions.filter((c) => c.layer === "organisational");
    expect(org.map((c) => c.rule)).toEqual([
      "organisational.buyingRoles",
      "organisational.championIdentified",
      "organisational.budgetHolderIdentified",
      "organisational.committee.roles",
      "organisational.committee.fullCoverage",
      "organisational.committee.bestContact",
    ]);
    expect(org.find((c) => c.rule === "organisational.championIdentified")?.evidence[0]?.description).toBe("champion: contact c-revops (Head of RevOps)");
    expect(fit.layers.find((l) => l.id === "organisational")).toMatchObject({ points: 15, max: 15 });
    expect(fit.committee?.best?.contactId).toBe("c-revops");
  });

  it("a new contact raises the organisational score: a champion joins a committee of one CFO", () => {
    const cfo = contact({ contactId: "c-cfo", title: "CFO", budgetAuthority: true });
    const before = scoreFit(bare, enterprise, [cfo]);
    const after = scoreFit(bare, enterprise, [cfo, contact({ contactId: "c-revops", title: "RevOps Manager" })]);
    const orgOf = (f: typeof before) => f.layers.find((l) => l.id === "organisational")?.points ?? 0;
    // CFO: budget holder 3 + economic buyer 2 = 5; the RevOps manager adds the role (4), champion (4), champion + user roles (2 + 1).
    expect(orgOf(before)).toBe(5);
    expect(orgOf(after)).toBe(15);
    expect(after.score).toBeGreaterThan(before.score);
  });

  it("a scorecard without a contacts section ignores contacts", () => {
    const card = testRubric({ scorecards: { t: baseCard({ fit: { organisational: { max: 10, championIdentified: 5 } } }) } }).scorecards[0] as LoadedScorecard;
    expect(scoreFit(bare, card, [contact({ contactId: "x", title: "Head of RevOps", referredByCustomer: true })]).points).toBe(0);
  });

  it("a committee rule without a contacts section is refused when the rubric loads", () => {
    expect(() => testRubric({ scorecards: { t: baseCard({ fit: { organisational: { max: 10, committee: { roles: { champion: 2 } } } } }) } })).toThrow(/contacts/);
  });

  it("the explanation shows the committee and each contact's score, rule by rule", () => {
    const s = scoreAccountOnScorecard(bare, [], enterprise, enterpriseRubric.version, AT, [contact({ contactId: "c-cfo", title: "CFO", budgetAuthority: true })]);
    const text = formatExplanation(s, enterprise.weights);
    expect(text).toContain("Buying committee: 1 contact, 1/4 roles held");
    expect(text).toContain("best contact: c-cfo (CFO), 20 points: economic buyer; budget authority +20");
    expect(text).toContain("contact c-cfo (CFO): 20 points, economic buyer");
    expect(text).toContain("[contacts.budgetAuthority]");
  });
});
