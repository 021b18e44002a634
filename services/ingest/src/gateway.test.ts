import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { TOPICS } from "@icpstream/contracts";
import type { AccountProfileEventV1, SignalEventV1 } from "@icpstream/contracts";
import { EventEncoder, InMemorySchemaRegistry, RegistryCodec } from "@icpstream/kafka-kit";
import type { EncodedRecord } from "@icpstream/kafka-kit";
import { createLogger, silentLogger } from "@icpstream/observability";
import { applyProfile, applySignal } from "@icpstream/pipeline";
import type { FitState } from "@icpstream/pipeline";
import { signWebhook } from "@icpstream/routing";
import { parseRubric } from "@icpstream/scoring";
import { buildGateway } from "./gateway.js";
import type { GatewayOptions } from "./gateway.js";
import type { EventSink, SinkTopicId } from "./kafka-sender.js";

const SECRET = "webhook-secret";
const API_KEY = "key-123";
const NOW = Date.parse("2026-10-20T10:00:00Z");
const surge = { type: "intent_topic_surge", domain: "https://www.Acme.com/about", occurredAt: "2026-10-20T09:00:00Z", topic: "Lead Scoring", score: 81, source: "bombora" };

/**
 * A sink that encodes as the real one does (contract, registry wire format, the broker's
 * message size) through an in-memory registry, and records what would have been sent,
 * decoded back so tests read events.
 */
function memorySink(options: { maxMessageBytes?: number; fail?: () => Error | undefined } = {}) {
  const codec = new RegistryCodec(new InMemorySchemaRegistry());
  const encoder = new EventEncoder(codec, options);
  const sent: { topic: SinkTopicId; events: Record<string, unknown>[] }[] = [];
  const sink: EventSink = {
    encode: (topic, event) => encoder.encode(TOPICS[topic], event as never),
    sendEncoded: async (batches) => {
      const failure = options.fail?.();
      if (failure) throw failure;
      for (const { topic, records } of batches) sent.push({ topic, events: await Promise.all(records.map((r: EncodedRecord) => codec.decode(TOPICS[topic], r.value, r.key) as Promise<Record<string, unknown>>)) });
    },
    maxMessageBytes: encoder.maxMessageBytes,
  };
  return { sink, sent };
}

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

function gateway(overrides: Partial<GatewayOptions> & { sinkOptions?: Parameters<typeof memorySink>[0] } = {}) {
  const { sinkOptions, ...rest } = overrides;
  const { sink, sent } = memorySink(sinkOptions);
  const clock = { now: NOW };
  const app = buildGateway({
    sink,
    apiKeys: [API_KEY],
    hmacSecrets: [SECRET],
    bodyLimitBytes: 4096,
    maxBatch: 3,
    defaultSource: "gateway",
    now: () => new Date(clock.now),
    logger: silentLogger(),
    ...rest,
  });
  apps.push(app);
  const post = (url: string, body: string, headers: Record<string, string>) => app.inject({ method: "POST", url, payload: body, headers: { "content-type": "application/json", ...headers } });
  return { app, sent, clock, post };
}
const signed = (body: string, at = NOW, secret = SECRET) => ({ "icp-signature": signWebhook({ secret, body, now: at }) });
const apiKey = { "x-api-key": API_KEY };

describe("the ingest gateway: who may send", () => {
  it("accepts a webhook signed as the router signs its own (t=…,v1=… over t.body) and sends it to the intent topic with a normalized account key", async () => {
    const { post, sent } = gateway();
    const body = JSON.stringify(surge);
    const response = await post("/v1/signals", body, signed(body));
    expect(response.statusCode).toBe(202);
    expect(sent).toEqual([{ topic: "intent", events: [expect.objectContaining({ accountKey: "acme.com", observedAt: "2026-10-20T10:00:00.000Z", schemaVersion: 1 })] }]);
  });

  it("accepts an API key instead of a signature", async () => {
    const { post } = gateway();
    expect((await post("/v1/signals", JSON.stringify(surge), apiKey)).statusCode).toBe(202);
  });

  it("a signal dated more than a day after it is received is refused with 422 future_dated, so it is never dead-lettered downstream", async () => {
    const { post, sent } = gateway();
    const ahead = await post("/v1/signals", JSON.stringify({ ...surge, occurredAt: "2062-10-20T09:00:00Z" }), apiKey);
    expect(ahead.statusCode).toBe(422);
    expect(ahead.json().problems).toEqual([expect.objectContaining({ field: "occurredAt", reason: "future_dated", message: expect.stringContaining("at most 24 hours ahead is accepted") })]);
    expect(sent).toEqual([]);
    expect((await post("/v1/signals", JSON.stringify({ ...surge, occurredAt: "2026-10-21T09:00:00Z" }), apiKey)).statusCode).toBe(202);
  });

  it("a captured signed request replayed after the tolerance window is refused with 401 SIGNATURE_EXPIRED, and nothing is sent", async () => {
    const { post, sent, clock } = gateway();
    const body = JSON.stringify(surge);
    const capture = signed(body);
    expect((await post("/v1/signals", body, capture)).statusCode).toBe(202);
    clock.now = NOW + 301_000;
    const replay = await post("/v1/signals", body, capture);
    expect(replay.statusCode).toBe(401);
    expect(replay.json()).toMatchObject({ error: "SIGNATURE_EXPIRED", message: expect.stringContaining("tolerance is 300 s") });
    expect(sent).toHaveLength(1);
  });

  it("a request signed too far in the future is refused as well, and the window is a setting", async () => {
    const body = JSON.stringify(surge);
    const { post } = gateway({ signatureToleranceSeconds: 60 });
    expect((await post("/v1/signals", body, signed(body, NOW + 61_000))).json()).toMatchObject({ error: "SIGNATURE_EXPIRED" });
    expect((await post("/v1/signals", body, signed(body, NOW - 59_000))).statusCode).toBe(202);
  });

  it("the old body-only x-icp-signature is refused with 401 UNTIMED_SIGNATURE, saying how to sign now", async () => {
    const { post, sent } = gateway();
    const response = await post("/v1/signals", JSON.stringify(surge), { "x-icp-signature": `sha256=${"0".repeat(64)}` });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: "UNTIMED_SIGNATURE", message: expect.stringContaining("icp-signature: t=<unix seconds>,v1=") });
    expect(sent).toEqual([]);
  });

  it("refuses a signature made with another secret, a body changed after signing, and a malformed header", async () => {
    const { post, sent } = gateway();
    const body = JSON.stringify(surge);
    expect((await post("/v1/signals", body, signed(body, NOW, "guessed"))).json()).toMatchObject({ error: "BAD_SIGNATURE" });
    expect((await post("/v1/signals", body.replace("81", "99"), signed(body))).json()).toMatchObject({ error: "BAD_SIGNATURE" });
    expect((await post("/v1/signals", body, { "icp-signature": "v1=abc" })).json()).toMatchObject({ error: "BAD_SIGNATURE" });
    expect(sent).toEqual([]);
  });

  it("refuses a request with no credentials, or a wrong API key, and closes the connection rather than read the body", async () => {
    const { post } = gateway();
    const none = await post("/v1/signals", JSON.stringify(surge), {});
    expect(none.statusCode).toBe(401);
    expect(none.headers.connection).toBe("close");
    expect((await post("/v1/signals", JSON.stringify(surge), { "x-api-key": "nope" })).json()).toMatchObject({ error: "BAD_API_KEY" });
  });
});

describe("the ingest gateway: a replayed event is the same event", () => {
  it("the same bytes are the same event: the event id depends neither on when it arrived nor on the defaults filled in", async () => {
    const { post, sent, clock } = gateway();
    const body = JSON.stringify({ type: "demo_request", domain: "acme.com", occurredAt: "2026-10-20T09:00:00Z" });
    await post("/v1/signals", body, apiKey);
    clock.now += 3_600_000;
    await post("/v1/signals", body, apiKey);
    const [first, second] = sent.map((s) => s.events[0]!);
    expect(first?.eventId).toBe(second?.eventId);
    expect(first?.observedAt).not.toBe(second?.observedAt);
  });

  it("a replayed profile sent without occurredAt never overwrites the newer profile the fit service holds", async () => {
    const rubric = parseRubric(readFileSync("rubrics/enterprise.yaml", "utf8"), "rubrics/enterprise.yaml");
    const { post, sent, clock } = gateway();
    const good = JSON.stringify({ domain: "replay.com", firmographics: { employeeCount: 800, industry: "Computer Software", country: "US" } });
    const tooSmall = JSON.stringify({ domain: "replay.com", firmographics: { employeeCount: 3, industry: "Computer Software" } });
    const capture = signed(good, NOW);
    expect((await post("/v1/profiles", good, capture)).statusCode).toBe(202);
    clock.now = NOW + 60_000;
    expect((await post("/v1/profiles", tooSmall, signed(tooSmall, clock.now))).statusCode).toBe(202);
    // Replayed inside the window, so accepted: but as the event it was, stamped when it was signed.
    clock.now = NOW + 120_000;
    expect((await post("/v1/profiles", good, capture)).statusCode).toBe(202);

    const profiles = sent.flatMap((s) => s.events) as AccountProfileEventV1[];
    expect(profiles.map((p) => p.occurredAt)).toEqual(["2026-10-20T10:00:00.000Z", "2026-10-20T10:01:00.000Z", "2026-10-20T10:00:00.000Z"]);
    expect(profiles[2]?.eventId).toBe(profiles[0]?.eventId);
    let state: FitState | undefined;
    const ignored: (string | undefined)[] = [];
    for (const profile of profiles) {
      const transition = applyProfile(state, profile, rubric);
      ignored.push(transition.ignored);
      state = transition.state;
    }
    expect(ignored).toEqual([undefined, undefined, "stale"]);
    expect(state?.profile?.eventId).toBe(profiles[1]?.eventId);
  });

  it("a profile sent with an API key and no occurredAt is stamped with its receive time", async () => {
    const { post, sent } = gateway();
    await post("/v1/profiles", JSON.stringify({ domain: "initech.com", name: "Initech", firmographics: { employeeCount: 250 } }), apiKey);
    expect(sent[0]).toMatchObject({ topic: "firmographic", events: [{ type: "account_profile", accountKey: "initech.com", source: "gateway", occurredAt: "2026-10-20T10:00:00.000Z" }] });
  });
});

describe("the ingest gateway: contacts", () => {
  it("a contact is stored on the contacts topic, keyed by its company's domain, stamped like a profile", async () => {
    const { post, sent } = gateway();
    const response = await post("/v1/contacts", JSON.stringify({ domain: "https://www.Initech.com", contactId: "hs-7", title: "VP Sales", budgetAuthority: true }), apiKey);
    expect(response.statusCode).toBe(202);
    expect(sent[0]).toMatchObject({ topic: "contacts", events: [{ type: "contact", accountKey: "initech.com", contactId: "hs-7", status: "active", engagements: [], occurredAt: "2026-10-20T10:00:00.000Z" }] });
  });

  it("refuses a contact known only by a personal mailbox domain, and one without an id, with the field and reason", async () => {
    const { post, sent } = gateway();
    const gmail = await post("/v1/contacts", JSON.stringify({ domain: "jane@gmail.com", contactId: "x" }), apiKey);
    expect(gmail.statusCode).toBe(422);
    expect(gmail.json()).toMatchObject({ problems: [{ field: "accountKey", reason: "personal_email_domain" }] });
    const noId = await post("/v1/contacts", JSON.stringify({ domain: "initech.com", title: "CFO" }), apiKey);
    expect(noId.statusCode).toBe(422);
    expect(noId.json()).toMatchObject({ error: "INVALID_EVENT", problems: [{ field: "contactId" }] });
    expect(sent).toEqual([]);
  });
});

describe("the ingest gateway: status codes that say whether to retry", () => {
  it("refuses a body over the size limit with 413", async () => {
    const { post } = gateway();
    const response = await post("/v1/signals", JSON.stringify({ ...surge, source: "x".repeat(5000) }), apiKey);
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: "BODY_TOO_LARGE" });
  });

  it("an event under the body limit but over the broker's message size once encoded is refused with 413 naming it, not 503", async () => {
    const { post, sent } = gateway({ sinkOptions: { maxMessageBytes: 600 } });
    const response = await post("/v1/signals", JSON.stringify({ ...surge, url: `https://acme.com/${"p".repeat(400)}`, type: "pricing_page_visit" }), apiKey);
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: "EVENT_TOO_LARGE", message: expect.stringMatching(/bytes once encoded; the broker takes at most 600/) });
    expect(sent).toEqual([]);
  });

  it("a batch over two topics whose second event can never be stored is refused whole: nothing is sent to either topic", async () => {
    const { post, sent } = gateway({ sinkOptions: { maxMessageBytes: 600 } });
    const posting = { type: "job_posting", domain: "globex.com", occurredAt: "2026-10-19T00:00:00Z", title: "RevOps Manager", postingId: "p".repeat(190), source: "s".repeat(90) };
    const response = await post("/v1/signals/batch", JSON.stringify({ events: [surge, posting] }), apiKey);
    expect(response.statusCode).toBe(413);
    expect(response.json().message).toMatch(/^events\[1\]\.\(event\): /);
    expect(sent).toEqual([]);
  });

  it("a body nested 100 000 levels deep is refused with 422, not a stack overflow behind a 503", async () => {
    const { post } = gateway({ bodyLimitBytes: 1_048_576 });
    const deep = `{"type":"demo_request","domain":"acme.com","occurredAt":"2026-10-20T09:00:00Z","x":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const response = await post("/v1/signals", deep, apiKey);
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ error: "NESTED_TOO_DEEP" });
  });

  it("a job posting with a 6000-character title, which the contract the consumers decode with accepts, is stored and the timing service can publish its score", async () => {
    const rubric = parseRubric(readFileSync("rubrics/enterprise.yaml", "utf8"), "rubrics/enterprise.yaml");
    const { post, sent } = gateway({ bodyLimitBytes: 65_536 });
    const response = await post("/v1/signals", JSON.stringify({ type: "job_posting", domain: "acme.com", occurredAt: "2026-10-20T09:00:00Z", title: "Head of RevOps ".repeat(400) }), apiKey);
    expect(response.statusCode).toBe(202);
    const event = sent[0]?.events[0] as SignalEventV1;
    for (const output of applySignal(undefined, event, rubric, NOW).outputs) expect(TOPICS.timingScored.schema.safeParse(output).success).toBe(true);
  });

  it("says which field is wrong with 422", async () => {
    const { post } = gateway();
    const response = await post("/v1/signals", JSON.stringify({ ...surge, score: 140 }), apiKey);
    expect(response.statusCode).toBe(422);
    expect(response.json().message).toMatch(/^score: .*100/);
  });

  it("rejects an invalid domain with the reason", async () => {
    const { post } = gateway();
    const response = await post("/v1/signals", JSON.stringify({ ...surge, domain: "localhost" }), apiKey);
    expect(response.statusCode).toBe(422);
    expect(response.json().message).toContain("no top-level domain");
  });

  it("names the reason a rejects file would give: a LinkedIn page is not an account (profile_url)", async () => {
    const { post, sent } = gateway();
    const response = await post("/v1/signals", JSON.stringify({ ...surge, domain: "https://www.linkedin.com/company/acme" }), apiKey);
    expect(response.statusCode).toBe(422);
    expect(response.json().problems).toEqual([expect.objectContaining({ field: "accountKey", reason: "profile_url", message: expect.stringContaining("LinkedIn page") })]);
    expect(sent).toEqual([]);
  });

  it("reads a signal type in vendor wording as files do (Pricing Page Visit)", async () => {
    const { post, sent } = gateway();
    const response = await post("/v1/signals", JSON.stringify({ type: "Pricing Page Visit", domain: "acme.com", occurredAt: "2026-10-20T09:00:00Z" }), apiKey);
    expect(response.statusCode).toBe(202);
    expect(sent[0]?.events[0]).toMatchObject({ type: "pricing_page_visit", accountKey: "acme.com" });
  });

  it("refuses a body that is not valid UTF-8 with 400 (invalid UTF-8 bytes in ids)", async () => {
    const { app, sent } = gateway();
    const body = Buffer.concat([Buffer.from('{"type":"demo_request","domain":"acme.com","occurredAt":"2026-10-20T09:00:00Z","eventId":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const response = await app.inject({ method: "POST", url: "/v1/signals", payload: body, headers: { "content-type": "application/json", "x-api-key": API_KEY } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe("INVALID_UTF8");
    expect(sent).toEqual([]);
  });

  it("refuses a NUL character in an event id with 422", async () => {
    const { post, sent } = gateway();
    const response = await post("/v1/signals", JSON.stringify({ type: "demo_request", domain: "acme.com", occurredAt: "2026-10-20T09:00:00Z", eventId: "evt\u0000injected" }), apiKey);
    expect(response.statusCode).toBe(422);
    expect(response.json().problems).toEqual([expect.objectContaining({ field: "eventId", reason: "invalid_field" })]);
    expect(sent).toEqual([]);
  });

  it("refuses malformed JSON with 400", async () => {
    const { post } = gateway();
    expect((await post("/v1/signals", "{", apiKey)).statusCode).toBe(400);
  });

  it("refuses a whole batch when one event is invalid, naming its index, and sends nothing", async () => {
    const { post, sent } = gateway();
    const response = await post("/v1/signals/batch", JSON.stringify({ events: [surge, { ...surge, type: "job_posting" }] }), apiKey);
    expect(response.statusCode).toBe(422);
    expect(response.json().message).toContain("events[1].title");
    expect(sent).toEqual([]);
  });

  it("sends a mixed batch to each event's topic", async () => {
    const { post, sent } = gateway();
    const posting = { type: "job_posting", domain: "globex.com", occurredAt: "2026-10-19T00:00:00Z", title: "RevOps Manager" };
    const response = await post("/v1/signals/batch", JSON.stringify({ events: [surge, posting] }), apiKey);
    expect(response.statusCode).toBe(202);
    expect(response.json().accepted).toBe(2);
    expect(sent.map((s) => s.topic).sort()).toEqual(["hiring", "intent"]);
  });

  it("refuses a batch larger than the limit", async () => {
    const { post } = gateway();
    expect((await post("/v1/signals/batch", JSON.stringify({ events: [surge, surge, surge, surge] }), apiKey)).statusCode).toBe(413);
  });

  it("answers 503 with Retry-After when the broker did not acknowledge, and 500 without it when a retry cannot help", async () => {
    let failure: Error | undefined = Object.assign(new Error("broker down"), { code: "BROKER_UNAVAILABLE", retryable: true });
    const { post } = gateway({ sinkOptions: { fail: () => failure } });
    const down = await post("/v1/signals", JSON.stringify(surge), apiKey);
    expect(down.statusCode).toBe(503);
    expect(down.headers["retry-after"]).toBe("5");
    failure = Object.assign(new Error("topic authorization failed"), { code: "BROKER_UNAVAILABLE", retryable: false });
    const refused = await post("/v1/signals", JSON.stringify(surge), apiKey);
    expect(refused.statusCode).toBe(500);
    expect(refused.headers["retry-after"]).toBeUndefined();
  });
});

describe("the ingest gateway: load", () => {
  it("past the bound on requests in flight a request gets 429 with Retry-After, and a slot frees when a request ends", async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const { sink } = memorySink();
    const app = buildGateway({
      sink: { ...sink, sendEncoded: async (batches) => { if (calls++ < 2) await held; return sink.sendEncoded(batches); } },
      apiKeys: [API_KEY], hmacSecrets: [], bodyLimitBytes: 4096, maxBatch: 3, maxInFlight: 2, defaultSource: "gateway", now: () => new Date(NOW), logger: silentLogger(),
    });
    apps.push(app);
    const post = () => app.inject({ method: "POST", url: "/v1/signals", payload: JSON.stringify(surge), headers: { "content-type": "application/json", ...apiKey } });
    const first = post();
    const second = post();
    while (calls < 2) await new Promise((resolve) => setImmediate(resolve));
    const third = await post();
    expect(third.statusCode).toBe(429);
    expect(third.headers["retry-after"]).toBe("1");
    release();
    expect([(await first).statusCode, (await second).statusCode]).toEqual([202, 202]);
    expect((await post()).statusCode).toBe(202);
  });

  it("every request leaves one access-log line with method, route, status, duration and client address", async () => {
    const lines: string[] = [];
    const logger = createLogger({ service: "ingest-gateway", level: "info", destination: { write: (line: string) => void lines.push(line) } });
    const { post } = gateway({ logger: logger as never });
    await post("/v1/signals", JSON.stringify(surge), apiKey);
    await post("/v1/signals/batch", JSON.stringify(surge), {});
    const access = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === "request");
    expect(access).toEqual([
      expect.objectContaining({ method: "POST", route: "/v1/signals", status: 202, durationMs: expect.any(Number), client: "127.0.0.1" }),
      expect.objectContaining({ method: "POST", route: "/v1/signals/batch", status: 401, client: "127.0.0.1" }),
    ]);
    expect(lines.join("")).not.toContain('"req":{}');
  });
});
