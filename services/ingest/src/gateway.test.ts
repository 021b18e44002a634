import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { pino } from "pino";
import { buildGateway } from "./gateway.js";
import type { InputTopicId } from "./to-events.js";

const SECRET = "webhook-secret";
const API_KEY = "key-123";
const surge = { type: "intent_topic_surge", domain: "https://www.Acme.com/about", occurredAt: "2026-10-20T09:00:00Z", topic: "Lead Scoring", score: 81, source: "bombora" };

function gateway(send: (topic: InputTopicId, events: unknown[]) => Promise<void> = async () => undefined) {
  const sent: { topic: InputTopicId; events: unknown[] }[] = [];
  const app = buildGateway({
    send: async (topic, events) => {
      await send(topic, events);
      sent.push({ topic, events });
    },
    apiKeys: [API_KEY],
    hmacSecrets: [SECRET],
    bodyLimitBytes: 2048,
    maxBatch: 3,
    defaultSource: "gateway",
    now: () => new Date("2026-10-20T10:00:00Z"),
    logger: pino({ enabled: false }),
  });
  return { app, sent };
}
const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});
function post(app: ReturnType<typeof gateway>["app"], url: string, body: string, headers: Record<string, string>) {
  apps.push(app);
  return app.inject({ method: "POST", url, payload: body, headers: { "content-type": "application/json", ...headers } });
}
const sign = (body: string, secret = SECRET) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

describe("the ingest gateway", () => {
  it("accepts a signed intent webhook and sends it to the intent topic with a normalized account key", async () => {
    const { app, sent } = gateway();
    const body = JSON.stringify(surge);
    const response = await post(app, "/v1/signals", body, { "x-icp-signature": sign(body) });
    expect(response.statusCode).toBe(202);
    expect(sent).toEqual([{ topic: "intent", events: [expect.objectContaining({ accountKey: "acme.com", observedAt: "2026-10-20T10:00:00.000Z", schemaVersion: 1 })] }]);
  });

  it("accepts an API key instead of a signature", async () => {
    const { app } = gateway();
    expect((await post(app, "/v1/signals", JSON.stringify(surge), { "x-api-key": API_KEY })).statusCode).toBe(202);
  });

  it("refuses a signature made with another secret, and sends nothing", async () => {
    const { app, sent } = gateway();
    const body = JSON.stringify(surge);
    const response = await post(app, "/v1/signals", body, { "x-icp-signature": sign(body, "guessed") });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: "BAD_SIGNATURE" });
    expect(sent).toEqual([]);
  });

  it("refuses a body that was changed after signing", async () => {
    const { app } = gateway();
    const body = JSON.stringify(surge);
    const response = await post(app, "/v1/signals", body.replace("81", "99"), { "x-icp-signature": sign(body) });
    expect(response.statusCode).toBe(401);
  });

  it("refuses a request with no credentials", async () => {
    const { app } = gateway();
    expect((await post(app, "/v1/signals", JSON.stringify(surge), {})).statusCode).toBe(401);
  });

  it("refuses a body over the size limit with 413", async () => {
    const { app } = gateway();
    const body = JSON.stringify({ ...surge, topic: "x".repeat(4000) });
    const response = await post(app, "/v1/signals", body, { "x-api-key": API_KEY });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: "BODY_TOO_LARGE" });
  });

  it("says which field is wrong with 422", async () => {
    const { app } = gateway();
    const response = await post(app, "/v1/signals", JSON.stringify({ ...surge, score: 140 }), { "x-api-key": API_KEY });
    expect(response.statusCode).toBe(422);
    expect(response.json().message).toMatch(/^score: .*100/);
  });

  it("rejects an invalid domain with the reason", async () => {
    const { app } = gateway();
    const response = await post(app, "/v1/signals", JSON.stringify({ ...surge, domain: "localhost" }), { "x-api-key": API_KEY });
    expect(response.statusCode).toBe(422);
    expect(response.json().message).toContain("no top-level domain");
  });

  it("names the reason a rejects file would give: a LinkedIn page is not an account (profile_url)", async () => {
    const { app, sent } = gateway();
    const response = await post(app, "/v1/signals", JSON.stringify({ ...surge, domain: "https://www.linkedin.com/company/acme" }), { "x-api-key": API_KEY });
    expect(response.statusCode).toBe(422);
    expect(response.json().problems).toEqual([expect.objectContaining({ field: "accountKey", reason: "profile_url", message: expect.stringContaining("LinkedIn page") })]);
    expect(sent).toEqual([]);
  });

  it("reads a signal type in vendor wording as files do (Pricing Page Visit)", async () => {
    const { app, sent } = gateway();
    const response = await post(app, "/v1/signals", JSON.stringify({ type: "Pricing Page Visit", domain: "acme.com", occurredAt: "2026-10-20T09:00:00Z" }), { "x-api-key": API_KEY });
    expect(response.statusCode).toBe(202);
    expect(sent[0]?.events[0]).toMatchObject({ type: "pricing_page_visit", accountKey: "acme.com" });
  });

  it("refuses a body that is not valid UTF-8 with 400 (invalid UTF-8 bytes in ids)", async () => {
    const { app, sent } = gateway();
    apps.push(app);
    const body = Buffer.concat([Buffer.from('{"type":"demo_request","domain":"acme.com","occurredAt":"2026-10-20T09:00:00Z","eventId":"a'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const response = await app.inject({ method: "POST", url: "/v1/signals", payload: body, headers: { "content-type": "application/json", "x-api-key": API_KEY } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe("INVALID_UTF8");
    expect(sent).toEqual([]);
  });

  it("refuses a NUL character in an event id with 422", async () => {
    const { app, sent } = gateway();
    const response = await post(app, "/v1/signals", JSON.stringify({ type: "demo_request", domain: "acme.com", occurredAt: "2026-10-20T09:00:00Z", eventId: "evt\u0000injected" }), { "x-api-key": API_KEY });
    expect(response.statusCode).toBe(422);
    expect(response.json().problems).toEqual([expect.objectContaining({ field: "eventId", reason: "invalid_field" })]);
    expect(sent).toEqual([]);
  });

  it("refuses malformed JSON with 400", async () => {
    const { app } = gateway();
    expect((await post(app, "/v1/signals", "{", { "x-api-key": API_KEY })).statusCode).toBe(400);
  });

  it("refuses a whole batch when one event is invalid, naming its index, and sends nothing", async () => {
    const { app, sent } = gateway();
    const body = JSON.stringify({ events: [surge, { ...surge, type: "job_posting" }] });
    const response = await post(app, "/v1/signals/batch", body, { "x-api-key": API_KEY });
    expect(response.statusCode).toBe(422);
    expect(response.json().message).toContain("events[1].title");
    expect(sent).toEqual([]);
  });

  it("sends a mixed batch to each event's topic", async () => {
    const { app, sent } = gateway();
    const posting = { type: "job_posting", domain: "globex.com", occurredAt: "2026-10-19T00:00:00Z", title: "RevOps Manager" };
    const response = await post(app, "/v1/signals/batch", JSON.stringify({ events: [surge, posting] }), { "x-api-key": API_KEY });
    expect(response.statusCode).toBe(202);
    expect(response.json().accepted).toBe(2);
    expect(sent.map((s) => s.topic).sort()).toEqual(["hiring", "intent"]);
  });

  it("refuses a batch larger than the limit", async () => {
    const { app } = gateway();
    const response = await post(app, "/v1/signals/batch", JSON.stringify({ events: [surge, surge, surge, surge] }), { "x-api-key": API_KEY });
    expect(response.statusCode).toBe(413);
  });

  it("answers 503 and not 2xx when the broker did not acknowledge", async () => {
    const { app } = gateway(async () => {
      throw Object.assign(new Error("broker down"), { code: "BROKER_UNAVAILABLE", retryable: true });
    });
    const response = await post(app, "/v1/signals", JSON.stringify(surge), { "x-api-key": API_KEY });
    expect(response.statusCode).toBe(503);
  });

  it("gives a retried webhook without an event id the same event id", async () => {
    const { app, sent } = gateway();
    const body = JSON.stringify(surge);
    await post(app, "/v1/signals", body, { "x-api-key": API_KEY });
    await post(app, "/v1/signals", body, { "x-api-key": API_KEY });
    const ids = sent.map((s) => (s.events[0] as { eventId: string }).eventId);
    expect(ids[0]).toBe(ids[1]);
  });

  it("accepts an account profile and fills the envelope", async () => {
    const { app, sent } = gateway();
    const response = await post(app, "/v1/profiles", JSON.stringify({ domain: "initech.com", name: "Initech", firmographics: { employeeCount: 250 } }), { "x-api-key": API_KEY });
    expect(response.statusCode).toBe(202);
    expect(sent[0]).toMatchObject({ topic: "firmographic", events: [{ type: "account_profile", accountKey: "initech.com", source: "gateway" }] });
  });
});
