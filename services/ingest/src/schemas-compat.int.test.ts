import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect } from "vitest";
import { stackTest as test, uniqueName } from "@icpstream/testkit";
import { TOPICS, registrySchemas, schemaText } from "@icpstream/contracts";

// A contract that changed keeps reading what producers wrote before: the registry, under the
// BACKWARD rule the services register with, accepts the current schema over the previous
// version kept in packages/contracts/fixtures/previous-schemas/ (the firmographic contract gained optional
// employeeRange and unknownAttributes and wider funding stages).
const PREVIOUS = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "packages", "contracts", "fixtures", "previous-schemas");

describe("schema evolution against the real registry", () => {
  test("every changed contract is BACKWARD compatible with its previous version", async ({ stack }) => {
    const current = new Map(registrySchemas(TOPICS).map((e) => [e.subject, schemaText(e.schema)]));
    const files = readdirSync(PREVIOUS).filter((f) => f.endsWith(".json"));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const subject = `${uniqueName("compat")}-${file.replace(/\.json$/, "")}`;
      const base = `${stack.settings.SCHEMA_REGISTRY_URL}/subjects/${encodeURIComponent(subject)}`;
      stack.onCleanup(async () => {
        await fetch(base, { method: "DELETE" });
        await fetch(`${base}?permanent=true`, { method: "DELETE" });
      });
      const headers = { "content-type": "application/vnd.schemaregistry.v1+json" };
      const config = await fetch(`${stack.settings.SCHEMA_REGISTRY_URL}/config/${encodeURIComponent(subject)}`, { method: "PUT", headers, body: JSON.stringify({ compatibility: "BACKWARD" }) });
      expect(config.ok).toBe(true);
      const previous = await fetch(`${base}/versions`, { method: "POST", headers, body: JSON.stringify({ schemaType: "JSON", schema: readFileSync(join(PREVIOUS, file), "utf8") }) });
      expect(previous.ok, await previous.clone().text()).toBe(true);
      const schema = current.get(file.replace(/\.json$/, ""));
      expect(schema, `${file} names no current subject`).toBeDefined();
      const check = await fetch(`${stack.settings.SCHEMA_REGISTRY_URL}/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest`, { method: "POST", headers, body: JSON.stringify({ schemaType: "JSON", schema }) });
      const verdict = (await check.json()) as { is_compatible?: boolean };
      expect({ file, ...verdict }).toEqual({ file, is_compatible: true });
      const next = await fetch(`${base}/versions`, { method: "POST", headers, body: JSON.stringify({ schemaType: "JSON", schema }) });
      expect(next.ok, await next.clone().text()).toBe(true);
    }
  });
});
