import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { registrySchemas } from "@icpstream/contracts";
import type { JsonSchema } from "@icpstream/contracts";
import { topicCatalog } from "@icpstream/contracts";
import { stackTest } from "@icpstream/testkit";
import { expect } from "vitest";
import { confluentRegistry } from "./registry.js";

// schemas/history/ keeps every released version of a contract that has changed since
// (`<subject>.v<N>.json`). A registry that holds a released version must accept the current
// one under BACKWARD compatibility, or an upgrade would stop at start with SCHEMA_INCOMPATIBLE.
const SCHEMAS = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "schemas");
const released = readdirSync(join(SCHEMAS, "history"))
  .map((file) => /^(.+)\.v(\d+)\.json$/.exec(file))
  .filter((m): m is RegExpExecArray => m !== null)
  .map((m) => ({ file: m[0], subject: m[1] as string, version: Number(m[2]) }))
  .sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.version - b.version));

stackTest.for(released)("the current contract is BACKWARD compatible with the released $file, so an upgrade registers it", async (release, { stack }) => {
  const current = registrySchemas(topicCatalog()).find((e) => e.subject === release.subject);
  expect(current, `${release.subject} is still a subject of the catalog`).toBeDefined();
  const registry = confluentRegistry({ url: stack.settings.SCHEMA_REGISTRY_URL });
  const subject = stack.subject(`history-${release.subject}`);
  for (const older of released.filter((r) => r.subject === release.subject && r.version <= release.version)) {
    await registry.register(subject, JSON.parse(readFileSync(join(SCHEMAS, "history", older.file), "utf8")) as JsonSchema);
  }
  await expect(registry.register(subject, current!.schema)).resolves.toBeGreaterThan(0);
});
