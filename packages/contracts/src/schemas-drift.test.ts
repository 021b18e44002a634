import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { TOPICS } from "./catalog.js";
import { registrySchemas, schemaText } from "./json-schema.js";

// schemas/ is what the registry holds; it must equal what the zod source generates.
// Regenerate with `npm run schemas:write` after changing a contract.
const SCHEMAS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "schemas");

describe("schemas/", () => {
  const expected = registrySchemas(TOPICS);

  it.each(expected.map((e) => [e.subject, e] as const))("holds the JSON Schema generated from the zod source for %s", (subject, entry) => {
    let stored: string;
    try {
      stored = readFileSync(join(SCHEMAS_DIR, `${subject}.json`), "utf8");
    } catch {
      throw new Error(`schemas/${subject}.json is missing: run npm run schemas:write`);
    }
    expect(stored, `schemas/${subject}.json drifted from the zod source: run npm run schemas:write`).toBe(schemaText(entry.schema));
  });

  it("holds no subject that the catalog does not define", () => {
    const files = readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith(".json"));
    expect(files.sort()).toEqual(expected.map((e) => `${e.subject}.json`).sort());
  });
});
