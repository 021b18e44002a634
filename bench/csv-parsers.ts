/**
 * CSV parsers on the batch bench's files: csv-parse (what the imports package uses, as it
 * configures it, and plain), papaparse, uDSV, csv-parser and fast-csv, each turning the same
 * text into rows of string cells. Prints rows/s and  MiB/s per parser, and the ratio to
 * csv-parse as the imports package runs it, all measured in the same run (the order rotates
 * each run, the median counts).
 *
 *   npx tsx bench/csv-parsers.ts [--accounts 100000] [--runs 5] [--dir <a kept scoring-batch directory>]
 *
 * Only csv-parse is a dependency; the others are measured when installed:
 *   npm install --no-save papaparse udsv csv-parser @fast-csv/parse
 * Every parser must return the same rows as csv-parse (checked once per file) or is reported
 * as disagreeing. Writes JSON to bench/results/ (git-ignored).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { parse as csvParse } from "csv-parse/sync";
import { generateBatchFiles } from "./support/batch-files.js";
import { machineConditions, median } from "./support/conditions.js";

const { values } = parseArgs({
  options: {
    accounts: { type: "string", default: "100000" },
    runs: { type: "string", default: "5" },
    dir: { type: "string" },
  },
});
const RUNS = Number(values.runs);

type Parse = (text: string) => Promise<string[][]> | string[][];
interface Contender {
  name: string;
  parse: Parse;
}

/** An optional package, or undefined when it is not installed. */
async function optional<T>(name: string): Promise<T | undefined> {
  try {
    return (await import(name)) as T;
  } catch {
    return undefined;
  }
}

function streamed(makeParser: () => NodeJS.ReadWriteStream, text: string, toCells: (row: unknown) => string[]): Promise<string[][]> {
  return new Promise((resolve, reject) => {
    const rows: string[][] = [];
    Readable.from([text])
      .pipe(makeParser())
      .on("data", (row: unknown) => rows.push(toCells(row)))
      .on("error", reject)
      .on("end", () => resolve(rows));
  });
}

async function contenders(): Promise<{ list: Contender[]; missing: string[] }> {
  const list: Contender[] = [
    // As packages/imports/src/text/records.ts runs it: line info per record, ragged rows and bad rows kept apart.
    { name: "csv-parse (as imports runs it)", parse: (text) => (csvParse(text, { delimiter: ",", relax_column_count: true, skip_empty_lines: true, info: true, skip_records_with_error: true }) as unknown as { record: string[] }[]).map((r) => r.record) },
    { name: "csv-parse (plain)", parse: (text) => csvParse(text, { delimiter: "," }) as string[][] },
  ];
  const missing: string[] = [];
  const papa = await optional<{ default: { parse: (text: string, options: object) => { data: string[][] } } }>("papaparse");
  if (papa) list.push({ name: "papaparse", parse: (text) => papa.default.parse(text, { delimiter: ",", skipEmptyLines: true }).data });
  else missing.push("papaparse");
  const udsv = await optional<{ inferSchema: (text: string, options?: object) => unknown; initParser: (schema: unknown) => { stringArrs: (text: string) => string[][] } }>("udsv");
  if (udsv)
    list.push({
      name: "udsv",
      parse: (text) => {
        const parser = udsv.initParser(udsv.inferSchema(text, { col: ",", row: "\n", encl: '"', header: () => [] }));
        return parser.stringArrs(text);
      },
    });
  else missing.push("udsv");
  const csvParser = await optional<{ default: (options: object) => NodeJS.ReadWriteStream }>("csv-parser");
  if (csvParser) list.push({ name: "csv-parser (stream)", parse: (text) => streamed(() => csvParser.default({ headers: false }), text, (row) => Object.values(row as Record<string, string>)) });
  else missing.push("csv-parser");
  const fastCsv = await optional<{ parse: (options: object) => NodeJS.ReadWriteStream }>("@fast-csv/parse");
  if (fastCsv) list.push({ name: "fast-csv (stream)", parse: (text) => streamed(() => fastCsv.parse({ headers: false }), text, (row) => row as string[]) });
  else missing.push("@fast-csv/parse");
  return { list, missing };
}

function sameRows(a: readonly string[][], b: readonly string[][]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string[];
    const y = b[i] as string[];
    if (x.length !== y.length || x.some((cell, j) => cell !== y[j])) return false;
  }
  return true;
}

async function main() {
  const dir = values.dir ?? mkdtempSync(join(tmpdir(), "icp-csv-bench-"));
  try {
    const files = values.dir ? { accounts: join(dir, "accounts.csv"), signals: join(dir, "signals.csv") } : generateBatchFiles(dir, { accounts: Number(values.accounts), signalsPerAccount: 3, seed: 20261101, asOf: "2026-11-01T00:00:00Z" });
    const texts = [readFileSync(files.accounts, "utf8"), readFileSync(files.signals, "utf8")];
    const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
    const { list, missing } = await contenders();

    const reference = texts.map((t) => (list[0] as Contender).parse(t) as string[][]);
    const rows = reference.reduce((n, r) => n + r.length, 0);
    const agrees = new Map<string, boolean>();
    for (const c of list) {
      let same = true;
      for (const [i, text] of texts.entries()) same &&= sameRows(await c.parse(text), reference[i] as string[][]);
      agrees.set(c.name, same);
    }

    const times = new Map<string, number[]>(list.map((c) => [c.name, []]));
    const collect = (globalThis as { gc?: () => void }).gc;
    for (let run = 0; run < RUNS; run++) {
      const order = list.map((_, i) => list[(i + run) % list.length] as Contender);
      for (const c of order) {
        collect?.();
        const t = performance.now();
        for (const text of texts) await c.parse(text);
        times.get(c.name)?.push(performance.now() - t);
      }
    }

    const baseMs = median(times.get((list[0] as Contender).name) ?? []);
    const results = list.map((c) => {
      const ms = median(times.get(c.name) ?? []);
      return { parser: c.name, ms: Math.round(ms), rowsPerSecond: Math.round((rows / ms) * 1000), mibPerSecond: Math.round((bytes / 2 ** 20 / ms) * 1000 * 10) / 10, speedup: Math.round((baseMs / ms) * 100) / 100, sameRows: agrees.get(c.name) ?? false, allMs: (times.get(c.name) ?? []).map(Math.round) };
    });
    const at = new Date().toISOString();
    const conditions = { ...machineConditions(), rows, bytes, runs: RUNS, files: [files.accounts, files.signals] };
    console.log(`csv-parsers: ${rows} rows, ${(bytes / 2 ** 20).toFixed(1)} MiB (accounts + signals of the scoring bench), median of ${RUNS} runs, order rotating`);
    console.log(`conditions: node ${conditions.node}, ${conditions.platform}, ${conditions.cpu} × ${conditions.cores}, ${conditions.memoryGb} GiB`);
    for (const r of results) console.log(`  ${r.parser.padEnd(32)} ${String(r.ms).padStart(6)} ms  ${String(r.rowsPerSecond).padStart(9)} rows/s  ${String(r.mibPerSecond).padStart(6)}  MiB/s  ${r.speedup}× csv-parse as run${r.sameRows ? "" : "  (rows DIFFER from csv-parse)"}  [${r.allMs.join(", ")}]`);
    if (missing.length > 0) console.log(`not installed, not measured: ${missing.join(", ")} (npm install --no-save ${missing.join(" ")})`);
    mkdirSync("bench/results", { recursive: true });
    const file = `bench/results/csv-parsers-${at.replace(/[:.]/g, "-")}.json`;
    writeFileSync(file, `${JSON.stringify({ bench: "csv-parsers", command: "npx tsx bench/csv-parsers.ts", at, conditions, results, missing }, null, 2)}\n`);
    console.log(`written ${file}`);
  } finally {
    if (!values.dir) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
