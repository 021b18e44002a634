import { formatFromName, parseAccounts, parseMapping } from "@icpstream/imports";
import { runService } from "@icpstream/service-runtime";
import { parseWorkerEnv, readSettingFile } from "./config.js";
import { workerHandler } from "./handler.js";

const settings = parseWorkerEnv(process.env);
const path = settings.ICP_ENRICHMENT_SOURCE;
const mapping = settings.ICP_ENRICHMENT_SOURCE_MAPPING ? parseMapping(readSettingFile("ICP_ENRICHMENT_SOURCE_MAPPING", settings.ICP_ENRICHMENT_SOURCE_MAPPING).toString("utf8"), settings.ICP_ENRICHMENT_SOURCE_MAPPING) : undefined;
const format = formatFromName(path);
if (!format) throw new Error(`ICP_ENRICHMENT_SOURCE=${path}: expected a .csv or .ndjson file`);
const read = parseAccounts(readSettingFile("ICP_ENRICHMENT_SOURCE", path), { source: path, format, mapping });
const source = new Map(read.items.map((profile) => [profile.accountKey, profile]));

// Composition root of the sample enrichment worker: a stand-in for Clay / Apollo answering the
// waterfall's requests from a file, with profile updates the fit service scores.
await runService({
  name: "enrichment-worker",
  defaultOpsPort: 19108,
  usesRubric: false,
  inputs: (catalog) => [catalog.enrichmentRequests],
  handler: ({ catalog, logger }) => {
    logger.info({ source: path, accounts: source.size, rejected: read.rejects.length, warnings: read.warnings.length }, "enrichment source read");
    return workerHandler(catalog, source);
  },
});
