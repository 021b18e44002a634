import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Counter } from "prom-client";
import type { Registry } from "prom-client";
import { TOPICS } from "@icpstream/contracts";
import { classifyError } from "@icpstream/kafka-kit";
import type { EncodedRecord } from "@icpstream/kafka-kit";
import { mapPayload, parseXmlPayload } from "@icpstream/imports";
import type { IdIndex, ImportIssue, ItemResult, MappedRecord, SourceMapping } from "@icpstream/imports";
import { derivedEventId, formatPath } from "@icpstream/scoring";
import { exceedsJsonDepth } from "./json-depth.js";
import type { EventSink } from "./kafka-sender.js";
import { SIGNAL_TOPIC } from "./to-events.js";
import type { SinkTopicId } from "./kafka-sender.js";
import type { InputTopicId } from "./to-events.js";
import type { AuthResult } from "./vendor-auth.js";
import { verifyVendorAuth } from "./vendor-auth.js";

/**
 * `POST /v1/sources/{source}`: a vendor's own payload (a HubSpot webhook batch, a Segment
 * message, a TheirStack job…) through the source's mapping (`@icpstream/imports`'
 * `parseSourceMapping`), authenticated by the vendor's own scheme before the body is parsed.
 *
 * Steps, each refusing with a reason the metrics count:
 * 1. the source is one the gateway loaded (404 `UNKNOWN_SOURCE`);
 * 2. the vendor's proof (`vendor-auth.ts`): 401 `UNAUTHENTICATED`, `BAD_SIGNATURE`,
 *    `SIGNATURE_EXPIRED` (HubSpot's 5 minutes), `BAD_TOKEN`;
 * 3. nesting depth, UTF-8, JSON (422 / 400, as the other routes);
 * 4. for body signatures, which sign no time: a delivery whose every vendor event id was
 *    already stored within the replay TTL is refused, 409 `REPLAYED` (nothing is written);
 * 5. the mapping: per item `accepted`, `rejected` (with the reasons, as a rejects file names
 *    them), `parked` (its account known only by an id the index does not hold yet; kept on
 *    the parked topic and released when the account's profile arrives) or `ignored` (a
 *    payload type the mapping does not read);
 * 6. every accepted event validated with the contract and encoded before any is sent;
 *    then sent, and answered only once Kafka acknowledged (acks = all): 202 with per-item
 *    results. Nothing accepted and something rejected: 422 with the same results, nothing
 *    written. A broker failure: 503 (retry: the event ids are the vendor's, so a retry is
 *    the same events). The ids of the stored items go into the replay cache, and the
 *    profiles' and outcomes' ids into the id index.
 *
 * The response never half-writes without saying so: `results[i]` says what became of item i.
 */
export interface SourceRoutesOptions {
  sources: ReadonlyMap<string, { mapping: SourceMapping; secrets: readonly string[] }>;
  sink: EventSink;
  /** Signed deliveries already stored (body-signature schemes). */
  replay: { seen(source: string, ids: readonly string[]): Promise<boolean[]>; remember(source: string, ids: readonly string[]): Promise<void> };
  /** Ids in other systems → accounts; learns from what this route stores. */
  index: IdIndex & { record(entries: readonly { system: string; id: string; accountKey: string }[]): Promise<void> };
  /** Items whose account is not resolved yet go to the parked topic, sent with the request's other events (default true); false: they are rejected with `unresolved_account`. */
  park?: boolean | undefined;
  /** The base URL vendors call (`https://icp.example.com`), for signatures over the URI (HubSpot v3); default `http://<Host header>`. */
  publicUrl?: string | undefined;
  maxDepth: number;
  /** Items a payload may hold (the gateway's batch limit; HubSpot sends at most 100). */
  maxBatch: number;
  futureToleranceHours: number;
  now: () => Date;
  registry: Registry;
  /** The gateway's error type and refusal, so every route answers alike. */
  fail: (status: number, code: string, message: string, problems?: { index?: number; field: string; message: string; reason?: string }[]) => Error;
}

export interface SourceMetrics {
  refused: Counter<"source" | "reason">;
  items: Counter<"source" | "status">;
}

export function sourceMetrics(registry: Registry): SourceMetrics {
  return {
    refused: new Counter({ name: "source_requests_refused_total", help: "Requests to /v1/sources/{source} refused, by source and reason (UNAUTHENTICATED, BAD_SIGNATURE, SIGNATURE_EXPIRED, BAD_TOKEN, REPLAYED, …).", labelNames: ["source", "reason"], registers: [registry] }),
    items: new Counter({ name: "source_items_total", help: "Payload items by source and what became of them (accepted, rejected, parked, ignored).", labelNames: ["source", "status"], registers: [registry] }),
  };
}

export interface ItemReport {
  index: number;
  vendorEventId: string;
  status: "accepted" | "rejected" | "parked" | "ignored";
  eventIds?: string[];
  problems?: { field: string | undefined; reason: string; message: string }[];
}

const BODY_SIGNATURES = new Set(["hmac-sha1", "hmac-sha256"]);

/** The acknowledgement Salesforce expects for an outbound message it may stop retrying. */
export const SALESFORCE_ACK =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>';

export function familyTopic(record: MappedRecord): InputTopicId {
  if (record.family === "profiles") return "firmographic";
  if (record.family === "outcomes") return "outcome";
  return SIGNAL_TOPIC[record.signal.type];
}

/** A mapped record → the contract event (envelope filled in), or why not. */
export function recordEvent(record: MappedRecord, source: string, observedAt: string): Record<string, unknown> {
  const envelope = { source, observedAt, schemaVersion: 1 };
  if (record.family === "signals") return { ...record.signal, ...envelope, source: record.signal.source ?? source };
  if (record.family === "profiles") return { ...record.profile, type: "account_profile", eventId: record.eventId, occurredAt: record.occurredAt, ...envelope };
  return { ...record.outcome, eventId: record.eventId, ...envelope };
}

const problemsOf = (issues: readonly ImportIssue[]) => issues.map((i) => ({ field: i.column, reason: i.reason, message: i.message }));

/**
 * A mapped item's records as contract events, each validated with the schema the services
 * decode with; a signal dated more than `futureToleranceHours` after `receivedAt` is a
 * problem (`future_dated`), as the timing service would dead-letter it. Pure: the gateway
 * encodes and sends the events, `icp sources test` prints them.
 */
export function contractEvents(item: ItemResult, source: string, receivedAt: Date, futureToleranceHours: number): { events: { topic: InputTopicId; event: Record<string, unknown> }[]; problems: { field: string | undefined; reason: string; message: string }[] } {
  const events: { topic: InputTopicId; event: Record<string, unknown> }[] = [];
  const problems: { field: string | undefined; reason: string; message: string }[] = [];
  const tolerance = futureToleranceHours * 3_600_000;
  for (const record of item.records) {
    const topic = familyTopic(record);
    const parsed = TOPICS[topic].schema.safeParse(recordEvent(record, source, receivedAt.toISOString()));
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((i) => ({ field: formatPath(i.path), reason: "invalid_field", message: i.message })));
      continue;
    }
    const event = parsed.data as Record<string, unknown>;
    if (record.family === "signals" && Date.parse(String(event.occurredAt)) - receivedAt.getTime() > tolerance) {
      problems.push({ field: "occurredAt", reason: "future_dated", message: `dated ${String(event.occurredAt)}, more than ${futureToleranceHours} hours after it was received` });
      continue;
    }
    events.push({ topic, event });
  }
  return { events, problems };
}

export function registerSourceRoutes(app: FastifyInstance, options: SourceRoutesOptions, receivedAtOf: (request: FastifyRequest) => Date): SourceMetrics {
  const metrics = sourceMetrics(options.registry);
  const refuse = (source: string, status: number, code: string, message: string): Error => {
    metrics.refused.inc({ source, reason: code });
    return options.fail(status, code, message);
  };

  const sourceOf = (request: FastifyRequest) => {
    const name = (request.params as { source?: string }).source ?? "";
    const entry = options.sources.get(name);
    if (!entry) throw refuse("(unknown)", 404, "UNKNOWN_SOURCE", `no source "${name.slice(0, 64)}" is configured (configured: ${[...options.sources.keys()].join(", ") || "none"})`);
    return { name, ...entry };
  };
  const check = (request: FastifyRequest, body: Buffer): AuthResult & { ok: true } => {
    const { name, mapping, secrets } = sourceOf(request);
    if (!mapping.auth) throw refuse(name, 401, "UNAUTHENTICATED", "the source has no authentication configured");
    const base = options.publicUrl ?? `http://${request.headers.host ?? "localhost"}`;
    const result = verifyVendorAuth(mapping.auth, secrets, { method: request.method, url: `${base.replace(/\/$/, "")}${request.url}`, headers: request.headers, body }, options.now());
    if (!result.ok) throw refuse(name, 401, result.code, result.message);
    return result;
  };

  // Bearer and basic credentials are in the headers: refused before the body is read.
  app.addHook("onRequest", async (request) => {
    if (!request.url.startsWith("/v1/sources/")) return;
    const name = decodeURIComponent(request.url.slice("/v1/sources/".length).split(/[/?]/)[0] ?? "");
    const entry = options.sources.get(name);
    if (!entry) throw refuse("(unknown)", 404, "UNKNOWN_SOURCE", `no source "${name.slice(0, 64)}" is configured`);
    if (entry.mapping.auth?.scheme === "bearer" || entry.mapping.auth?.scheme === "basic") {
      const result = verifyVendorAuth(entry.mapping.auth, entry.secrets, { method: request.method, url: request.url, headers: request.headers, body: Buffer.alloc(0) }, options.now());
      if (!result.ok) throw refuse(name, 401, result.code, result.message);
    }
  });

  app.post("/v1/sources/:source", async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = request.body;
    if (!Buffer.isBuffer(raw)) throw options.fail(415, "UNSUPPORTED_MEDIA_TYPE", "send Content-Type: application/json");
    const { name, mapping, secrets } = sourceOf(request);
    const xml = mapping.format === "xml";
    // Body signatures first; the Salesforce organization id is inside the envelope, checked once it is read.
    let auth = mapping.auth?.scheme === "salesforce-org" ? undefined : check(request, raw);
    const receivedAt = receivedAtOf(request);
    const tooDeep = xml ? undefined : exceedsJsonDepth(raw, options.maxDepth);
    if (tooDeep !== undefined) throw options.fail(422, "NESTED_TOO_DEEP", `the body nests objects and arrays deeper than ${options.maxDepth} levels (at byte ${tooDeep})`);
    let payload: unknown;
    try {
      const text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
      payload = xml ? parseXmlPayload(text, mapping.xmlArrays) : JSON.parse(text);
    } catch (error) {
      throw options.fail(400, xml ? "MALFORMED_XML" : "MALFORMED_JSON", `the body is not UTF-8 ${xml ? "XML" : "JSON"}: ${(error as Error).message}`);
    }
    if (!auth && mapping.auth) {
      const result = verifyVendorAuth(mapping.auth, secrets, { method: request.method, url: request.url, headers: request.headers, body: raw, payload }, options.now());
      if (!result.ok) throw refuse(name, 401, result.code, result.message);
      auth = result;
    }
    if (!auth) throw refuse(name, 401, "UNAUTHENTICATED", "the source has no authentication configured");
    const defaultOccurredAt = (auth.signedAt ?? receivedAt).toISOString();
    const mapped = await mapPayload(mapping, payload, { defaultOccurredAt, index: options.index, label: `${name} request` });
    if (mapped.problem !== undefined) throw options.fail(422, "INVALID_BATCH", mapped.problem);
    if (mapped.items.length === 0) throw options.fail(422, "INVALID_BATCH", "the payload holds no items");
    if (mapped.items.length > options.maxBatch) throw options.fail(413, "BATCH_TOO_LARGE", `a payload holds at most ${options.maxBatch} items, got ${mapped.items.length}`);

    // Signed bodies carry no time: a delivery already stored is refused, by its vendor event ids.
    const replayable = mapping.auth !== undefined && BODY_SIGNATURES.has(mapping.auth.scheme) && auth.signed;
    if (replayable) {
      const seen = await options.replay.seen(name, mapped.items.map((i) => i.vendorEventId));
      if (seen.every(Boolean)) throw refuse(name, 409, "REPLAYED", `every event of this delivery (${mapped.items.map((i) => i.vendorEventId).slice(0, 5).join(", ")}) was already received and stored; nothing was written`);
    }

    // Every accepted record validated with the contract and encoded before anything is sent.
    const observedAt = receivedAt.toISOString();
    const reports: ItemReport[] = [];
    const byTopic = new Map<SinkTopicId, EncodedRecord[]>();
    const add = (topic: SinkTopicId, record: EncodedRecord) => {
      const list = byTopic.get(topic);
      if (list) list.push(record);
      else byTopic.set(topic, [record]);
    };
    const stored: { item: ItemResult; events: Record<string, unknown>[] }[] = [];
    const parked: string[] = [];
    for (const item of mapped.items) {
      if (item.status === "ignored") {
        reports.push({ index: item.index, vendorEventId: item.vendorEventId, status: "ignored", problems: [{ field: undefined, reason: "no_rule", message: `no rule of ${mapping.file} reads this item` }] });
        continue;
      }
      if (item.status === "unresolved") {
        const first = item.unresolved[0];
        if (options.park !== false && first) {
          const event = { type: "parked_item", eventId: `park:${derivedEventId({ source: name, vendorEventId: item.vendorEventId })}`, parkKey: `${first.system}:${first.id}`, occurredAt: observedAt, observedAt, source: name, schemaVersion: 1, vendorEventId: item.vendorEventId, ids: item.unresolved, item: JSON.stringify(item.item), defaultOccurredAt };
          add("parked", await options.sink.encode("parked", event));
          parked.push(item.vendorEventId);
          reports.push({ index: item.index, vendorEventId: item.vendorEventId, status: "parked", eventIds: [event.eventId], problems: item.unresolved.map((u) => ({ field: `accountIds.${u.system}`, reason: "unresolved_account", message: `${u.system} id ${u.id} is not linked to an account yet; kept and released when a profile (or an outcome) carrying it arrives` })) });
        } else {
          reports.push({ index: item.index, vendorEventId: item.vendorEventId, status: "rejected", problems: item.unresolved.map((u) => ({ field: `accountIds.${u.system}`, reason: "unresolved_account", message: `${u.system} id ${u.id} is not linked to an account` })) });
        }
        continue;
      }
      if (item.status === "rejected") {
        reports.push({ index: item.index, vendorEventId: item.vendorEventId, status: "rejected", problems: problemsOf(item.rejects) });
        continue;
      }
      const checked = contractEvents(item, name, receivedAt, options.futureToleranceHours);
      const problems = checked.problems;
      const encoded: { topic: InputTopicId; record: EncodedRecord }[] = [];
      const events: Record<string, unknown>[] = [];
      for (const { topic, event } of checked.events) {
        try {
          encoded.push({ topic, record: await options.sink.encode(topic, event) });
          events.push(event);
        } catch (error) {
          const c = classifyError(error);
          if (c.code !== "OVERSIZED") throw error;
          problems.push({ field: "(event)", reason: "event_too_large", message: c.message });
        }
      }
      if (problems.length > 0) {
        reports.push({ index: item.index, vendorEventId: item.vendorEventId, status: "rejected", problems });
        continue;
      }
      for (const { topic, record } of encoded) add(topic, record);
      stored.push({ item, events });
      reports.push({ index: item.index, vendorEventId: item.vendorEventId, status: "accepted", eventIds: events.map((e) => String(e.eventId)) });
    }

    const count = (status: ItemReport["status"]) => reports.filter((r) => r.status === status).length;
    const summary = { accepted: count("accepted"), rejected: count("rejected"), parked: count("parked"), ignored: count("ignored") };
    if (summary.accepted === 0 && summary.parked === 0 && summary.rejected > 0) {
      for (const r of reports) metrics.items.inc({ source: name, status: r.status });
      return reply.status(422).send({ error: "INVALID_EVENT", message: `no item of the payload could be stored (${summary.rejected} rejected); nothing was written`, ...summary, results: reports });
    }
    if (byTopic.size > 0) await options.sink.sendEncoded([...byTopic].map(([topic, records]) => ({ topic, records })));
    // Acknowledged: remember the deliveries and teach the index the ids they carry.
    if (replayable) await options.replay.remember(name, [...stored.map((s) => s.item.vendorEventId), ...parked]);
    const entries = stored.flatMap(({ item }) =>
      item.records.flatMap((r) =>
        r.family === "profiles" ? (r.profile.externalIds ?? []).map((e) => ({ ...e, accountKey: r.profile.accountKey })) : r.family === "outcomes" ? [{ system: "opportunity", id: r.outcome.opportunityId, accountKey: r.outcome.accountKey }] : [],
      ),
    );
    await options.index.record(entries);
    for (const r of reports) metrics.items.inc({ source: name, status: r.status });
    // Salesforce retries a message until it reads this acknowledgement (its outbound messaging WSDL's notificationsResponse).
    if (mapping.ack === "salesforce") return reply.status(200).header("content-type", "text/xml; charset=utf-8").header("x-icp-results", JSON.stringify(summary)).send(SALESFORCE_ACK);
    return reply.status(202).send({ ...summary, results: reports });
  });
  return metrics;
}
