import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { TOPICS, registrySchemas, schemaText } from "@icpstream/contracts";
import { RegistryCodec } from "../codec.js";
import { formatEnvIssues } from "../kafka.js";
import { confluentRegistry } from "../registry.js";

/**
 * `schemas write`    — regenerates schemas/<subject>.json from the zod contracts.
 * `schemas register` — registers every subject's current schema in the registry
 *                      (BACKWARD; an incompatible change is refused and named).
 * `schemas verify`   — checks that the registry holds every current schema.
 * Registry URL: SCHEMA_REGISTRY_URL (default: the local stack's, http://127.0.0.1:18081/apis/ccompat/v7).
 */
const SCHEMAS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..", "schemas");
const Env = z.object({ SCHEMA_REGISTRY_URL: z.url().default("http://127.0.0.1:18081/apis/ccompat/v7") });

async function main(command: string | undefined): Promise<number> {
  if (command === "write") {
    await mkdir(SCHEMAS_DIR, { recursive: true });
    const entries = registrySchemas(TOPICS);
    const keep = new Set(entries.map((e) => `${e.subject}.json`));
    for (const file of await readdir(SCHEMAS_DIR)) if (file.endsWith(".json") && !keep.has(file)) await rm(join(SCHEMAS_DIR, file));
    for (const entry of entries) await writeFile(join(SCHEMAS_DIR, `${entry.subject}.json`), schemaText(entry.schema));
    console.log(`wrote ${entries.length} schemas to ${SCHEMAS_DIR}`);
    return 0;
  }
  if (command === "register" || command === "verify") {
    const env = Env.safeParse(process.env);
    if (!env.success) {
      console.error(`Invalid environment:\n${formatEnvIssues(env.error)}`);
      return 2;
    }
    const codec = new RegistryCodec(confluentRegistry({ url: env.data.SCHEMA_REGISTRY_URL }), { mode: command });
    try {
      const ids = await codec.prepare(TOPICS);
      for (const [subject, id] of ids) console.log(`${subject}\tid ${id}`);
      console.log(`${command === "register" ? "registered" : "verified"} ${ids.size} subjects at ${env.data.SCHEMA_REGISTRY_URL}`);
      return 0;
    } catch (error) {
      const e = error as { code?: string; message: string };
      console.error(`schemas ${command}: ${e.code ? `${e.code}: ` : ""}${e.message}`);
      return 1;
    }
  }
  console.error("usage: schemas write | register | verify");
  return 2;
}

process.exitCode = await main(process.argv[2]);
