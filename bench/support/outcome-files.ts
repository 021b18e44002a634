import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { datasetFiles, generateOutcomeDataset } from "@icpstream/backtest";
import type { SyntheticOptions } from "@icpstream/backtest";

/**
 * Writes a generated outcome dataset (packages/backtest/src/testing/synthetic-outcomes.ts)
 * as the files `icp backtest`, `icp calibrate` and `icp learn` read: accounts.csv (today's
 * profiles), account-history.csv (dated snapshots), signals.csv, outcomes.csv, rubric.yaml.
 */
export function writeOutcomeFiles(dir: string, options: SyntheticOptions) {
  mkdirSync(dir, { recursive: true });
  const data = generateOutcomeDataset(options);
  const files = datasetFiles(data);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const path = (name: keyof typeof files) => join(dir, name);
  return {
    asOf: data.asOf,
    signals: data.signals.length,
    snapshots: data.snapshots.length,
    accounts: path("accounts.csv"),
    history: path("account-history.csv"),
    signalsFile: path("signals.csv"),
    outcomes: path("outcomes.csv"),
    rubric: path("rubric.yaml"),
  };
}
