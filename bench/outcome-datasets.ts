/**
 * Writes the two generated outcome datasets whose truth is known, to try the commands on:
 *   no-signal/  the outcome is a coin, independent of every attribute and signal
 *   planted/    industry "software" (+1.3 log-odds), a fresh demo request (+1.1) and the CRM's
 *               custom attribute lead source "partner" (+0.9) raise the odds
 * Both carry leakage bait (signals and a profile enrichment after each won deal), and the
 * custom attributes `Lead Source` and `Seats`, read through accounts-mapping.yaml and
 * history-mapping.yaml.
 *
 *   npx tsx bench/outcome-datasets.ts [--out /tmp/icp-outcome-datasets] [--accounts 3000] [--opportunities 2000] [--seed 7]
 *
 * then, for example:
 *   cd /tmp/icp-outcome-datasets/planted
 *   node …/services/cli/bin/icp.mjs backtest -r rubric.yaml -a accounts.csv --profile-history account-history.csv \
 *     -s signals.csv --outcomes outcomes.csv --as-of 2026-09-01
 *   node …/services/cli/bin/icp.mjs learn -r rubric.yaml -a accounts.csv --accounts-mapping accounts-mapping.yaml \
 *     --profile-history account-history.csv --profile-history-mapping history-mapping.yaml \
 *     -s signals.csv --outcomes outcomes.csv --as-of 2026-09-01 -o learned.yaml
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { writeOutcomeFiles } from "./support/outcome-files.js";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: "/tmp/icp-outcome-datasets" },
    accounts: { type: "string", default: "3000" },
    opportunities: { type: "string", default: "2000" },
    seed: { type: "string", default: "7" },
  },
});
for (const [dir, effect] of [
  ["no-signal", "none"],
  ["planted", "planted"],
] as const) {
  const files = writeOutcomeFiles(join(values.out, dir), { seed: Number(values.seed), accounts: Number(values.accounts), opportunities: Number(values.opportunities), effect });
  console.log(`${join(values.out, dir)}: ${values.accounts} accounts, ${values.opportunities} opportunities, ${files.signals} signals, ${files.snapshots} profile snapshots (as of ${files.asOf})`);
}
