/**
 * The kafka-kit error taxonomy: a stable `code` that travels in the dead-letter header
 * `icp.dlq.code`, and a `retryable` flag the consumer loop obeys (retry what may succeed
 * next time, dead-letter what never will). Foreign errors (kafkajs, the registry client,
 * the scoring package) are classified once, here, by `classifyError`.
 */
export type KafkaKitErrorCode =
  /** Not the registry wire format (no magic byte, too short). */
  | "WIRE_FORMAT"
  /** The schema id in the message is not in the registry. */
  | "UNKNOWN_SCHEMA"
  /** The bytes after the schema id are not JSON. */
  | "MALFORMED_JSON"
  /** Valid JSON that does not satisfy the topic's contract. */
  | "CONTRACT_VIOLATION"
  /** A message larger than the consumer accepts. */
  | "OVERSIZED"
  /** The message key is not the one the topic makes from the event (its account key, or `accountKey:scorecard`). */
  | "KEY_MISMATCH"
  /** The message is not in the partition its key maps to under the catalog's partitioner (murmur2), or has no key. */
  | "WRONG_PARTITION"
  /** The registry refused a schema as incompatible with the subject's history. */
  | "SCHEMA_INCOMPATIBLE"
  /** The registry does not hold the current schema for a subject (verify mode). */
  | "SCHEMA_NOT_REGISTERED"
  /** The registry could not be reached or answered 5xx. */
  | "REGISTRY_UNAVAILABLE"
  /** The broker could not be reached or refused for a transient reason. */
  | "BROKER_UNAVAILABLE"
  /** A control record (a rubric promotion) reached a consumer whose handler takes none. */
  | "UNEXPECTED_CONTROL"
  /** A handler failed for a reason nobody classified: assumed permanent. */
  | "HANDLER_FAILED";

const RETRYABLE: Record<KafkaKitErrorCode, boolean> = {
  WIRE_FORMAT: false,
  UNKNOWN_SCHEMA: false,
  MALFORMED_JSON: false,
  CONTRACT_VIOLATION: false,
  OVERSIZED: false,
  KEY_MISMATCH: false,
  WRONG_PARTITION: false,
  SCHEMA_INCOMPATIBLE: false,
  SCHEMA_NOT_REGISTERED: false,
  REGISTRY_UNAVAILABLE: true,
  BROKER_UNAVAILABLE: true,
  UNEXPECTED_CONTROL: false,
  HANDLER_FAILED: false,
};

export class KafkaKitError extends Error {
  override readonly name = "KafkaKitError";
  readonly code: KafkaKitErrorCode;
  readonly retryable: boolean;
  constructor(code: KafkaKitErrorCode, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options?.retryable ?? RETRYABLE[code];
  }
}

/** Any error with a stable string code and a retryable flag (ScoringError, KafkaKitError, a service's own). */
export interface ClassifiedError {
  code: string;
  retryable: boolean;
  message: string;
}

/** Node's socket and DNS error codes for a peer that did not answer now but may later. */
const NETWORK_ERROR_CODES = ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ECONNABORTED", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"];
const NETWORK_ERROR_IN_TEXT = new RegExp(`\\b(${NETWORK_ERROR_CODES.join("|")})\\b`);

export function classifyError(error: unknown): ClassifiedError {
  if (error instanceof KafkaKitError) return error;
  const e = error as { name?: unknown; code?: unknown; retryable?: unknown; retriable?: unknown; status?: unknown; message?: unknown } | null;
  const message = typeof e?.message === "string" ? e.message : String(error);
  if (e && typeof e.code === "string" && typeof e.retryable === "boolean") return { code: e.code, retryable: e.retryable, message };
  // kafkajs marks its own errors `retriable`.
  if (e && typeof e.name === "string" && e.name.startsWith("KafkaJS")) {
    return { code: "BROKER_UNAVAILABLE", retryable: e.retriable === true, message };
  }
  // A connection that was refused, reset or timed out may work next time. Node sets the
  // code on its own errors; the registry client (mappersmith) reports it as "status 400"
  // with the code only in the message, so the message is read too, before the status.
  if (e && ((typeof e.code === "string" && NETWORK_ERROR_CODES.includes(e.code)) || NETWORK_ERROR_IN_TEXT.test(message))) {
    return { code: "REGISTRY_UNAVAILABLE", retryable: true, message };
  }
  // The registry client (mappersmith) puts the HTTP status on the error.
  if (e && typeof e.status === "number") {
    if (e.status === 409) return { code: "SCHEMA_INCOMPATIBLE", retryable: false, message };
    if (e.status >= 500 || e.status === 0) return { code: "REGISTRY_UNAVAILABLE", retryable: true, message };
  }
  return { code: "HANDLER_FAILED", retryable: false, message };
}
