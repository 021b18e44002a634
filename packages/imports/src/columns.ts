import { SIGNAL_TYPES, signalSchemaFor } from "@icpstream/scoring";
import type { SignalType } from "@icpstream/scoring";

/**
 * Our columns: the names icpstream reads, which a file uses directly (matched ignoring
 * case, spaces and hyphens: "Employee Count" is employee_count) or a mapping file maps a
 * vendor's headers onto. packages/imports/README.md lists them; this file is the source.
 */
export type AccountColumnKind = "text" | "count" | "usd" | "usd_exact" | "country" | "business_model" | "delivery_model" | "funding_stage" | "technologies" | "competitors" | "list" | "boolean" | "instant" | "external_id" | "external_ids";

export interface AccountColumn {
  /** The profile attribute it fills (for unknown-attribute notes). */
  attribute: string;
  kind: AccountColumnKind;
}

export const ACCOUNT_COLUMNS: ReadonlyMap<string, AccountColumn> = new Map([
  ["name", { attribute: "name", kind: "text" }],
  ["industry", { attribute: "industry", kind: "text" }],
  ["employee_count", { attribute: "employeeCount", kind: "count" }],
  ["revenue_usd", { attribute: "revenueUsd", kind: "usd" }],
  ["revenue_min_usd", { attribute: "revenueRange", kind: "usd_exact" }],
  ["revenue_max_usd", { attribute: "revenueRange", kind: "usd_exact" }],
  ["country", { attribute: "country", kind: "country" }],
  ["region", { attribute: "region", kind: "text" }],
  ["business_model", { attribute: "businessModel", kind: "business_model" }],
  ["delivery_model", { attribute: "deliveryModel", kind: "delivery_model" }],
  ["funding_stage", { attribute: "fundingStage", kind: "funding_stage" }],
  ["technologies", { attribute: "technologies", kind: "technologies" }],
  ["competitors", { attribute: "competitorContracts", kind: "competitors" }],
  ["buying_roles", { attribute: "buyingRolesPresent", kind: "list" }],
  ["champion_identified", { attribute: "championIdentified", kind: "boolean" }],
  ["budget_holder_identified", { attribute: "budgetHolderIdentified", kind: "boolean" }],
  ["has_technical_team", { attribute: "hasTechnicalTeam", kind: "boolean" }],
  ["hiring_freeze", { attribute: "hiringFreeze", kind: "boolean" }],
  ["recent_layoffs", { attribute: "recentLayoffs", kind: "boolean" }],
  ["lost_on_price_at", { attribute: "lostOnPriceAt", kind: "instant" }],
  ["deal_went_dark_at", { attribute: "dealWentDarkAt", kind: "instant" }],
  ["bad_payment_history", { attribute: "badPaymentHistory", kind: "boolean" }],
  ["regulatory_blocker", { attribute: "regulatoryBlocker", kind: "boolean" }],
  ["do_not_contact", { attribute: "doNotContact", kind: "boolean" }],
  // The account's ids in other systems, so payloads that name it only by one resolve (see EXTERNAL_ID_SYSTEMS).
  ["hubspot_company_id", { attribute: "externalIds", kind: "external_id" }],
  ["salesforce_account_id", { attribute: "externalIds", kind: "external_id" }],
  ["segment_group_id", { attribute: "externalIds", kind: "external_id" }],
  ["external_ids", { attribute: "externalIds", kind: "external_ids" }],
]);

/** The id system each id column records (`external_ids` cells name theirs: `hubspot-company:214;salesforce-account:001…`). */
export const EXTERNAL_ID_SYSTEMS: ReadonlyMap<string, string> = new Map([
  ["hubspot_company_id", "hubspot-company"],
  ["salesforce_account_id", "salesforce-account"],
  ["segment_group_id", "segment-group"],
]);

/** Columns that may name the account, in the order they are tried when a file has several. */
export const KEY_COLUMNS = ["domain", "account_key", "website", "company_domain", "domain_name", "company_domain_name", "website_url", "company_website", "url"] as const;

/** Our list columns: the only ones a mapping may `split`. */
export const LIST_COLUMNS = new Set(["technologies", "competitors", "buying_roles"]);

const camelToSnake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Every signal column: envelope columns and each signal type's fields in snake_case. */
export const SIGNAL_COLUMNS: ReadonlySet<string> = new Set([
  "event_id",
  "type",
  "occurred_at",
  "source",
  ...SIGNAL_TYPES.flatMap((type: SignalType) => Object.keys(signalSchemaFor(type).shape).map(camelToSnake)).filter((c) => !["type", "event_id", "account_key", "occurred_at", "source"].includes(c)),
]);

/** "Employee Count", "employee-count", " EMPLOYEE_COUNT " → employee_count. */
export function ourColumnName(header: string): string {
  return header.trim().toLowerCase().replace(/[\s-]+/g, "_");
}

/** Case- and space-insensitive form of a vendor's header, for matching mapping files. */
export function headerKey(header: string): string {
  return header.trim().toLowerCase().replace(/\s+/g, " ");
}

/**
 * Outcome (opportunity) columns: a CRM opportunity export. `stage` is won / lost / open in
 * CRM wording ("Closed Won", closedlost, "Negotiation/Review"); `is_won` / `is_closed` are the
 * TRUE/FALSE columns a Salesforce report adds, used when the stage says neither.
 */
export const OUTCOME_COLUMNS: ReadonlySet<string> = new Set(["opportunity_id", "name", "created_at", "closed_at", "stage", "is_won", "is_closed", "amount", "currency"]);

/**
 * Contact columns: a CRM or Apollo contact export, one row per person. `domain` (or any key
 * column, or the e-mail's domain through a mapping) names the account; `contact_id` the person.
 * `last_engaged_at` (+ `engagement_kind`) is the newest engagement the export knows.
 */
export const CONTACT_COLUMNS: ReadonlySet<string> = new Set([
  "contact_id",
  "email",
  "title",
  "seniority",
  "department",
  "budget_authority",
  "technical_background",
  "referred_by_customer",
  "last_engaged_at",
  "engagement_kind",
  "status",
]);
