import { z } from "zod";
import type { TopicCatalog, TopicSpec } from "./catalog.js";
import { catalogTopics } from "./catalog.js";

/**
 * The JSON Schema the registry stores for a subject, generated from the zod source.
 *
 * - Draft-07: what Apicurio's compatibility checker and ajv read without extra setup.
 * - Input shape (`io: "input"`): fields with a default are optional, as producers may omit them.
 * - Closed objects (`additionalProperties: false`): under BACKWARD, the registry then
 *   accepts a new *optional* field (old data never had it) and refuses a removed field, a
 *   changed type or a new required field. Readers stay lenient anyway: the zod schemas
 *   drop unknown keys, so a newer producer never breaks an older consumer.
 */
export type JsonSchema = Record<string, unknown>;

export function toRegistrySchema(schema: z.ZodType, description?: string): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: "draft-7",
    io: "input",
    unrepresentable: "any",
    override: (ctx) => {
      const node = ctx.jsonSchema as JsonSchema;
      if (node.type === "object" && node.properties !== undefined && node.additionalProperties === undefined) node.additionalProperties = false;
    },
  }) as JsonSchema;
  return description ? { $schema: json.$schema, description, ...json } : json;
}

export function registrySchemaFor(spec: TopicSpec): JsonSchema {
  // The description, not the topic name: a prefixed test catalog stores the same content.
  return toRegistrySchema(spec.schema, spec.description);
}

/** Subject → JSON Schema for every topic of a catalog. */
export function registrySchemas(catalog: TopicCatalog): { subject: string; topic: string; schema: JsonSchema }[] {
  return catalogTopics(catalog).map((spec) => ({ subject: spec.subject, topic: spec.topic, schema: registrySchemaFor(spec) }));
}

/** The text stored in schemas/<subject>.json and sent to the registry: stable key order, two-space indent, final newline. */
export function schemaText(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
