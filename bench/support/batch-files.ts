/**
 * The batch benches' input: `accounts` seeded accounts (CSV, the columns of a CRM export) and
 * about `signalsPerAccount` signals each (CSV, mixed types, aged 0–120 days before `asOf`),
 * every row valid for the importer. The same files on every machine for the same options.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "csv-stringify/sync";
import { seededRandom } from "@icpstream/ingest";

/** Content downloads name the asset and its type: both are required fields of the signal. */
const ASSETS: readonly (readonly [string, string])[] = [
  ["ROI calculator", "roi_calculator"],
  ["Customer story: Acme", "case_study"],
  ["State of RevOps 2026", "report"],
];

export function generateBatchFiles(dir: string, options: { accounts: number; signalsPerAccount: number; seed: number; asOf: string }): { accounts: string; signals: string; signalCount: number } {
  const { accounts: ACCOUNTS, signalsPerAccount: SIGNALS_PER_ACCOUNT, seed, asOf: AS_OF } = options;
  // The synthetic feed's seeded generator: the same sequence on every machine.
  const rand = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const maybe = (p: number, v: string) => (rand() < p ? v : "");
  const industries = ["Computer Software", "SaaS", "Fintech", "Internet", "Retail", "Marketing & Advertising", "Hospital & Health Care", "Gambling", "Information Technology and Services"];
  const countries = ["US", "GB", "DE", "FR", "CA", "NL", "IN", "BR"];
  const regions: Record<string, string> = { US: "NA", CA: "NA", GB: "EMEA", DE: "EMEA", FR: "EMEA", NL: "EMEA", IN: "APAC", BR: "LATAM" };
  const stages = ["seed", "series_a", "series_b", "series_c", "series_d_plus", "public", "bootstrapped"];
  const tech = ["Salesforce", "HubSpot", "Outreach", "Salesloft", "Gong", "6sense", "Clari", "Apollo", "Slack", "Zapier", "Snowflake", "Pipedrive"];
  const roles = ["Head of RevOps", "VP Demand Gen", "Head of Growth", "Sales Operations Manager", "CFO"];
  const accountRows: string[][] = [];
  const signalRows: string[][] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    const domain = `company-${i.toString(36)}.com`;
    const country = pick(countries);
    const employees = Math.floor(Math.exp(rand() * Math.log(20000)));
    const techs = tech.filter(() => rand() < 0.25).join(";");
    accountRows.push([
      domain,
      `Company ${i}`,
      pick(industries),
      String(employees),
      String(Math.round(employees * (80_000 + rand() * 200_000))),
      country,
      regions[country] ?? "",
      rand() < 0.85 ? "b2b" : "b2c",
      rand() < 0.7 ? "saas" : "services",
      pick(stages),
      techs,
      maybe(0.1, rand() < 0.5 ? "Legacyscore:weak" : "Rankly:entrenched:2028-01-31"),
      roles.filter(() => rand() < 0.2).join(";"),
      maybe(0.3, "true"),
      maybe(0.4, rand() < 0.7 ? "true" : "false"),
      maybe(0.05, "true"),
    ]);
    const n = Math.floor(rand() * (2 * SIGNALS_PER_ACCOUNT + 1));
    for (let k = 0; k < n; k++) {
      const age = rand() * 120;
      const at = new Date(Date.parse(AS_OF) - age * 86_400_000).toISOString();
      const id = `e-${i.toString(36)}-${k}`;
      const r = rand();
      if (r < 0.15) signalRows.push([id, domain, "funding_round", at, "crunchbase", pick(["seed", "series_a", "series_b", "series_c"]), "", "", "", "", ""]);
      else if (r < 0.3) signalRows.push([id, domain, "job_posting", at, "linkedin", "", pick(["RevOps Manager", "Head of Outbound", "Accountant", "SDR"]), "", "", "", ""]);
      else if (r < 0.45) signalRows.push([id, domain, "intent_topic_surge", at, "bombora", "", "", pick(["Lead Scoring", "Payroll", "Sales Intelligence"]), String(Math.floor(rand() * 100)), "", ""]);
      else if (r < 0.75) signalRows.push([id, domain, "pricing_page_visit", at, "website", "", "", "", "", "", ""]);
      else if (r < 0.8) signalRows.push([id, domain, "demo_request", at, "website", "", "", "", "", "", ""]);
      else if (r < 0.9) {
        const [asset, assetType] = pick(ASSETS);
        signalRows.push([id, domain, "content_download", at, "hubspot", "", "", "", "", asset, assetType]);
      } else signalRows.push([id, domain, "careers_page_visit", at, "website", "", "", "", "", "", ""]);
    }
  }
  const accounts = join(dir, "accounts.csv");
  const signals = join(dir, "signals.csv");
  writeFileSync(
    accounts,
    stringify(accountRows, {
      header: true,
      columns: ["domain", "name", "industry", "employee_count", "revenue_usd", "country", "region", "business_model", "delivery_model", "funding_stage", "technologies", "competitors", "buying_roles", "champion_identified", "budget_holder_identified", "recent_layoffs"],
    }),
  );
  writeFileSync(signals, stringify(signalRows, { header: true, columns: ["event_id", "domain", "type", "occurred_at", "source", "round", "title", "topic", "score", "asset", "asset_type"] }));
  return { accounts, signals, signalCount: signalRows.length };
}
