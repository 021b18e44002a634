import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { TOPICS } from "@icpstream/contracts";
import { parseMapping } from "@icpstream/imports";
import { ingestFile } from "./file-ingest.js";
import type { InputTopicId } from "./to-events.js";

const EXAMPLES = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "examples");
const read = (name: string) => readFileSync(join(EXAMPLES, name), "utf8");

function recorder() {
  const sent: { topic: InputTopicId; events: unknown[] }[] = [];
  return { sent, send: async (topic: InputTopicId, events: unknown[]) => void sent.push({ topic, events }) };
}

describe("file ingest", () => {
  it("turns an accounts CSV into valid profile events on the firmographic topic", async () => {
    const { sent, send } = recorder();
    const result = await ingestFile({ text: read("accounts.csv"), fileName: "accounts.csv", format: "csv", type: "accounts", observedAt: "2026-10-20T00:00:00Z", send });
    expect(result.sent).toBeGreaterThan(0);
    expect(result.sent + result.rejected.length).toBeGreaterThanOrEqual(result.rows - result.rejected.length);
    for (const batch of sent) {
      expect(batch.topic).toBe("firmographic");
      for (const event of batch.events) expect(TOPICS.firmographic.schema.safeParse(event).success).toBe(true);
    }
  });

  it("turns a contacts CSV into contact events on the contacts topic, the same export twice into the same ids, a gmail-only row into a reject", async () => {
    const { sent, send } = recorder();
    const result = await ingestFile({ text: read("contacts.csv"), fileName: "contacts.csv", format: "csv", type: "contacts", observedAt: "2026-10-20T00:00:00Z", send });
    expect(result.sent).toBe(10);
    expect(result.rejected.map((r) => [r.line, r.reason])).toEqual([[12, "personal_email_domain"]]);
    for (const batch of sent) {
      expect(batch.topic).toBe("contacts");
      for (const event of batch.events) expect(TOPICS.contacts.schema.safeParse(event).success).toBe(true);
    }
    const again = recorder();
    await ingestFile({ text: read("contacts.csv"), fileName: "contacts.csv", format: "csv", type: "contacts", observedAt: "2026-10-21T00:00:00Z", send: again.send });
    expect(again.sent[0]?.events.map((e) => (e as { eventId: string }).eventId)).toEqual(sent[0]?.events.map((e) => (e as { eventId: string }).eventId));
  });

  it("reads an Apollo export through its mapping file", async () => {
    const { sent, send } = recorder();
    const mapping = parseMapping(read("mappings/apollo-accounts.yaml"), "apollo-accounts.yaml");
    const result = await ingestFile({ text: read("apollo-export.csv"), fileName: "apollo-export.csv", format: "csv", type: "accounts", mapping, source: "apollo", observedAt: "2026-10-20T00:00:00Z", send });
    expect(result.sent).toBeGreaterThan(0);
    expect((sent[0]!.events[0] as { source: string }).source).toBe("apollo");
  });

  it("routes each signal row to the topic of its type", async () => {
    const { sent, send } = recorder();
    const result = await ingestFile({ text: read("signals.csv"), fileName: "signals.csv", format: "csv", type: "signals", observedAt: "2026-10-20T00:00:00Z", send });
    expect(result.sent).toBeGreaterThan(0);
    for (const batch of sent) for (const event of batch.events) expect(TOPICS[batch.topic].schema.safeParse(event).success).toBe(true);
  });

  it("rejects a row with an invalid domain, naming the line and the reason, and sends the rest", async () => {
    const text = "domain,name\nhttps://www.Acme.com/about,Acme\nnot a domain,Broken\nglobex.com,Globex\n";
    const { sent, send } = recorder();
    const result = await ingestFile({ text, fileName: "mixed.csv", format: "csv", type: "accounts", observedAt: "2026-10-20T00:00:00Z", send });
    expect(result.sent).toBe(2);
    expect(sent.flatMap((b) => b.events).map((e) => (e as { accountKey: string }).accountKey)).toEqual(["acme.com", "globex.com"]);
    expect(result.rejected).toEqual([expect.objectContaining({ line: 3, message: expect.stringContaining("whitespace") })]);
  });

  it("with --type hiring rejects a funding row instead of sending it to the hiring topic", async () => {
    const text = "domain,type,occurred_at,title,round\nacme.com,job_posting,2026-10-01,Head of Outbound,\nacme.com,funding_round,2026-10-02,,series_b\n";
    const { sent, send } = recorder();
    const result = await ingestFile({ text, fileName: "feed.csv", format: "csv", type: "hiring", observedAt: "2026-10-20T00:00:00Z", send });
    expect(result.sent).toBe(1);
    expect(sent[0]!.topic).toBe("hiring");
    expect(result.rejected[0]!.message).toContain("funding_round");
  });

  it("gives the same profile the same event id when the same export is ingested twice", async () => {
    const a = recorder();
    const b = recorder();
    const text = "domain,name\nacme.com,Acme\n";
    await ingestFile({ text, fileName: "a.csv", format: "csv", type: "accounts", observedAt: "2026-10-20T00:00:00Z", send: a.send });
    await ingestFile({ text, fileName: "a.csv", format: "csv", type: "accounts", observedAt: "2026-10-21T00:00:00Z", send: b.send });
    expect((a.sent[0]!.events[0] as { eventId: string }).eventId).toBe((b.sent[0]!.events[0] as { eventId: string }).eventId);
  });

  it("rejects one oversized row by its line and sends every row after it (an oversized row no longer aborts the run)", async () => {
    const rows = Array.from({ length: 700 }, (_, i) => `c${i}.example,Company ${i}`);
    rows.splice(600, 0, `huge.example,${"x".repeat(300 * 1024)}`);
    const { sent, send } = recorder();
    const result = await ingestFile({ text: `domain,name\n${rows.join("\n")}\n`, fileName: "big.csv", format: "csv", type: "accounts", observedAt: "2026-10-20T00:00:00Z", send });
    expect(result.rows).toBe(701);
    expect(result.sent).toBe(700);
    expect(sent.flatMap((b) => b.events)).toHaveLength(700);
    expect(result.rejected).toEqual([expect.objectContaining({ line: 602, reason: "row_too_large" })]);
  });

  it("rejects an event larger than a Kafka message before sending anything of it", async () => {
    const { sent, send } = recorder();
    const result = await ingestFile({ text: `domain,name\nacme.com,Acme\nwide.com,${"w".repeat(2000)}\n`, fileName: "a.csv", format: "csv", type: "accounts", observedAt: "2026-10-20T00:00:00Z", send, maxEventBytes: 1500 });
    expect(result.sent).toBe(1);
    expect(sent.flatMap((b) => b.events).map((e) => (e as { accountKey: string }).accountKey)).toEqual(["acme.com"]);
    expect(result.rejected).toEqual([expect.objectContaining({ line: 3, reason: "event_too_large" })]);
  });

  it("keeps a row whose attribute is not understood, with a warning, instead of rejecting it", async () => {
    const { send } = recorder();
    const result = await ingestFile({ text: "domain,employee_count\nacme.com,fifty-ish\n", fileName: "a.csv", format: "csv", type: "accounts", observedAt: "2026-10-20T00:00:00Z", send });
    expect(result.sent).toBe(1);
    expect(result.warnings).toEqual([expect.objectContaining({ line: 2, column: "employee_count", value: "fifty-ish", reason: "not_understood" })]);
  });
});
