import type { EventInputOf, EventOf, TopicCatalog, TopicSpec } from "@icpstream/contracts";
import { catalogTopics, messageKeyOf, registrySchemaFor } from "@icpstream/contracts";
import { formatPath } from "@icpstream/scoring";
import { KafkaKitError } from "./errors.js";
import type { SchemaRegistryPort } from "./registry.js";
import { decodeWire, MAGIC_BYTE, WIRE_HEADER_BYTES } from "./wire.js";

/**
 * Events ⇄ bytes through the registry. Encoding validates with zod first (a producer
 * never writes what its own contract refuses), then writes JSON after the wire header
 * with the subject's current schema id. Decoding checks the header, that the schema id is
 * one the registry knows, that the payload is JSON, and that it satisfies the topic's
 * zod schema (defaults filled, unknown keys dropped). Every failure is a KafkaKitError
 * with a stable code, so the consumer can dead-letter it with the reason.
 *
 * One exception to validating on read: a message on an `internal` topic (written only by
 * icpstream's services) whose schema id is the very id this codec writes for the subject
 * was validated by a producer holding the same contract, and encoded from the validated
 * event; it is trusted as it is (no second zod pass; the key is still checked). Any other
 * schema id — an older or newer contract, or a topic fed from outside — is validated in full.
 */
export interface EncodedMessage {
  key: string;
  value: Buffer;
}

export type SchemaMode =
  /** Register the current schema of each subject (idempotent; refused if incompatible). */
  | "register"
  /** Only check that the registry holds the current schema; fail with SCHEMA_NOT_REGISTERED otherwise. */
  | "verify";

/** 1 MiB: Kafka's default `max.message.bytes`. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_576;

export class RegistryCodec {
  private readonly writerIds = new Map<string, Promise<number>>();
  /** Subject → the schema id this codec writes, once resolved (what a trusted message must carry). */
  private readonly ownIds = new Map<string, number>();
  private readonly knownIds = new Map<number, Promise<boolean>>();
  private lastPayload: { event: object; schema: TopicSpec["schema"]; parsed: { accountKey: string; scorecard?: string }; json: string } | undefined;
  readonly maxMessageBytes: number;

  constructor(
    private readonly registry: SchemaRegistryPort,
    private readonly options: { mode: SchemaMode; maxMessageBytes?: number } = { mode: "register" },
  ) {
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  /** Registers (or verifies) every subject of the catalog up front, so a service fails on start, not on its first message. */
  async prepare(catalog: TopicCatalog): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    for (const spec of catalogTopics(catalog)) ids.set(spec.subject, await this.writerId(spec));
    return ids;
  }

  /** The schema id this service writes for a topic. */
  writerId(spec: TopicSpec): Promise<number> {
    let id = this.writerIds.get(spec.subject);
    if (!id) {
      id = this.resolveWriterId(spec);
      id.catch(() => this.writerIds.delete(spec.subject));
      this.writerIds.set(spec.subject, id);
    }
    return id;
  }

  private async resolveWriterId(spec: TopicSpec): Promise<number> {
    const schema = registrySchemaFor(spec);
    const id = this.options.mode === "register" ? await this.registry.register(spec.subject, schema) : await this.registry.lookup(spec.subject, schema);
    if (id === undefined) {
      throw new KafkaKitError("SCHEMA_NOT_REGISTERED", `the registry does not hold the current schema of ${spec.subject}: run npm run schemas:register`);
    }
    this.knownIds.set(id, Promise.resolve(true));
    this.ownIds.set(spec.subject, id);
    return id;
  }

  /** Validates an event against its topic's contract: the parsed event, or CONTRACT_VIOLATION naming each problem. */
  validate<T extends TopicSpec>(spec: T, event: unknown): EventOf<T> {
    const result = spec.schema.safeParse(event);
    if (!result.success) {
      const problems = result.error.issues.slice(0, 5).map((i) => `${formatPath(i.path)}: ${i.message}`);
      const more = result.error.issues.length > 5 ? ` (and ${result.error.issues.length - 5} more)` : "";
      throw new KafkaKitError("CONTRACT_VIOLATION", `not a valid ${spec.topic} event: ${problems.join("; ")}${more}`);
    }
    return result.data as EventOf<T>;
  }

  async encode<T extends TopicSpec>(spec: T, event: EventInputOf<T>): Promise<EncodedMessage> {
    const { parsed, json } = this.payloadOf(spec, event);
    const value = encodeWireText(await this.writerId(spec), json);
    if (value.byteLength > this.maxMessageBytes) {
      throw new KafkaKitError("OVERSIZED", `the encoded ${spec.topic} event is ${value.byteLength} bytes, more than ${this.maxMessageBytes}`);
    }
    return { key: messageKeyOf(spec, parsed), value };
  }

  /**
   * The validated event and its JSON. One event is often written to two topics of one
   * contract in a row (the combiner's tier-changed and current-tier): the second encode of
   * the same object reuses the first one's work when the object still serialises to the
   * validated JSON (so a change made in between is validated again, never sent unchecked).
   */
  private payloadOf(spec: TopicSpec, event: unknown): { parsed: { accountKey: string; scorecard?: string }; json: string } {
    const last = this.lastPayload;
    if (last !== undefined && last.event === event && last.schema === spec.schema && JSON.stringify(event) === last.json) return last;
    const parsed = this.validate(spec, event) as { accountKey: string; scorecard?: string };
    const json = JSON.stringify(parsed);
    this.lastPayload = typeof event === "object" && event !== null ? { event, schema: spec.schema, parsed, json } : undefined;
    return { parsed, json };
  }

  async decode<T extends TopicSpec>(spec: T, value: Buffer | null, key?: Buffer | string | null): Promise<EventOf<T>> {
    if (value && value.byteLength > this.maxMessageBytes) {
      throw new KafkaKitError("OVERSIZED", `message of ${value.byteLength} bytes is larger than the ${this.maxMessageBytes} this consumer accepts`);
    }
    const { schemaId, payload } = decodeWire(value);
    if (!(await this.isKnown(schemaId))) throw new KafkaKitError("UNKNOWN_SCHEMA", `schema id ${schemaId} is not in the registry`);
    let json: unknown;
    try {
      json = JSON.parse(payload.toString("utf8"));
    } catch (error) {
      throw new KafkaKitError("MALFORMED_JSON", `payload after schema id ${schemaId} is not JSON: ${(error as Error).message}`);
    }
    const event = typeof json === "object" && json !== null && !Array.isArray(json) && this.isTrusted(spec, schemaId) ? (json as EventOf<T>) : this.validate(spec, json);
    if (key !== undefined && key !== null) {
      const keyText = typeof key === "string" ? key : key.toString("utf8");
      const expected = messageKeyOf(spec, event as { accountKey: string; scorecard?: string });
      if (keyText !== expected) throw new KafkaKitError("KEY_MISMATCH", `message key "${keyText}" is not the event's ${spec.key === "accountKey" ? "account key" : spec.key} "${expected}"`);
    }
    return event;
  }

  /** Whether a message with this schema id on this topic was written under the contract this codec holds, by our own services. */
  private isTrusted(spec: TopicSpec, schemaId: number): boolean {
    return spec.internal && this.ownIds.get(spec.subject) === schemaId;
  }

  private isKnown(id: number): Promise<boolean> {
    let known = this.knownIds.get(id);
    if (!known) {
      known = this.registry.exists(id);
      // Only a definite answer is remembered; a registry outage is retried next time.
      known.catch(() => this.knownIds.delete(id));
      this.knownIds.set(id, known);
    }
    return known;
  }
}

/** `encodeWire` for a JSON text: the UTF-8 is written straight after the header, with no intermediate buffer. */
function encodeWireText(schemaId: number, json: string): Buffer {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > 0xffffffff) throw new RangeError(`schema id out of range: ${schemaId}`);
  const out = Buffer.allocUnsafe(WIRE_HEADER_BYTES + Buffer.byteLength(json, "utf8"));
  out.writeUInt8(MAGIC_BYTE, 0);
  out.writeUInt32BE(schemaId, 1);
  out.write(json, WIRE_HEADER_BYTES, "utf8");
  return out;
}
