import { createHmac, timingSafeEqual } from "node:crypto";
import { fastify } from "fastify";
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { TOPICS } from "@icpstream/contracts";
import { accountKeyFromValue, identifierProblem, signalTypeFromValue } from "@icpstream/imports";
import { derivedEventId, formatPath } from "@icpstream/scoring";
import type { SendEvents } from "./file-ingest.js";
import { SIGNAL_TOPIC } from "./to-events.js";
import type { InputTopicId } from "./to-events.js";

/**
 * The HTTP ingest gateway for streaming feeds: third-party intent webhooks, first-party
 * web events, hiring feeds.
 *
 * - Authenticated: `x-api-key: <key>`, or `x-icp-signature: sha256=<hex HMAC-SHA256 of the
 *   raw body>` for webhook senders that sign. Secrets come from the environment only.
 * - `POST /v1/signals`, `/v1/profiles`, `/v1/outcomes` take one event; `…/batch` takes
 *   `{ "events": [...] }` (all or nothing: one invalid event refuses the batch, each
 *   problem named by index and field).
 * - Senders may leave out `eventId` (derived from the content, so a retried webhook is one
 *   event), `source` (the default source), `observedAt` and `schemaVersion`; `accountKey`
 *   (or `domain`) may be any spelling of the domain or URL.
 * - At least once: 202 only after Kafka acknowledged every event; a broker failure is 503,
 *   safe to retry.
 */
export interface GatewayOptions {
  send: SendEvents;
  apiKeys: readonly string[];
  hmacSecrets: readonly string[];
  /** Largest accepted body (413 above it). */
  bodyLimitBytes: number;
  maxBatch: number;
  defaultSource: string;
  now: () => Date;
  logger: Logger;
}

type Family = "signals" | "profiles" | "outcomes";
interface Problem {
  index?: number;
  field: string;
  message: string;
  /** The reason code a rejects file would give (@icpstream/imports), when there is one. */
  reason?: string;
}

export class RequestError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
  }
}

const safeEqual = (a: Buffer, b: Buffer) => a.length === b.length && timingSafeEqual(a, b);

export function authenticate(headers: Record<string, string | string[] | undefined>, rawBody: Buffer, options: Pick<GatewayOptions, "apiKeys" | "hmacSecrets">): void {
  const apiKey = headers["x-api-key"];
  const signature = headers["x-icp-signature"];
  if (typeof apiKey === "string") {
    if (options.apiKeys.some((k) => safeEqual(Buffer.from(k), Buffer.from(apiKey)))) return;
    throw new RequestError(401, "BAD_API_KEY", "the API key is not valid");
  }
  if (typeof signature === "string") {
    const match = /^sha256=([0-9a-f]{64})$/i.exec(signature);
    if (!match?.[1]) throw new RequestError(401, "BAD_SIGNATURE", "x-icp-signature must be sha256=<64 hex digits> (HMAC-SHA256 of the raw body)");
    const given = Buffer.from(match[1].toLowerCase(), "hex");
    if (options.hmacSecrets.some((secret) => safeEqual(createHmac("sha256", secret).update(rawBody).digest(), given))) return;
    throw new RequestError(401, "BAD_SIGNATURE", "the signature does not match the body");
  }
  throw new RequestError(401, "UNAUTHENTICATED", "send x-api-key, or x-icp-signature with an HMAC-SHA256 of the body");
}

function topicFor(family: Family, record: Record<string, unknown>): InputTopicId {
  if (family === "profiles") return "firmographic";
  if (family === "outcomes") return "outcome";
  // Vendor wording is read as files read it: "Pricing Page Visit" is pricing_page_visit.
  const type = signalTypeFromValue(record.type);
  if (!type.ok) throw new RequestError(422, "INVALID_EVENT", `type: ${type.message}`, [{ field: "type", message: type.message, reason: type.reason }]);
  record.type = type.value;
  return SIGNAL_TOPIC[type.value];
}

/** A sender's record → a contract event, or the problems with it. */
export function toEvent(family: Family, input: unknown, options: Pick<GatewayOptions, "defaultSource">, observedAt: string): { topic: InputTopicId; event: unknown } {
  if (input === null || typeof input !== "object" || Array.isArray(input)) throw new RequestError(422, "INVALID_EVENT", "expected a JSON object", [{ field: "(top level)", message: "expected a JSON object" }]);
  const record: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  const topic = topicFor(family, record);
  const domain = record.accountKey ?? record.domain;
  delete record.domain;
  if (typeof domain !== "string") throw new RequestError(422, "INVALID_EVENT", "accountKey: expected the account's domain", [{ field: "accountKey", message: "expected the account's domain", reason: "no_domain" }]);
  const key = accountKeyFromValue(domain);
  if (!key.ok) throw new RequestError(422, "INVALID_ACCOUNT_KEY", `accountKey: ${key.message}`, [{ field: "accountKey", message: key.message, reason: key.reason }]);
  record.accountKey = key.value;
  const badId = identifierProblem(record);
  if (badId) throw new RequestError(422, "INVALID_EVENT", `${badId.field}: ${badId.message}`, [{ field: badId.field, message: badId.message, reason: "invalid_field" }]);
  if (family === "profiles") record.type = "account_profile";
  record.source ??= options.defaultSource;
  record.occurredAt ??= family === "profiles" ? observedAt : undefined;
  record.eventId ??= derivedEventId(record);
  record.observedAt = observedAt;
  record.schemaVersion ??= 1;
  const result = TOPICS[topic].schema.safeParse(record);
  if (!result.success) {
    const problems = result.error.issues.map((i) => ({ field: formatPath(i.path), message: i.message }));
    throw new RequestError(422, "INVALID_EVENT", problems.map((p) => `${p.field}: ${p.message}`).join("; "), problems);
  }
  return { topic, event: result.data };
}

export function buildGateway(options: GatewayOptions): FastifyInstance {
  const app = fastify({ loggerInstance: options.logger as FastifyBaseLogger, bodyLimit: options.bodyLimitBytes, disableRequestLogging: false });
  // Keep the raw bytes: the HMAC is over the body exactly as sent.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error instanceof RequestError) {
      return reply.status(error.statusCode).send({ error: error.code, message: error.message, problems: error.problems });
    }
    const status = error.statusCode ?? 500;
    if (status === 413) return reply.status(413).send({ error: "BODY_TOO_LARGE", message: `the body is larger than ${options.bodyLimitBytes} bytes` });
    if (status === 415) return reply.status(415).send({ error: "UNSUPPORTED_MEDIA_TYPE", message: "send Content-Type: application/json" });
    if (status < 500) return reply.status(status).send({ error: error.code ?? "BAD_REQUEST", message: error.message });
    request.log.error({ err: error }, "ingest failed");
    return reply.status(503).send({ error: "UNAVAILABLE", message: "the events could not be stored; retry" });
  });

  const handle = (family: Family, batch: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = request.body;
    if (!Buffer.isBuffer(raw)) throw new RequestError(415, "UNSUPPORTED_MEDIA_TYPE", "send Content-Type: application/json");
    authenticate(request.headers, raw, options);
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
    } catch {
      throw new RequestError(400, "INVALID_UTF8", "the body is not valid UTF-8");
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new RequestError(400, "MALFORMED_JSON", `the body is not JSON: ${(error as Error).message}`);
    }
    const observedAt = options.now().toISOString();
    let records: unknown[];
    if (batch) {
      const events = (body as { events?: unknown } | null)?.events;
      if (!Array.isArray(events)) throw new RequestError(422, "INVALID_BATCH", 'expected { "events": [ … ] }');
      if (events.length === 0) throw new RequestError(422, "INVALID_BATCH", "the batch is empty");
      if (events.length > options.maxBatch) throw new RequestError(413, "BATCH_TOO_LARGE", `a batch holds at most ${options.maxBatch} events, got ${events.length}`);
      records = events;
    } else {
      records = [body];
    }
    const problems: Problem[] = [];
    const byTopic = new Map<InputTopicId, unknown[]>();
    const eventIds: string[] = [];
    records.forEach((record, index) => {
      try {
        const { topic, event } = toEvent(family, record, options, observedAt);
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), event]);
        eventIds.push((event as { eventId: string }).eventId);
      } catch (error) {
        if (!(error instanceof RequestError)) throw error;
        const list = error.problems.length > 0 ? error.problems : [{ field: "(top level)", message: error.message }];
        problems.push(...list.map((p) => (batch ? { ...p, index } : p)));
      }
    });
    if (problems.length > 0) {
      const text = problems.slice(0, 20).map((p) => `${p.index !== undefined ? `events[${p.index}].` : ""}${p.field}: ${p.message}`).join("; ");
      throw new RequestError(422, "INVALID_EVENT", text, problems);
    }
    // 202 only once the broker has every event (acks = all).
    for (const [topic, events] of byTopic) await options.send(topic, events);
    return reply.status(202).send({ accepted: eventIds.length, eventIds });
  };

  for (const family of ["signals", "profiles", "outcomes"] as const) {
    app.post(`/v1/${family}`, handle(family, false));
    app.post(`/v1/${family}/batch`, handle(family, true));
  }
  app.get("/health", async () => ({ status: "ok" }));
  return app;
}
