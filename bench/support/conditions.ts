import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";

/** The machine a bench ran on, as every bench prints and stores it. */
export function machineConditions() {
  return {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
  };
}

/** The median of a non-empty list (the upper one of an even count). */
export const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/**
 * The arguments of the outcome benches (`bench/backtest.ts`, `bench/learn.ts`): a generated
 * dataset's size and seed, how many timed runs, and whether to keep its files.
 */
export function outcomeBenchArgs(defaults: { accounts: number; opportunities: number; seed: number }) {
  const { values } = parseArgs({
    options: {
      accounts: { type: "string", default: String(defaults.accounts) },
      opportunities: { type: "string", default: String(defaults.opportunities) },
      runs: { type: "string", default: "3" },
      seed: { type: "string", default: String(defaults.seed) },
      keep: { type: "boolean", default: false },
    },
  });
  return { accounts: Number(values.accounts), opportunities: Number(values.opportunities), runs: Number(values.runs), seed: Number(values.seed), keep: values.keep };
}
