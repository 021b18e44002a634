import { Contact } from "@icpstream/scoring";
import type { RowContext, RowOutcome } from "./accounts.js";
import { accountKeyOf } from "./accounts.js";
import type { ImportIssue } from "./issues.js";
import { shownValue } from "./issues.js";
import type { RowView } from "./rows.js";
import type { Cell } from "./values/cell.js";
import { textOf } from "./values/cell.js";
import { parseInstant } from "./values/instants.js";
import { parseBoolean, parseContactSeniority, parseContactStatus, parseDepartment, parseEngagementKind } from "./values/vocabulary.js";

/**
 * Contacts: a CRM or Apollo contact export (HubSpot "Export contacts", Apollo people export,
 * a Salesforce contacts report, or our columns) → `Contact` values, under the same rules as
 * accounts: only a row whose account or person cannot be identified is rejected; a value not
 * understood is left unknown with a warning naming file, line, column and value.
 *
 * - The account: the key columns in the mapping's order, which may end with the e-mail
 *   (`jane@acme.com` is acme.com). A personal mailbox domain (gmail.com, outlook.com…) names
 *   no company: the row is rejected (`personal_email_domain`).
 * - The person: `contact_id`, else the e-mail address (lower-cased) as the id.
 * - Seniority and department in vendor wording (Apollo's `c_suite`, `master_sales`…); when
 *   absent the engine derives them from the title.
 * - `last_engaged_at` (+ `engagement_kind`, default `other`) is one engagement.
 */
export const PERSONAL_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  "gmail.com",
  "googlemail.com",
  "yahoo.com",
  "yahoo.co.uk",
  "hotmail.com",
  "hotmail.co.uk",
  "outlook.com",
  "live.com",
  "msn.com",
  "icloud.com",
  "me.com",
  "aol.com",
  "proton.me",
  "protonmail.com",
  "gmx.de",
  "gmx.net",
  "web.de",
  "yandex.ru",
  "mail.ru",
  "qq.com",
  "163.com",
]);

const MAX_TITLE = 300;

export function contactFromView(row: RowView, context: RowContext): RowOutcome<Contact> {
  const warnings: ImportIssue[] = [];
  const reject = (reason: ImportIssue["reason"], column: string | undefined, raw: unknown, message: string): RowOutcome<Contact> => ({
    ok: false,
    reject: { source: context.source, line: row.line, column, value: shownValue(raw), reason, message: `${message}; skipped` },
    warnings,
  });
  const warn = (cell: { header: string; raw: unknown }, outcome: Cell<unknown>, what: string) => {
    if (outcome.kind === "unknown") warnings.push({ source: context.source, line: row.line, column: cell.header, value: shownValue(cell.raw), reason: outcome.reason, message: `value ${JSON.stringify(shownValue(cell.raw))} ${outcome.why}; ${what} left unknown` });
  };

  const key = accountKeyOf([...row.cells("domain"), ...row.cells("email")], row.line, context, warnings);
  if (!key.ok) return { ok: false, reject: key.reject, warnings };
  if (PERSONAL_MAIL_DOMAINS.has(key.key)) {
    const cell = [...row.cells("domain"), ...row.cells("email")].at(-1);
    return reject("personal_email_domain", cell?.header, cell?.raw, `${key.key} is a personal mailbox provider, not the contact's company; add the company's domain column`);
  }

  const idCell = row.cells("contact_id")[0];
  const emailCell = row.cells("email")[0];
  const id = idCell ? textOf(idCell.raw) : undefined;
  const email = emailCell ? textOf(emailCell.raw) : undefined;
  const contactId = id?.kind === "value" ? id.value : email?.kind === "value" && email.value.includes("@") ? email.value.toLowerCase() : undefined;
  if (contactId === undefined) return reject("missing_field", idCell?.header ?? "contact_id", idCell?.raw, "no contact id (record id) or e-mail to identify the person");
  if (contactId.length > 200) return reject("invalid_field", idCell?.header ?? emailCell?.header, contactId, "the contact id is longer than 200 characters");

  const candidate: Record<string, unknown> = { contactId, accountKey: key.key };
  const titleCell = row.cells("title")[0];
  if (titleCell) {
    const title = textOf(titleCell.raw);
    warn(titleCell, title, "title");
    if (title.kind === "value") {
      if (title.value.length > MAX_TITLE) warnings.push({ source: context.source, line: row.line, column: titleCell.header, value: shownValue(titleCell.raw), reason: "not_understood", message: `the title is longer than ${MAX_TITLE} characters; cut to ${MAX_TITLE}` });
      candidate.title = title.value.slice(0, MAX_TITLE);
    }
  }
  const read = <T>(column: string, parse: (raw: unknown) => Cell<T>, field: string, what: string) => {
    const cell = row.cells(column)[0];
    if (!cell) return;
    const outcome = parse(cell.raw);
    warn(cell, outcome, what);
    if (outcome.kind === "value") candidate[field] = outcome.value;
  };
  read("seniority", parseContactSeniority, "seniority", "seniority (it is derived from the title)");
  read("department", parseDepartment, "department", "department (it is derived from the title)");
  read("budget_authority", parseBoolean, "budgetAuthority", "budget authority");
  read("technical_background", parseBoolean, "technicalBackground", "technical background");
  read("referred_by_customer", parseBoolean, "referredByCustomer", "referred by a customer");
  read("status", parseContactStatus, "status", "status (read as active)");

  const engagedCell = row.cells("last_engaged_at")[0];
  if (engagedCell) {
    const at = parseInstant(engagedCell.raw, context.dateOrder);
    warn(engagedCell, at, "last engagement");
    if (at.kind === "value") {
      const kindCell = row.cells("engagement_kind")[0];
      const kind = kindCell ? parseEngagementKind(kindCell.raw) : undefined;
      if (kindCell && kind) warn(kindCell, kind, "engagement kind (read as other)");
      candidate.engagements = [{ kind: kind?.kind === "value" ? kind.value : "other", occurredAt: at.value }];
    }
  }
  const parsed = Contact.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return reject("invalid_contact", undefined, undefined, `${String(issue?.path.join(".") ?? "")}: ${issue?.message ?? "not a valid contact"}`);
  }
  return { ok: true, value: parsed.data, warnings };
}
