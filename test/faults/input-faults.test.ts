import { describe, expect } from "vitest";
import { confluentRegistry, encodeWire, RegistryCodec } from "@icpstream/kafka-kit";
import { seededRandom } from "@icpstream/ingest";
import { stackTest as test } from "@icpstream/testkit";
import { faultFeed, FaultRun } from "./support/fault-run.js";

/**
 * SPEC §4.2 and §4.4 under bad input: a burst of poison messages on every input topic is
 * dead-lettered, each once, while the good events around it end where the batch recompute
 * ends; event ids delivered again (a retrying producer, a replayed export) change nothing.
 */

describe("bad and repeated input mid-stream changes nothing downstream", () => {
  test("a burst of 400 poison messages on every input topic after 20% progress: each is dead-lettered once with a reason, every good event is applied, the end state equals the batch recompute", async ({ stack, onTestFailed }) => {
    const run = await FaultRun.start(stack, { feed: faultFeed(21), chunks: 12, onFailed: onTestFailed });
    const { catalog } = run.pipeline;
    const ids = await new RegistryCodec(confluentRegistry({ url: stack.settings.SCHEMA_REGISTRY_URL }), { mode: "register" }).prepare(catalog);
    const inputs = [catalog.firmographic, catalog.hiring, catalog.funding, catalog.intent];
    const accounts = run.feed.profiles.map((p) => p.accountKey);
    const random = seededRandom(2_121);
    const sample = run.feed.signals[0]?.event;
    // Every way a message can be beyond use: no wire header, an unknown schema, not JSON, not the contract, the wrong key.
    const poison = (schemaId: number, account: string): { kind: string; value: Buffer; key: string } => {
      const kinds = [
        { kind: "no wire header", value: Buffer.from(JSON.stringify({ type: "hiring_spike", accountKey: account })), key: account },
        { kind: "unknown schema id", value: encodeWire(987_654, Buffer.from("{}")), key: account },
        { kind: "not JSON", value: encodeWire(schemaId, Buffer.from("{ this is not json")), key: account },
        { kind: "contract violation", value: encodeWire(schemaId, Buffer.from(JSON.stringify({ type: "hiring_spike", accountKey: account, eventId: "x" }))), key: account },
        { kind: "key mismatch", value: encodeWire(schemaId, Buffer.from(JSON.stringify({ ...sample, eventId: `poison-${random().toString(36).slice(2)}` }))), key: account },
        { kind: "random bytes", value: Buffer.from(Array.from({ length: 64 }, () => Math.floor(random() * 256))), key: account },
      ];
      return kinds[Math.floor(random() * kinds.length)] as { kind: string; value: Buffer; key: string };
    };

    const progress = await run.untilProgress(0.2);
    const producer = stack.kafka.producer();
    await producer.connect();
    stack.onCleanup(() => producer.disconnect());
    const kinds = new Map<string, number>();
    await run.inject("400 poison messages", ["fit", "timing"], async () => {
      for (const spec of inputs) {
        const messages = Array.from({ length: 100 }, () => poison(ids.get(spec.subject) as number, accounts[Math.floor(random() * accounts.length)] as string));
        for (const m of messages) kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1);
        await producer.send({ topic: spec.topic, acks: -1, messages: messages.map((m) => ({ key: m.key, value: m.value })) });
        run.poisonSent += messages.length;
      }
    }, progress);
    const { problems } = await run.finish("poison burst (400 messages)", { note: [...kinds].map(([k, n]) => `${n} ${k}`).join(", ") });
    expect(problems).toEqual([]);
  });

  test("a fifth of the feed delivered a second time (same event ids) after 20% progress, some of it out of order: no second tier change, the end state equals the batch recompute", async ({ stack, onTestFailed }) => {
    const feed = faultFeed(22);
    const run = await FaultRun.start(stack, { feed, chunks: 12, onFailed: onTestFailed });
    const random = seededRandom(2_222);
    const pick = <T>(list: readonly T[]) => list.filter(() => random() < 0.2);
    const progress = await run.untilProgress(0.2);
    let resent = 0;
    await run.inject("a fifth of the feed again", ["fit", "timing", "combiner"], async () => {
      // Whatever was sent so far, and (later) events that have not come yet: both orders.
      const again = { profiles: pick(feed.profiles), signals: pick(feed.signals) };
      resent = again.profiles.length + again.signals.length;
      await run.pipeline.send(again);
      run.extraSent += resent;
    }, progress);
    const { row, problems } = await run.finish("duplicate event ids (a fifth of the feed again)", { note: `${resent} events delivered twice` });
    expect(problems).toEqual([]);
    expect(row.eventsIn).toBe(feed.size + resent);
  });
});
