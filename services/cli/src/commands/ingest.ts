import { topicCatalog } from "@icpstream/contracts";
import { writeFile } from "node:fs/promises";
import { Command, Option } from "commander";
import { SingleBar } from "cli-progress";
import { IngestEnv, INGEST_TYPES, connectSender, ingestFile, parseEnv } from "@icpstream/ingest";
import type { IngestType } from "@icpstream/ingest";
import { formatFromName, formatRowError, parseMapping } from "@icpstream/scoring";
import type { InputFormat } from "@icpstream/scoring";
import { CliError } from "../io.js";
import type { CliIo } from "../io.js";

interface IngestOptions {
  type: IngestType;
  map?: string;
  format?: InputFormat;
  source?: string;
  rejects?: string;
  progress: boolean;
}

/**
 * `icp ingest FILE --type accounts|signals|hiring|funding|intent [--map mapping.yaml]`:
 * sends an export to Kafka through the registry, with a progress bar, and prints the
 * counts of sent and rejected rows; rejected rows go to FILE.rejected.ndjson with the
 * reason. Connection settings come from KAFKA_BROKERS and SCHEMA_REGISTRY_URL.
 */
export function ingestCommand(io: CliIo): Command {
  return new Command("ingest")
    .description("send accounts or signals from a CSV/NDJSON export to Kafka (validated, encoded through the schema registry)")
    .argument("<file>", "the export (.csv, .ndjson or .jsonl)")
    .addOption(new Option("-t, --type <type>", "what the file holds").choices(INGEST_TYPES as string[]).makeOptionMandatory())
    .option("-m, --map <file>", "mapping file for a foreign export (Apollo, Clay, HubSpot; see examples/mappings)")
    .addOption(new Option("--format <format>", "file format when the extension does not say").choices(["csv", "ndjson"]))
    .option("--source <name>", "source for rows that name none (default: the mapping's name, else file)")
    .option("--rejects <file>", "where rejected rows go (default: FILE.rejected.ndjson)")
    .option("--no-progress", "no progress bar")
    .action(async (file: string, options: IngestOptions) => {
      const format = options.format ?? formatFromName(file);
      if (!format) throw new CliError(`${file}: cannot tell the format from the name; pass --format csv|ndjson`);
      const text = await io.readText(file);
      const mapping = options.map ? parseMapping(await io.readText(options.map), options.map) : undefined;
      let env;
      try {
        env = parseEnv(IngestEnv, process.env);
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      const sender = await connectSender({ brokers: env.KAFKA_BROKERS, registryUrl: env.SCHEMA_REGISTRY_URL, clientId: "icp-ingest", schemaMode: env.ICP_SCHEMA_MODE, catalog: topicCatalog({ prefix: env.ICP_TOPIC_PREFIX }) });
      const bar = options.progress ? new SingleBar({ format: "ingest [{bar}] {value}/{total} events", stream: process.stderr, hideCursor: true }) : undefined;
      let result;
      try {
        result = await ingestFile({
          text,
          fileName: file,
          format,
          type: options.type,
          mapping,
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
      if (result.rejected.length > 0) {
        const rejectsFile = options.rejects ?? `${file}.rejected.ndjson`;
        await writeFile(rejectsFile, result.rejected.map((r) => JSON.stringify({ line: r.line, field: r.field ?? null, reason: r.message })).join("\n") + "\n", "utf8");
        io.stderr(result.rejected.slice(0, 20).map((r) => `${formatRowError(r)}\n`).join(""));
        io.stderr(`rejected rows written to ${rejectsFile}\n`);
      }
      io.stdout(`${result.sent} sent, ${result.rejected.length} rejected (${result.rows} rows read)\n`);
    });
}
