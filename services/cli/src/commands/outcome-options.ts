import { Option } from "commander";
import type { Command } from "commander";

/** Options shared by the commands that read outcomes: backtest, calibrate, learn. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];
export const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive whole number, got "${value}"`);
  return n;
};
export const wholeNumber = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected a whole number, got "${value}"`);
  return n;
};

export function withOutcomeInputs(command: Command, rubrics: "one" | "many"): Command {
  return command
    .requiredOption("-r, --rubric <file>", rubrics === "many" ? "rubric file (YAML or JSON); repeat for several" : "rubric file (YAML or JSON)", collect)
    .requiredOption("-a, --accounts <file>", "accounts file (.csv, or .ndjson/.jsonl): the profiles, undated unless --profile-history is given")
    .option("-s, --signals <file>", "signals file (.csv or .ndjson); repeat for several", collect)
    .requiredOption("--outcomes <file>", "opportunities: rows (domain, opportunity_id, created_at, closed_at, stage won|lost|open, amount, currency) or outcome events (.ndjson); repeat for several", collect)
    .option("--profile-history <file>", "dated profile snapshots (the accounts columns plus as_of, or account_profile events): the profile at each opportunity's creation")
    .option("--as-of <instant>", "score the pool (tier shares) as of this instant (2026-11-01 or ISO date-time); default now")
    .option("--scorecard <id>", "only this scorecard; repeat for several", collect)
    .option("--currency <code>", "money figures in this currency, and the currency of amounts that have none (default: the most common, else USD)")
    .option("--min-closed <n>", "closed deals below which the verdict says there are too few to judge (default 100)", positiveInt)
    .option("--target-share <range>", "healthy share of the pool in the top tier, in percent (default 10-15)")
    .addOption(new Option("--accounts-format <format>", "accounts format when the extension does not say").choices(["csv", "ndjson"]))
    .addOption(new Option("--signals-format <format>", "signals format when the extension does not say").choices(["csv", "ndjson"]))
    .addOption(new Option("--outcomes-format <format>", "outcomes format when the extension does not say").choices(["csv", "ndjson"]))
    .option("--accounts-mapping <file>", "mapping file for a foreign accounts export (Apollo, Clay, HubSpot)")
    .option("--signals-mapping <file>", "mapping file for a foreign signals export")
    .option("--outcomes-mapping <file>", "mapping file for a CRM opportunity export (examples/mappings: salesforce-opportunities.yaml, hubspot-deals.yaml)")
    .option("--profile-history-mapping <file>", "mapping file (kind: snapshots) for a foreign profile-history export: the accounts columns and custom attributes plus as_of");
}
