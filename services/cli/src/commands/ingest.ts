import { topicCatalog } from "@icpstream/contracts";
import { Command, Option } from "commander";
import { SingleBar } from "cli-progress";
import { IngestEnv, INGEST_TYPES, connectSender, ingestFile, parseEnv } from "@icpstream/ingest";
import { kafkaConnectionFromEnv } from "@icpstream/kafka-kit";
import type { IngestType } from "@icpstream/ingest";
import { formatFromName, parseMapping } from "@icpstream/imports";
import type { InputFormat } from "@icpstream/imports";
import { checkMaxRejected, enforceLimits, importSummary, writeIssueFiles } from "../import-report.js";
import { CliError } from "../io.js";
import type { CliIo } from "../io.js";
import { addReportOptions } from "./input-options.js";

interface IngestOptions {
  type: IngestType;
  map?: string;
  format?: InputFormat;
  source?: string;
  rejects?: string;
  warnings?: string;
  maxRejected?: string;
  delimiter?: string;
  decimalComma?: boolean;
  encoding?: string;
  futureToleranceHours?: number;
  progress: boolean;
}

/**
 * `icp ingest FILE --type accounts|contacts|signals|hiring|funding|intent [--map mapping.yaml]`:
 * sends an export to Kafka through the registry, with a progress bar, and prints the
 * counts of sent and rejected rows. Rejected rows go to FILE.rejected.ndjson (or
 * `--rejects`) in the same form as `icp score --rejects`; a row that cannot be sent (over
 * the row limit, too large for a Kafka message) is rejected there and the run goes on.
 * Connection settings come from KAFKA_BROKERS and SCHEMA_REGISTRY_URL.
 */
export function ingestCommand(io: CliIo): Command {
  const command = new Command("ingest")
    .description("send accounts, contacts or signals from a CSV/NDJSON export to Kafka (validated, encoded through the schema registry)")
    .argument("<file>", "the export (.csv, .ndjson or .jsonl)")
    .addOption(new Option("-t, --type <type>", "what the file holds").choices(INGEST_TYPES as string[]).makeOptionMandatory())
    .option("-m, --map <file>", "mapping file for a vendor's export (examples/mappings: Apollo, HubSpot, Clay, Crunchbase, Salesforce, Bombora, G2; HubSpot, Apollo and Salesforce contacts)")
    .addOption(new Option("--format <format>", "file format when the extension does not say").choices(["csv", "ndjson"]))
    .option("--source <name>", "source for rows that name none (default: the mapping's name, else file)")
    .option("--delimiter <char>", "CSV delimiter (default: detected from the header row)")
    .option("--decimal-comma", "numbers write decimals with a comma (12,5 = 12.5)")
    .option("--encoding <label>", "the file's encoding (default UTF-8; UTF-16 is recognised)")
    .option("--future-tolerance-hours <n>", "reject a signal dated more than this many hours from now (default 24, as the timing service)", (v: string) => {
      const n = Number(v);
      if (v.trim() === "" || !Number.isFinite(n) || n < 0) throw new Error(`expected a number of hours ≥ 0, got "${v}"`);
      return n;
    })
    .option("--no-progress", "no progress bar");
  addReportOptions(command);
  return command.action(async (file: string, options: IngestOptions) => {
    const format = options.format ?? formatFromName(file);
    if (!format) throw new CliError(`${file}: cannot tell the format from the name; pass --format csv|ndjson`);
    checkMaxRejected(options.maxRejected);
    const bytes = await io.readBytes(file);
    const mapping = options.map ? parseMapping(await io.readText(options.map), options.map) : undefined;
    const mappingKind = options.type === "accounts" || options.type === "contacts" ? options.type : "signals";
    if (mapping && mapping.kind !== mappingKind) throw new CliError(`${options.map}: this mapping is for ${mapping.kind}, not --type ${options.type}`);
    let env;
    let kafka;
    try {
      env = parseEnv(IngestEnv, process.env);
      kafka = kafkaConnectionFromEnv(process.env);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    const sender = await connectSender({ ...kafka, registryUrl: env.SCHEMA_REGISTRY_URL, clientId: "icp-ingest", schemaMode: env.ICP_SCHEMA_MODE, catalog: topicCatalog({ prefix: env.ICP_TOPIC_PREFIX }) });
    const bar = options.progress ? new SingleBar({ format: "ingest [{bar}] {value}/{total} events", stream: process.stderr, hideCursor: true }) : undefined;
    let result;
    try {
      result = await ingestFile({
        text: bytes,
        fileName: file,
        format,
        type: options.type,
        mapping,
        delimiter: options.delimiter,
        decimalComma: options.decimalComma,
        encoding: options.encoding,
        futureToleranceHours: options.futureToleranceHours,
        source: options.source ?? mapping?.name.toLowerCase().split(/\s+/)[0],
        observedAt: io.now().toISOString(),
        send: sender.send,
        onProgress: (done, total) => {
          if (!bar) return;
          if (done === 0) bar.start(total, 0);
          else bar.update(done);
        },
      });
    } finally {
      bar?.stop();
      await sender.close();
    }
    const report = { ...options, rejects: result.rejected.length > 0 ? (options.rejects ?? `${file}.rejected.ndjson`) : options.rejects };
    const files = [{ source: file, rows: result.rows, imported: result.sent, rejects: result.rejected, warnings: result.warnings, noun: "events", verb: "sent" }];
    await writeIssueFiles(io, files, report);
    const summary = importSummary(files, report);
    if (report.rejects && result.rejected.length > 0) summary.push(`rejected rows written to ${report.rejects}`);
    io.stderr(`${summary.join("\n")}\n`);
    io.stdout(`${result.sent} sent, ${result.rejected.length} rejected (${result.rows} rows read)\n`);
    enforceLimits(files, report);
  });
}
