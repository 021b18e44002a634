import { COMPATIBILITY, SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import type { JsonSchema } from "@icpstream/contracts";
import { schemaText } from "@icpstream/contracts";
import { redactUrl } from "@icpstream/observability";
import { KafkaKitError, classifyError } from "./errors.js";

/**
 * What the codec needs from a schema registry. `confluentRegistry` talks to a
 * Confluent-compatible registry (Apicurio's ccompat API included); `InMemorySchemaRegistry`
 * is its twin for unit tests.
 */
export interface SchemaRegistryPort {
  /** Registers the schema under the subject (BACKWARD compatibility) and returns its id; the same content returns the same id. */
  register(subject: string, schema: JsonSchema): Promise<number>;
  /** The id of this exact schema under the subject, or undefined when the subject does not hold it. */
  lookup(subject: string, schema: JsonSchema): Promise<number | undefined>;
  /** Whether the registry holds a schema with this id. */
  exists(id: number): Promise<boolean>;
}

export interface RegistryConfig {
  /** Base URL of the Confluent-compatible API, e.g. http://127.0.0.1:18081/apis/ccompat/v7 */
  url: string;
}

export function confluentRegistry(config: RegistryConfig): SchemaRegistryPort {
  // strict: false — ajv (inside the client) would otherwise refuse formats such as date-time;
  // validation is zod's job, the client only needs to accept the schema.
  const jsonOptions = { strict: false, logger: false };
  const client = new SchemaRegistry({ host: config.url, retry: { retries: 2 } }, { [SchemaType.JSON]: jsonOptions } as never);
  const status = (error: unknown) => (error as { status?: unknown }).status;
  const registryName = redactUrl(config.url);
  const fail = (error: unknown, what: string): never => {
    const c = classifyError(error);
    // The registry is named without its credentials: this message reaches logs and terminals.
    throw new KafkaKitError(c.code === "SCHEMA_INCOMPATIBLE" ? "SCHEMA_INCOMPATIBLE" : "REGISTRY_UNAVAILABLE", `${what} at ${registryName}: ${c.message}`, { cause: error, retryable: c.retryable });
  };
  return {
    async register(subject, schema) {
      const attempt = () => client.register({ type: SchemaType.JSON, schema: schemaText(schema) }, { subject, compatibility: COMPATIBILITY.BACKWARD });
      try {
        return (await attempt()).id;
      } catch (error) {
        // Two services starting together both set the subject's compatibility; the loser gets
        // 409 "rule already exists". The rule is then in place: registering again succeeds.
        if (status(error) === 409 && /already exists/i.test((error as Error).message)) {
          try {
            return (await attempt()).id;
          } catch (again) {
            return fail(again, `registering ${subject}`);
          }
        }
        return fail(error, `registering ${subject}`);
      }
    },
    async lookup(subject, schema) {
      try {
        return await client.getRegistryIdBySchema(subject, { type: SchemaType.JSON, schema: schemaText(schema) });
      } catch (error) {
        if (status(error) === 404 || (error as Error).name === "ConfluentSchemaRegistryError") return undefined;
        return fail(error, `looking up ${subject}`);
      }
    },
    async exists(id) {
      try {
        await client.getSchema(id);
        return true;
      } catch (error) {
        if (status(error) === 404) return false;
        return fail(error, `fetching schema ${id}`);
      }
    },
  };
}

/** A registry in memory: content-addressed ids as in Confluent, no compatibility checks. */
export class InMemorySchemaRegistry implements SchemaRegistryPort {
  private readonly ids = new Map<string, number>();
  private readonly subjects = new Map<string, Set<number>>();
  async register(subject: string, schema: JsonSchema): Promise<number> {
    const text = schemaText(schema);
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(text, id);
    }
    const ids = this.subjects.get(subject) ?? new Set<number>();
    ids.add(id);
    this.subjects.set(subject, ids);
    return id;
  }
  async lookup(subject: string, schema: JsonSchema): Promise<number | undefined> {
    const id = this.ids.get(schemaText(schema));
    return id !== undefined && this.subjects.get(subject)?.has(id) ? id : undefined;
  }
  async exists(id: number): Promise<boolean> {
    return [...this.ids.values()].includes(id);
  }
}
