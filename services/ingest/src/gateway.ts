import { timingSafeEqual } from "node:crypto";
import { fastify, LogController } from "fastify";
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import { Registry } from "prom-client";
import { TOPICS } from "@icpstream/contracts";
import { classifyError } from "@icpstream/kafka-kit";
import type { EncodedRecord } from "@icpstream/kafka-kit";
import { DEFAULT_TOLERANCE_SECONDS, SIGNATURE_HEADER, verifyWebhook } from "@icpstream/routing";
import { PERSONAL_MAIL_DOMAINS, accountKeyFromValue, identifierProblem, signalTypeFromValue } from "@icpstream/imports";
import { derivedEventId, formatPath } from "@icpstream/scoring";
import { exceedsJsonDepth } from "./json-depth.js";
import type { EventSink } from "./kafka-sender.js";
import { registerSourceRoutes } from "./sources-route.js";
import type { SourceRoutesOptions } from "./sources-route.js";
import { SIGNAL_TOPIC } from "./to-events.js";
import type { InputTopicId } from "./to-events.js";

/**
 * The HTTP ingest gateway for streaming feeds: third-party intent webhooks, first-party
 * web events, hiring feeds.
 *
 * - Authenticated: `x-api-key: <key>`, or `icp-signature: t=<unix seconds>,v1=<hex>` — the
 *   scheme of the router's outgoing webhooks (`@icpstream/routing`'s `signWebhook` makes
 *   it): HMAC-SHA256 of `<t>.<raw body>`, refused outside the tolerance window (default
 *   300 s either way), so a captured request cannot be replayed later. Secrets come from
 *   the environment only. The old `x-icp-signature: sha256=<HMAC of the body>` is refused
 *   with 401 UNTIMED_SIGNATURE: with no time in what is signed, it is valid forever.
 * - `POST /v1/signals`, `/v1/profiles`, `/v1/contacts`, `/v1/outcomes` take one event; `…/batch` takes
 *   `{ "events": [...] }`, all or nothing: every event is validated and encoded before any
 *   is sent, and one that can never be stored refuses the batch, each problem named by
 *   index and field.
 * - Senders may leave out `eventId` (derived from what they sent, before any default is
 *   filled in: the same content is always the same event), `source` (the default source),
 *   `observedAt` (the receive time, always), `schemaVersion`, and for profiles `occurredAt`
 *   (stamped with the signature's `t` when signed — so a replayed capture carries its
 *   original instant and never counts as newer — else with the receive time).
 * - Status codes say whether to retry. 4xx never succeeds as sent: 400 not JSON, 401
 *   credentials, 413 body or an event too large (an event is measured encoded, against the
 *   broker's message size), 415 not JSON content, 422 invalid or nested deeper than
 *   `maxDepth`, 429 too many requests in flight (retry after `Retry-After`). 503 (with
 *   `Retry-After`) means the broker did not acknowledge: retry, the event ids make it safe.
 *   202 only after Kafka acknowledged every event (acks = all).
 * - Slow or idle clients are cut off: headers must arrive within `headersTimeoutMs`, the
 *   whole request within `requestTimeoutMs`; a request without credentials or with a
 *   wrong API key is answered 401 before its body is read, and its connection closed.
 * - One access-log line per request: method, route, status, duration, client address.
 */
export interface GatewayOptions {
  /** Where accepted events go (kafka-sender's `connectSender`, or a codec-backed sink in tests). */
  sink: EventSink;
  apiKeys: readonly string[];
  hmacSecrets: readonly string[];
  /** How far a signature's `t` may be from now, either way (default 300 s). */
  signatureToleranceSeconds?: number;
  /** Largest accepted body (413 above it). */
  bodyLimitBytes: number;
  maxBatch: number;
  /** Deepest nesting of objects and arrays accepted (422 past it; default 32 — a profile nests 3 deep). */
  maxDepth?: number;
  /** Requests handled at once; past it 429 with Retry-After (default 256). */
  maxInFlight?: number;
  /** Time for a whole request, headers and body (default 30 s): a client that sends half a body is cut off. */
  requestTimeoutMs?: number;
  /** Time for the headers (default 10 s). */
  headersTimeoutMs?: number;
  defaultSource: string;
  /** A signal dated more than this many hours after its receipt is refused with 422 (default 24, the timing service's tolerance). */
  futureToleranceHours?: number;
  now: () => Date;
  logger: Logger;
  /** Third-party sources (`POST /v1/sources/{source}`), each with its mapping, secrets and stores; none: the route answers 404. */
  sources?: Pick<SourceRoutesOptions, "sources" | "replay" | "index" | "park" | "publicUrl"> | undefined;
  /** Where the gateway's counters go, served on `GET /metrics` (default: a registry of its own). */
  metrics?: Registry | undefined;
}

export const GATEWAY_DEFAULTS = {
  signatureToleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
  maxDepth: 32,
  maxInFlight: 256,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  futureToleranceHours: 24,
} as const;

/** Seconds a client is told to wait after 429 (a slot frees as soon as a request ends) and 503 (a broker election takes seconds). */
const RETRY_AFTER_BUSY_S = 1;
const RETRY_AFTER_UNAVAILABLE_S = 5;
/** The pre-timestamp signature header, refused with a reason. */
const LEGACY_SIGNATURE_HEADER = "x-icp-signature";

type Family = "signals" | "profiles" | "contacts" | "outcomes";
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
type Headers = Record<string, string | string[] | undefined>;

/** How a request proved who sent it. */
export type Credential = { kind: "api-key" } | { kind: "signature"; header: string } | { kind: "vendor" };

/**
 * What can be decided from the headers alone, before the body is read: which credential
 * the request carries, and for an API key whether it is valid. Throws 401 RequestError.
 */
export function credentialOf(headers: Headers, options: Pick<GatewayOptions, "apiKeys">): Credential {
  const apiKey = headers["x-api-key"];
  const signature = headers[SIGNATURE_HEADER];
  if (typeof apiKey === "string") {
    if (options.apiKeys.some((k) => safeEqual(Buffer.from(k), Buffer.from(apiKey)))) return { kind: "api-key" };
    throw new RequestError(401, "BAD_API_KEY", "the API key is not valid");
  }
  if (typeof signature === "string") return { kind: "signature", header: signature };
  if (headers[LEGACY_SIGNATURE_HEADER] !== undefined) {
    throw new RequestError(401, "UNTIMED_SIGNATURE", `${LEGACY_SIGNATURE_HEADER} (an HMAC of the body alone) is no longer accepted: a captured request stayed valid forever. Sign "<unix seconds>.<body>" and send ${SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256>`);
  }
  throw new RequestError(401, "UNAUTHENTICATED", `send x-api-key, or ${SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`);
}

const SIGNATURE_REFUSALS = {
  missing_header: "UNAUTHENTICATED",
  malformed_header: "BAD_SIGNATURE",
  timestamp_outside_tolerance: "SIGNATURE_EXPIRED",
  signature_mismatch: "BAD_SIGNATURE",
} as const;

/**
 * Checks a signed request with the router's webhook verifier: one of the secrets signed
 * `<t>.<body>`, and `t` is within the tolerance of `now` (a captured request goes stale).
 * Returns the signing instant; throws 401 RequestError with the verifier's reason.
 */
export function verifySignature(header: string, body: Buffer, options: Pick<GatewayOptions, "hmacSecrets" | "signatureToleranceSeconds">, now: Date): Date {
  const toleranceSeconds = options.signatureToleranceSeconds ?? GATEWAY_DEFAULTS.signatureToleranceSeconds;
  const result = verifyWebhook({ secret: [...options.hmacSecrets], body, header, now, toleranceSeconds });
  if (result.ok) return new Date(result.timestamp * 1000);
  throw new RequestError(401, SIGNATURE_REFUSALS[result.reason], result.message);
}

function topicFor(family: Family, record: Record<string, unknown>): InputTopicId {
  if (family === "profiles") return "firmographic";
  if (family === "contacts") return "contacts";
  if (family === "outcomes") return "outcome";
  // Vendor wording is read as files read it: "Pricing Page Visit" is pricing_page_visit.
  const type = signalTypeFromValue(record.type);
  if (!type.ok) throw new RequestError(422, "INVALID_EVENT", `type: ${type.message}`, [{ field: "type", message: type.message, reason: type.reason }]);
  record.type = type.value;
  return SIGNAL_TOPIC[type.value];
}

/** When a request was received, and when it was signed (undefined for an API key). */
export interface Receipt {
  receivedAt: Date;
  signedAt?: Date | undefined;
}

/**
 * A sender's record → a contract event, or the problems with it.
 *
 * The event id, when the sender gave none, is derived from what the sender sent — its
 * fields with the account key normalized — before any default is filled in: `source`,
 * `occurredAt`, `observedAt` and `schemaVersion` change from one receipt to the next, and
 * an id made with them made every replay a new event.
 */
export function toEvent(family: Family, input: unknown, options: Pick<GatewayOptions, "defaultSource" | "futureToleranceHours">, receipt: Receipt): { topic: InputTopicId; event: unknown } {
  if (input === null || typeof input !== "object" || Array.isArray(input)) throw new RequestError(422, "INVALID_EVENT", "expected a JSON object", [{ field: "(top level)", message: "expected a JSON object" }]);
  const record: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  const topic = topicFor(family, record);
  const domain = record.accountKey ?? record.domain;
  delete record.domain;
  if (typeof domain !== "string") throw new RequestError(422, "INVALID_EVENT", "accountKey: expected the account's domain", [{ field: "accountKey", message: "expected the account's domain", reason: "no_domain" }]);
  const key = accountKeyFromValue(domain);
  if (!key.ok) throw new RequestError(422, "INVALID_ACCOUNT_KEY", `accountKey: ${key.message}`, [{ field: "accountKey", message: key.message, reason: key.reason }]);
  record.accountKey = key.value;
  if (family === "contacts" && PERSONAL_MAIL_DOMAINS.has(key.value)) {
    const message = `${key.value} is a personal mailbox provider, not the contact's company; send the company's domain`;
    throw new RequestError(422, "INVALID_ACCOUNT_KEY", `accountKey: ${message}`, [{ field: "accountKey", message, reason: "personal_email_domain" }]);
  }
  const badId = identifierProblem(record);
  if (badId) throw new RequestError(422, "INVALID_EVENT", `${badId.field}: ${badId.message}`, [{ field: badId.field, message: badId.message, reason: "invalid_field" }]);
  if (family === "profiles") record.type = "account_profile";
  if (family === "contacts") record.type = "contact";
  // The sender's observedAt is replaced below, so it is no part of what they sent.
  delete record.observedAt;
  record.eventId ??= derivedEventId(record);
  record.source ??= options.defaultSource;
  if (family === "profiles" || family === "contacts") record.occurredAt ??= (receipt.signedAt ?? receipt.receivedAt).toISOString();
  record.observedAt = receipt.receivedAt.toISOString();
  record.schemaVersion ??= 1;
  const result = TOPICS[topic].schema.safeParse(record);
  if (!result.success) {
    const problems = result.error.issues.map((i) => ({ field: formatPath(i.path), message: i.message }));
    throw new RequestError(422, "INVALID_EVENT", problems.map((p) => `${p.field}: ${p.message}`).join("; "), problems);
  }
  // The timing service dead-letters a signal dated more than its tolerance after observedAt:
  // refuse it here, where the sender hears why.
  if (family === "signals") {
    const event = result.data as { occurredAt: string; observedAt: string };
    const ahead = Date.parse(event.occurredAt) - Date.parse(event.observedAt);
    const tolerance = (options.futureToleranceHours ?? GATEWAY_DEFAULTS.futureToleranceHours) * 3_600_000;
    if (ahead > tolerance) {
      const message = `dated ${event.occurredAt}, ${Math.round((ahead / 86_400_000) * 100) / 100} days after it was received; at most ${tolerance / 3_600_000} hours ahead is accepted`;
      throw new RequestError(422, "INVALID_EVENT", `occurredAt: ${message}`, [{ field: "occurredAt", message, reason: "future_dated" }]);
    }
  }
  return { topic, event: result.data };
}

function problemText(problems: readonly Problem[]): string {
  return problems
    .slice(0, 20)
    .map((p) => `${p.index !== undefined ? `events[${p.index}].` : ""}${p.field}: ${p.message}`)
    .join("; ");
}

/** Per request: when it arrived and the credential its headers carry (set in onRequest). */
interface RequestContext {
  receivedAt: Date;
  credential: Credential;
}

export function buildGateway(options: GatewayOptions): FastifyInstance {
  const maxDepth = options.maxDepth ?? GATEWAY_DEFAULTS.maxDepth;
  const maxInFlight = options.maxInFlight ?? GATEWAY_DEFAULTS.maxInFlight;
  const requestTimeout = options.requestTimeoutMs ?? GATEWAY_DEFAULTS.requestTimeoutMs;
  const headersTimeout = Math.min(options.headersTimeoutMs ?? GATEWAY_DEFAULTS.headersTimeoutMs, requestTimeout);
  const app = fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimitBytes,
    // Our own access line (below) instead of fastify's, whose `req`/`res` our logger printed as {}.
    logController: new LogController({ disableRequestLogging: true }),
    requestTimeout,
    // Node checks request and header timeouts on this interval (default 30 s, which let a
    // 10 s timeout hold a socket for 40 s).
    http: { headersTimeout, connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeout / 2))) },
  });
  const contexts = new WeakMap<FastifyRequest, RequestContext>();
  let inFlight = 0;

  // Keep the raw bytes: the HMAC is over the body exactly as sent.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
  // SOAP sources (Salesforce outbound messages): the bytes too; only an XML source's route reads them as XML.
  app.addContentTypeParser(["text/xml", "application/xml", "application/soap+xml"], { parseAs: "buffer" }, (request, body, done) => {
    if (!request.url.startsWith("/v1/sources/")) return done(Object.assign(new Error("send Content-Type: application/json"), { statusCode: 415 }), undefined);
    done(null, body);
  });

  const refuse = (reply: FastifyReply, error: RequestError) => {
    // The body may still be on its way: close the connection rather than read it.
    if (error.statusCode === 401 || error.statusCode === 429) reply.header("connection", "close");
    return reply.status(error.statusCode).send({ error: error.code, message: error.message, problems: error.problems });
  };

  app.addHook("onRequest", async (request, reply) => {
    if (!request.url.startsWith("/v1/")) return;
    if (inFlight >= maxInFlight) {
      reply.header("retry-after", String(RETRY_AFTER_BUSY_S));
      return refuse(reply, new RequestError(429, "TOO_MANY_REQUESTS", `${maxInFlight} requests are in flight; retry after ${RETRY_AFTER_BUSY_S} s`));
    }
    const receivedAt = options.now();
    try {
      // A third-party source proves itself in the vendor's own scheme (sources-route.ts).
      const credential: Credential = request.url.startsWith("/v1/sources/") ? { kind: "vendor" } : credentialOf(request.headers, options);
      contexts.set(request, { receivedAt, credential });
    } catch (error) {
      if (error instanceof RequestError) return refuse(reply, error);
      throw error;
    }
    inFlight++;
    reply.raw.once("close", () => inFlight--);
  });

  app.addHook("onResponse", async (request, reply) => {
    request.log.info({ method: request.method, route: request.routeOptions.url ?? "(no route)", status: reply.statusCode, durationMs: Math.round(reply.elapsedTime * 10) / 10, client: request.ip }, "request");
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error instanceof RequestError) return refuse(reply, error);
    const status = error.statusCode ?? 500;
    if (status === 413) return reply.status(413).send({ error: "BODY_TOO_LARGE", message: `the body is larger than ${options.bodyLimitBytes} bytes` });
    if (status === 415) return reply.status(415).send({ error: "UNSUPPORTED_MEDIA_TYPE", message: "send Content-Type: application/json" });
    if (status < 500) return reply.status(status).send({ error: error.code ?? "BAD_REQUEST", message: error.message });
    request.log.error({ err: error }, "ingest failed");
    if (classifyError(error).retryable) {
      return reply.status(503).header("retry-after", String(RETRY_AFTER_UNAVAILABLE_S)).send({ error: "UNAVAILABLE", message: "the broker did not acknowledge the events; retry" });
    }
    return reply.status(500).send({ error: "NOT_STORED", message: "the events could not be stored, for a reason a retry does not change; see the gateway's log" });
  });

  const handle = (family: Family, batch: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = request.body;
    if (!Buffer.isBuffer(raw)) throw new RequestError(415, "UNSUPPORTED_MEDIA_TYPE", "send Content-Type: application/json");
    const context = contexts.get(request);
    if (!context) throw new Error("the request was not authenticated: onRequest did not run");
    if (context.credential.kind === "vendor") throw new Error("a vendor request reached an icpstream route");
    const signedAt = context.credential.kind === "signature" ? verifySignature(context.credential.header, raw, options, context.receivedAt) : undefined;
    const tooDeep = exceedsJsonDepth(raw, maxDepth);
    if (tooDeep !== undefined) throw new RequestError(422, "NESTED_TOO_DEEP", `the body nests objects and arrays deeper than ${maxDepth} levels (at byte ${tooDeep})`);
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
    const receipt: Receipt = { receivedAt: context.receivedAt, signedAt };

    // 1. Every event validated.
    const problems: Problem[] = [];
    const accepted: { index: number; topic: InputTopicId; event: unknown }[] = [];
    records.forEach((record, index) => {
      try {
        accepted.push({ index, ...toEvent(family, record, options, receipt) });
      } catch (error) {
        if (!(error instanceof RequestError)) throw error;
        const list = error.problems.length > 0 ? error.problems : [{ field: "(top level)", message: error.message }];
        problems.push(...list.map((p) => (batch ? { ...p, index } : p)));
      }
    });
    if (problems.length > 0) throw new RequestError(422, "INVALID_EVENT", problemText(problems), problems);

    // 2. Every event encoded and measured: one the broker can never take refuses the request before anything is sent.
    const byTopic = new Map<InputTopicId, EncodedRecord[]>();
    for (const { index, topic, event } of accepted) {
      let record: EncodedRecord;
      try {
        record = await options.sink.encode(topic, event);
      } catch (error) {
        const c = classifyError(error);
        if (c.code !== "OVERSIZED") throw error;
        problems.push({ ...(batch ? { index } : {}), field: "(event)", message: c.message });
        continue;
      }
      const list = byTopic.get(topic);
      if (list) list.push(record);
      else byTopic.set(topic, [record]);
    }
    if (problems.length > 0) throw new RequestError(413, "EVENT_TOO_LARGE", problemText(problems), problems);

    // 3. Sent; 202 only once the broker has every event (acks = all).
    await options.sink.sendEncoded([...byTopic].map(([topic, list]) => ({ topic, records: list })));
    const eventIds = accepted.map((a) => (a.event as { eventId: string }).eventId);
    return reply.status(202).send({ accepted: eventIds.length, eventIds });
  };

  for (const family of ["signals", "profiles", "contacts", "outcomes"] as const) {
    app.post(`/v1/${family}`, handle(family, false));
    app.post(`/v1/${family}/batch`, handle(family, true));
  }
  const registry = options.metrics ?? new Registry();
  if (options.sources) {
    registerSourceRoutes(
      app,
      {
        ...options.sources,
        sink: options.sink,
        maxDepth,
        maxBatch: options.maxBatch,
        futureToleranceHours: options.futureToleranceHours ?? GATEWAY_DEFAULTS.futureToleranceHours,
        now: options.now,
        registry,
        fail: (status, code, message, problems) => new RequestError(status, code, message, problems),
      },
      (request) => contexts.get(request)?.receivedAt ?? options.now(),
    );
  }
  app.get("/metrics", async (_request, reply) => reply.header("content-type", registry.contentType).send(await registry.metrics()));
  app.get("/health", async () => ({ status: "ok" }));
  return app;
}
