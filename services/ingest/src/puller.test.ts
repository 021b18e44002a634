import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { TOPICS } from "@icpstream/contracts";
import { EventEncoder, InMemorySchemaRegistry, RegistryCodec } from "@icpstream/kafka-kit";
import { parseSourceMapping } from "@icpstream/imports";
import type { EventSink, SinkTopicId } from "./kafka-sender.js";
import type { PullCursor } from "./puller.js";
import { pollOnce } from "./puller.js";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, "..", "..", "..");
const FIXTURES = join(ROOT, "packages", "imports", "fixtures", "sources");
const TOKEN = "g2-token";

type G2Event = { id: string; type: string; attributes: Record<string, unknown>; relationships: { company: { links: { related: string } } } };

/**
 * A local stand-in for G2's API serving the documented shapes (JSON:API pages of the remote
 * event stream, a company per event), on loopback: it pages by `page[number]`, filters by
 * `filter[start_time]`, and refuses a wrong token. Events can be added between polls.
 */
async function fakeG2() {
  const page = JSON.parse(readFileSync(join(FIXTURES, "g2-buyer-intent-remote-event-stream.json"), "utf8")) as { data: G2Event[] };
  const company = readFileSync(join(FIXTURES, "g2-buyer-intent-company.json"), "utf8");
  const events: G2Event[] = [...page.data];
  const requests: string[] = [];
  let base = "";
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", base);
    requests.push(url.pathname + url.search);
    if (req.headers.authorization !== `Token token=${TOKEN}`) {
      res.writeHead(401, { "content-type": "application/json" }).end('{"errors":[{"status":"401"}]}');
      return;
    }
    if (url.pathname.endsWith("/company")) {
      res.writeHead(200, { "content-type": "application/vnd.api+json" }).end(company);
      return;
    }
    const start = Date.parse(url.searchParams.get("filter[start_time]") ?? "1970-01-01T00:00:00Z");
    const size = 1;
    const number = Number(url.searchParams.get("page[number]") ?? "1");
    const matching = events.filter((e) => Date.parse(String(e.attributes.time)) >= start).sort((a, b) => Date.parse(String(a.attributes.time)) - Date.parse(String(b.attributes.time)));
    const data = matching.slice((number - 1) * size, number * size).map((e) => ({ ...e, relationships: { company: { links: { related: `${base}/api/v1/ahoy/remote-event-streams/${e.id}/company` } } } }));
    const next = number * size < matching.length ? `${base}/api/v1/ahoy/remote-event-streams?page%5Bnumber%5D=${number + 1}&filter%5Bstart_time%5D=${encodeURIComponent(url.searchParams.get("filter[start_time]") ?? "")}` : undefined;
    res.writeHead(200, { "content-type": "application/vnd.api+json" }).end(JSON.stringify({ data, links: { self: url.href, ...(next ? { next } : {}) }, meta: { record_count: matching.length } }));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, events, requests, close: () => new Promise<void>((done) => server.close(() => done())) };
}

function memorySink() {
  const codec = new RegistryCodec(new InMemorySchemaRegistry());
  const encoder = new EventEncoder(codec);
  const sent: { topic: SinkTopicId; events: Record<string, unknown>[] }[] = [];
  const sink: EventSink = {
    encode: (topic, event) => encoder.encode(TOPICS[topic], event as never),
    sendEncoded: async (batches) => {
      for (const { topic, records } of batches) sent.push({ topic, events: await Promise.all(records.map((r) => codec.decode(TOPICS[topic], r.value, r.key) as Promise<Record<string, unknown>>)) });
    },
    maxMessageBytes: encoder.maxMessageBytes,
  };
  return { sink, sent };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function setup() {
  const server = await fakeG2();
  closers.push(server.close);
  const text = readFileSync(join(ROOT, "examples", "sources", "g2.yaml"), "utf8").replace("https://data.g2.com", server.base);
  const mapping = parseSourceMapping(text, "g2.yaml");
  const cursors = new Map<string, PullCursor>();
  const { sink, sent } = memorySink();
  const ports = {
    fetchJson: async (url: string, headers: Record<string, string>) => {
      const response = await fetch(url, { headers });
      if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
      return response.json() as Promise<unknown>;
    },
    token: TOKEN,
    cursors: { get: async (s: string) => cursors.get(s), set: async (s: string, c: PullCursor) => void cursors.set(s, c) },
    sink,
    index: { lookup: () => undefined },
    now: () => new Date("2026-11-21T00:00:00Z"),
    futureToleranceHours: 24,
    log: () => undefined,
  };
  return { server, mapping, cursors, sent, ports };
}

describe("the G2 Buyer Intent puller, against a local fake G2", () => {
  it("reads every page, follows each event to its company's domain and stores the cursor once Kafka has the events", async () => {
    const { mapping, sent, cursors, ports, server } = await setup();
    const report = await pollOnce(mapping, ports);
    expect(report).toMatchObject({ pages: 2, accepted: 2, parked: 0, rejected: 0, cursor: "2026-11-19T16:47:51Z" });
    const events = sent.flatMap((s) => s.events);
    expect(events).toEqual([
      expect.objectContaining({ type: "category_research", accountKey: "quillfeather.example", category: "Best Fleet Management Software", activity: "category_page", source: "g2", occurredAt: "2026-11-19T16:42:07Z" }),
      expect.objectContaining({ type: "category_research", accountKey: "quillfeather.example", activity: "comparison", occurredAt: "2026-11-19T16:47:51Z" }),
    ]);
    expect(cursors.get("g2")).toEqual({ value: "2026-11-19T16:47:51Z", ids: ["a90c4e27-1b5d-4a83-8e6f-3c2d1b0a9f87"] });
    expect(server.requests[0]).toContain("filter%5Bstart_time%5D=2026-01-01T00%3A00%3A00Z");
  });

  it("resumes from its cursor: nothing twice, a late event once", async () => {
    const { mapping, sent, ports, server } = await setup();
    await pollOnce(mapping, ports);
    const again = await pollOnce(mapping, ports);
    expect(again).toMatchObject({ accepted: 0, skipped: 1 });
    expect(server.requests.at(-1)).toContain("filter%5Bstart_time%5D=2026-11-19T16%3A47%3A51Z");
    const template = server.events[1] as G2Event;
    server.events.push({ ...template, id: "c4f1e2d3-0000-4000-8000-000000000001", attributes: { ...template.attributes, tag: "products.pricing", time: "2026-11-20T08:00:00Z" } });
    const third = await pollOnce(mapping, ports);
    expect(third).toMatchObject({ accepted: 1, skipped: 1 });
    const ids = sent.flatMap((s) => s.events.map((e) => e.eventId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(sent.at(-1)?.events[0]).toMatchObject({ activity: "pricing", occurredAt: "2026-11-20T08:00:00Z" });
  });

  it("a refused token ends the poll with the reason, the cursor unmoved", async () => {
    const { mapping, cursors, ports } = await setup();
    await expect(pollOnce(mapping, { ...ports, token: "wrong" })).rejects.toThrow(/401/);
    expect(cursors.get("g2")).toBeUndefined();
  });
});

/**
 * A local stand-in for Crunchbase's v4 API in its documented shapes: `POST
 * /api/v4/searches/funding_rounds` answers the rounds updated at or after the query's
 * `updated_at` value, oldest first, and `GET /api/v4/entities/organizations/{permalink}`
 * the organization's website. A round can be corrected later (a new `updated_at`).
 */
async function fakeCrunchbase() {
  const search = JSON.parse(readFileSync(join(FIXTURES, "crunchbase-funding-rounds-search.json"), "utf8")) as { entities: { uuid: string; properties: Record<string, unknown> }[] };
  const rounds = [...search.entities];
  const websites: Record<string, string> = { "quillfeather-logistics": "https://www.quillfeather.example", brambleworks: "https://brambleworks.example/" };
  const bodies: unknown[] = [];
  const server: Server = createServer((req, res) => {
    if (req.headers["x-cb-user-key"] !== "cb-key") {
      res.writeHead(401).end();
      return;
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method === "GET" && url.pathname.startsWith("/api/v4/entities/organizations/")) {
      const permalink = url.pathname.split("/").at(-1) ?? "";
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ properties: { identifier: { permalink }, website_url: websites[permalink] } }));
      return;
    }
    let text = "";
    req.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    req.on("end", () => {
      const query = JSON.parse(text) as { query: { field_id: string; values: string[] }[]; limit: number };
      bodies.push(query);
      const since = Date.parse(query.query.find((q) => q.field_id === "updated_at")?.values[0] ?? "");
      const entities = rounds.filter((r) => Date.parse(String(r.properties.updated_at)) >= since).sort((a, b) => Date.parse(String(a.properties.updated_at)) - Date.parse(String(b.properties.updated_at)));
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ count: entities.length, entities: entities.slice(0, query.limit) }));
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, rounds, bodies, close: () => new Promise<void>((done) => server.close(() => done())) };
}

describe("the Crunchbase funding-round puller, against a local fake Crunchbase", () => {
  it("pulls rounds by update time, dated when announced, keyed by the funded organization's website; a round corrected later is read again as the same event (consumers keep the one they have)", async () => {
    const server = await fakeCrunchbase();
    closers.push(server.close);
    const mapping = parseSourceMapping(readFileSync(join(ROOT, "examples", "sources", "crunchbase.yaml"), "utf8").replaceAll("https://api.crunchbase.com", server.base), "crunchbase.yaml");
    const cursors = new Map<string, PullCursor>();
    const { sink, sent } = memorySink();
    const ports = {
      fetchJson: async (url: string, headers: Record<string, string>, body?: string) => {
        const response = await fetch(url, { method: body === undefined ? "GET" : "POST", headers, ...(body === undefined ? {} : { body }) });
        if (!response.ok) throw new Error(`${url}: ${response.status}`);
        return response.json() as Promise<unknown>;
      },
      token: "cb-key",
      cursors: { get: async (s: string) => cursors.get(s), set: async (s: string, c: PullCursor) => void cursors.set(s, c) },
      sink,
      index: { lookup: () => undefined },
      now: () => new Date("2026-11-21T00:00:00Z"),
      futureToleranceHours: 24,
      log: () => undefined,
    };
    const first = await pollOnce(mapping, ports);
    expect(first).toMatchObject({ accepted: 2, cursor: "2026-11-14T10:00:00Z" });
    expect(sent.flatMap((s) => s.events)).toEqual([
      expect.objectContaining({ type: "funding_round", accountKey: "quillfeather.example", round: "series_b", amountUsd: 40_000_000, leadInvestor: "Harbor Lane Ventures", occurredAt: "2026-11-12T00:00:00Z", source: "crunchbase" }),
      expect.objectContaining({ type: "funding_round", accountKey: "brambleworks.example", round: "seed", amountUsd: 3_240_000 }),
    ]);
    expect((server.bodies[0] as { query: { values: string[] }[] }).query[0]?.values).toEqual(["2026-01-01T00:00:00Z"]);
    expect(await pollOnce(mapping, ports)).toMatchObject({ accepted: 0, skipped: 1 });
    // Crunchbase corrects the Series B's amount a week later: read again, the same event id.
    const seriesB = server.rounds[0] as { properties: Record<string, unknown> };
    seriesB.properties = { ...seriesB.properties, money_raised: { value: 42_000_000, currency: "USD", value_usd: 42_000_000 }, updated_at: "2026-11-20T09:00:00Z" };
    expect(await pollOnce(mapping, ports)).toMatchObject({ accepted: 1 });
    const ids = sent.flatMap((s) => s.events.filter((e) => e.accountKey === "quillfeather.example").map((e) => e.eventId));
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(ids[1]);
  });
});
