import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** One fault's outcome: the issue's table row, and what stands behind each figure. */
export interface FaultRow {
  fault: string;
  /** Messages on the input topics (the feed, plus poison and duplicates a test added). */
  eventsIn: number;
  /** Distinct valid events of the seeded feed (what the batch recompute reads). */
  feedEvents: number;
  /** Input messages the services applied (including redelivered event ids they recognised as such). */
  applied: number;
  /** Input messages in a dead-letter topic, counted once per origin (topic, partition, offset). */
  deadLettered: number;
  /** Dead-letter messages written (more than `deadLettered` means a dead letter was written twice). */
  deadLetterMessages: number;
  /** Input messages neither applied nor dead-lettered. */
  lost: number;
  /** Tier changes a subscriber received more than once (byte-identical redeliveries, dropped by event id). */
  duplicatedDownstream: number;
  /** Distinct tier changes published. */
  tierChanges: number;
  /** From the fault's injection until the affected services applied everything their inputs held then (the slowest injection); null: never. */
  recoveryMs: number | null;
  injections: { label: string; atSeconds: number; recoveryMs: number | null }[];
  stateEqualsBatch: boolean;
  problems: string[];
  note?: string;
}

const seconds = (ms: number | null) => (ms === null ? "never" : `${(ms / 1000).toFixed(1)} s`);

export function markdownTable(rows: readonly FaultRow[]): string {
  const lines = [
    "| fault | events in | applied | dead-lettered | lost | duplicated downstream | recovery time | end state = batch | problems |",
    "|---|---:|---:|---:|---:|---:|---:|:---:|---|",
  ];
  for (const r of rows) {
    lines.push(`| ${r.fault} | ${r.eventsIn} | ${r.applied} | ${r.deadLettered} | ${r.lost} | ${r.duplicatedDownstream} | ${seconds(r.recoveryMs)} | ${r.stateEqualsBatch ? "yes" : "**no**"} | ${r.problems.length === 0 ? "—" : r.problems.join("; ").replaceAll("|", "\\|")} |`);
  }
  return lines.join("\n");
}

/** Reads the rows the test files appended, prints the table and writes it to bench/results/faults-<timestamp>.{json,md}. */
export function writeFaultReport(rowsFile: string, resultsDir: string, conditions: Record<string, unknown>): string | undefined {
  if (!existsSync(rowsFile)) return undefined;
  const rows = readFileSync(rowsFile, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as FaultRow);
  if (rows.length === 0) return undefined;
  const stamp = new Date().toISOString().replaceAll(":", "-").replaceAll(".", "-");
  mkdirSync(resultsDir, { recursive: true });
  const base = join(resultsDir, `faults-${stamp}`);
  const table = markdownTable(rows);
  writeFileSync(`${base}.json`, `${JSON.stringify({ at: new Date().toISOString(), conditions, rows }, null, 2)}\n`);
  const details = rows.map((r) => `- **${r.fault}**: ${r.injections.map((i) => `${i.label} at ${i.atSeconds} s, recovered in ${seconds(i.recoveryMs)}`).join("; ") || "no injection"}; ${r.tierChanges} tier changes${r.deadLetterMessages !== r.deadLettered ? `; ${r.deadLetterMessages} dead-letter messages for ${r.deadLettered} inputs` : ""}${r.note ? `; ${r.note}` : ""}`);
  writeFileSync(`${base}.md`, `# Fault tests ${new Date().toISOString()}\n\n${Object.entries(conditions).map(([k, v]) => `- ${k}: ${String(v)}`).join("\n")}\n\n${table}\n\n${details.join("\n")}\n`);
  console.log(`\n${table}\n\n${details.join("\n")}\n\nwritten: ${base}.json, ${base}.md`);
  return base;
}
