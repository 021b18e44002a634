import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { z } from "zod";
import { tryNormalizeAccountKey } from "../domain/account-key.js";
import { AccountProfile } from "../domain/account-profile.js";
import { canonicalJson } from "../rubric/canonical-json.js";
import { formatPath } from "../rubric/issue-format.js";
import { toBoolean, toInstant, toList, toNumber, toText } from "./coerce.js";
import type { Coerced } from "./coerce.js";
import type { RawRecord, RowError } from "./records.js";

/**
 * Account rows: the documented flat columns (CSV, or NDJSON objects with the same keys),
 * or NDJSON objects already in the AccountProfile shape (they have `accountKey`).
 * The column list lives in packages/scoring/README.md; this table is its source of truth.
 */
type Kind = "text" | "int" | "number" | "boolean" | "instant" | "list";
export const ACCOUNT_COLUMNS: Record<string, { path: string[]; kind: Kind }> = {
  name: { path: ["name"], kind: "text" },
  industry: { path: ["firmographics", "industry"], kind: "text" },
  employee_count: { path: ["firmographics", "employeeCount"], kind: "int" },
  revenue_usd: { path: ["firmographics", "revenueUsd"], kind: "number" },
  revenue_min_usd: { path: ["firmographics", "revenueRange", "minUsd"], kind: "number" },
  revenue_max_usd: { path: ["firmographics", "revenueRange", "maxUsd"], kind: "number" },
  country: { path: ["firmographics", "country"], kind: "text" },
  region: { path: ["firmographics", "region"], kind: "text" },
  business_model: { path: ["firmographics", "businessModel"], kind: "text" },
  delivery_model: { path: ["firmographics", "deliveryModel"], kind: "text" },
  funding_stage: { path: ["firmographics", "fundingStage"], kind: "text" },
  technologies: { path: ["technographics", "technologies"], kind: "list" },
  competitors: { path: ["technographics", "competitorContracts"], kind: "list" },
  buying_roles: { path: ["organisational", "buyingRolesPresent"], kind: "list" },
  champion_identified: { path: ["organisational", "championIdentified"], kind: "boolean" },
  budget_holder_identified: { path: ["organisational", "budgetHolderIdentified"], kind: "boolean" },
  has_technical_team: { path: ["organisational", "hasTechnicalTeam"], kind: "boolean" },
  hiring_freeze: { path: ["antiIcp", "hiringFreeze"], kind: "boolean" },
  recent_layoffs: { path: ["antiIcp", "recentLayoffs"], kind: "boolean" },
  lost_on_price_at: { path: ["antiIcp", "lostOnPriceAt"], kind: "instant" },
  deal_went_dark_at: { path: ["antiIcp", "dealWentDarkAt"], kind: "instant" },
  bad_payment_history: { path: ["antiIcp", "badPaymentHistory"], kind: "boolean" },
  regulatory_blocker: { path: ["antiIcp", "regulatoryBlocker"], kind: "boolean" },
  do_not_contact: { path: ["antiIcp", "doNotContact"], kind: "boolean" },
};
export const ACCOUNT_KEY_COLUMNS = ["domain", "account_key", "website"] as const;

const coercers: Record<Kind, (v: unknown) => Coerced<unknown>> = {
  text: toText,
  int: (v) => toNumber(v, true),
  number: (v) => toNumber(v),
  boolean: toBoolean,
  instant: toInstant,
  list: toList,
};

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown) {
  let node = target;
  path.slice(0, -1).forEach((key) => {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  });
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

/** `Salesforce` or `Salesforce:crm` (name, optional category). */
const technology = (entry: string) => {
  const i = entry.indexOf(":");
  return i < 0 ? { name: entry } : { name: entry.slice(0, i).trim(), category: entry.slice(i + 1).trim() };
};
/** `Legacyscore:entrenched:2027-06-30` (vendor, strength, optional contract end). */
const competitor = (entry: string) => {
  const [vendor, strength, endsAt] = entry.split(":").map((s) => s.trim());
  return { vendor, strength: strength?.toLowerCase(), ...(endsAt ? { contractEndsAt: endsAt } : {}) };
};

export function columnForPath(path: readonly PropertyKey[]): string {
  const joined = path.filter((p) => typeof p === "string").join(".");
  if (joined === "accountKey") return "domain";
  const hit = Object.entries(ACCOUNT_COLUMNS).find(([, c]) => joined === c.path.join(".") || joined.startsWith(`${c.path.join(".")}.`));
  return hit ? hit[0] : formatPath(path);
}

function issuesToErrors(issues: readonly z.core.$ZodIssue[], source: string, line: number, columnOf: (p: readonly PropertyKey[]) => string): RowError[] {
  return issues.map((issue) => ({
    source,
    line,
    field: columnOf(issue.path),
    message: `${issue.message}${issue.input === undefined || typeof issue.input === "object" ? "" : `, got ${JSON.stringify(issue.input)}`}`,
  }));
}

export type RowResult<T> = { ok: true; value: T } | { ok: false; errors: RowError[] };

export function accountFromRecord(record: RawRecord, source: string): RowResult<AccountProfile> {
  const f = record.fields;
  const errors: RowError[] = [];
  const err = (field: string | undefined, message: string) => errors.push({ source, line: record.line, field, message });

  const rawKey = typeof f.accountKey === "string" ? f.accountKey : ACCOUNT_KEY_COLUMNS.map((c) => f[c]).find((v) => typeof v === "string" && v.trim() !== "");
  if (typeof rawKey !== "string") {
    err("domain", "expected a domain, but it is missing");
    return { ok: false, errors };
  }
  const key = tryNormalizeAccountKey(rawKey);
  if (!key.ok) {
    err(typeof f.accountKey === "string" ? "accountKey" : "domain", key.reason);
    return { ok: false, errors };
  }

  let candidate: Record<string, unknown>;
  if (typeof f.accountKey === "string") {
    candidate = { ...f, accountKey: key.key };
  } else {
    candidate = { accountKey: key.key };
    for (const [column, spec] of Object.entries(ACCOUNT_COLUMNS)) {
      const coerced = coercers[spec.kind](f[column]);
      if (!coerced.ok) {
        err(column, coerced.message);
        continue;
      }
      let value = coerced.value;
      if (value === undefined) continue;
      if (column === "technologies") value = (value as string[]).map(technology);
      if (column === "competitors") value = (value as string[]).map(competitor);
      if (column === "country") value = (value as string).toUpperCase();
      if (spec.kind === "text" && ["business_model", "delivery_model", "funding_stage"].includes(column)) value = (value as string).toLowerCase().replace(/[\s-]+/g, "_");
      setPath(candidate, spec.path, value);
    }
    if (errors.length > 0) return { ok: false, errors };
  }
  const parsed = AccountProfile.safeParse(candidate, { reportInput: true });
  if (!parsed.success) return { ok: false, errors: issuesToErrors(parsed.error.issues, source, record.line, typeof f.accountKey === "string" ? formatPath : columnForPath) };
  return { ok: true, value: parsed.data };
}

/** A deterministic event id for input rows that have none: identical rows get the same id (and count once). */
export function derivedEventId(content: unknown): string {
  return `derived-${bytesToHex(sha256(utf8ToBytes(canonicalJson(content)))).slice(0, 24)}`;
}

export { issuesToErrors };
