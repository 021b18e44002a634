import { Option } from "commander";
import type { Command } from "commander";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The options that say how input files are read, shared by `icp score` and `icp explain`. */
export function addInputOptions(command: Command): Command {
  return command
    .addOption(new Option("--accounts-format <format>", "accounts format when the extension does not say").choices(["csv", "ndjson"]))
    .addOption(new Option("--signals-format <format>", "signals format when the extension does not say").choices(["csv", "ndjson"]))
    .option("-c, --contacts <file>", "contacts file (.csv or .ndjson): the people inside the accounts, scored and formed into each account's buying committee")
    .addOption(new Option("--contacts-format <format>", "contacts format when the extension does not say").choices(["csv", "ndjson"]))
    .option("--contacts-mapping <file>", "mapping file for a contacts export (examples/mappings: hubspot-contacts, apollo-contacts, salesforce-contacts)")
    .option("--accounts-mapping <file>", "mapping file for a vendor's accounts export (examples/mappings: Apollo, HubSpot, Clay, Crunchbase, Salesforce)")
    .option("--signals-mapping <file>", "mapping file for a vendor's signals export (Bombora, G2); repeat to give one per --signals file, in order (none: our columns)", collect)
    .option("--delimiter <char>", "CSV delimiter (default: detected from each file's header row: , ; tab |)")
    .option("--decimal-comma", "numbers in the inputs write decimals with a comma (12,5 = 12.5; 1.200 = 1200)")
    .option("--encoding <label>", "encoding of the inputs (default UTF-8; UTF-16 is recognised; e.g. windows-1252)")
    .option("--future-tolerance-hours <n>", "reject a signal dated more than this many hours after --as-of (default 24)", nonNegativeNumber);
}

function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) throw new Error(`expected a number of hours ≥ 0, got "${value}"`);
  return n;
}

/** The options that say what happens to rejected rows and unknown values. */
export function addReportOptions(command: Command): Command {
  return command
    .option("--rejects <file>", "write every rejected row (file, line, column, value, reason) to FILE (.ndjson, or .csv)")
    .option("--warnings <file>", "write every value left unknown (file, line, column, value, reason) to FILE (.ndjson, or .csv)")
    .option("--max-rejected <n|p%>", "exit 1 when more rows than this are rejected (a count such as 10, or a share such as 5%)");
}
