import type { AccountProfile } from "@icpstream/scoring";
import { stringify } from "csv-stringify/sync";
import type { SyntheticDataset } from "./synthetic-outcomes.js";

/**
 * A generated dataset as the files a user would have: accounts (today's profiles, undated),
 * dated profile snapshots, signals, outcomes and the rubric — the inputs of `icp backtest`,
 * `icp calibrate` and `icp learn` — and the mapping files that read the CRM's custom
 * attributes (`Lead Source`, `Seats`) from the accounts and history files. Pure: returns the texts; the caller writes them.
 */
export interface DatasetFiles {
  "accounts.csv": string;
  "account-history.csv": string;
  "signals.csv": string;
  "outcomes.csv": string;
  "rubric.yaml": string;
  /** The accounts columns, with the CRM's custom attributes (lead source, seats) declared. */
  "accounts-mapping.yaml": string;
  /** The same for the dated snapshots, plus their as_of. */
  "history-mapping.yaml": string;
}

/** Our columns the generated files carry, mapped to themselves, and the custom attributes under the CRM's headers. */
const mappingText = (kind: "accounts" | "snapshots") =>
  [
    `name: Generated CRM ${kind === "accounts" ? "accounts" : "account history"}`,
    `kind: ${kind}`,
    "columns:",
    "  domain: domain",
    "  name: name",
    "  industry: industry",
    "  employee_count: employee_count",
    "  technologies: technologies",
    "  champion_identified: champion_identified",
    ...(kind === "snapshots" ? ["  as_of: as_of"] : []),
    "split: { technologies: \";\" }",
    "attributes:",
    "  lead_source: { column: Lead Source, type: categorical }",
    "  seats: { column: Seats, type: numeric }",
    "",
  ].join("\n");

const accountRow = (p: AccountProfile) => ({
  domain: p.accountKey,
  name: p.name ?? "",
  industry: p.firmographics.industry ?? "",
  employee_count: p.firmographics.employeeCount ?? "",
  technologies: p.technographics.technologies.map((t) => t.name).join(";"),
  champion_identified: p.organisational.championIdentified === undefined ? "" : String(p.organisational.championIdentified),
  "Lead Source": p.custom?.lead_source ?? "",
  Seats: p.custom?.seats ?? "",
});

export function datasetFiles(data: SyntheticDataset): DatasetFiles {
  return {
    "accounts.csv": stringify(data.currentProfiles.map(accountRow), { header: true }),
    "account-history.csv": stringify(
      data.snapshots.map((s) => ({ as_of: s.at, ...accountRow(s.profile) })),
      { header: true },
    ),
    "signals.csv": stringify(
      data.signals.map((s) => ({ event_id: s.eventId, domain: s.accountKey, type: s.type, occurred_at: s.occurredAt, round: s.type === "funding_round" ? s.round : "" })),
      { header: true },
    ),
    "outcomes.csv": stringify(
      data.opportunities.map((o) => ({ domain: o.accountKey, opportunity_id: o.opportunityId, created_at: o.createdAt, closed_at: o.closedAt ?? "", stage: o.stage, amount: o.amount ?? "", currency: o.currency ?? "" })),
      { header: true },
    ),
    "rubric.yaml": data.rubricText,
    "accounts-mapping.yaml": mappingText("accounts"),
    "history-mapping.yaml": mappingText("snapshots"),
  };
}
