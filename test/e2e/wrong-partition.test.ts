import { describe, expect } from "vitest";
import type { AccountProfileEventV1, SignalEventV1 } from "@icpstream/contracts";
import { confluentRegistry, DLQ_HEADERS, headerText, keyPartition, RegistryCodec } from "@icpstream/kafka-kit";
import { collectTopic } from "@icpstream/kafka-kit/testing";
import { finalScoresOf, recomputeFinalState } from "@icpstream/pipeline";
import { stackTest as test, waitFor } from "@icpstream/testkit";
import { firstMismatch } from "./support/pipeline-checks.js";
import { marketFeed, Pipeline, SERVICES } from "./support/pipeline-harness.js";

/**
 * Issue 13, point 4: a producer with another partitioner (or an explicit partition, or no
 * key) used to put part of an account's events in another partition, where another shard
 * kept a second state for it and the combiner ended with the wrong score. The services now
 * refuse such messages (WRONG_PARTITION) before they touch any state.
 */
const MARKET = { seed: 20_261_129, accounts: 80, start: "2026-06-01T00:00:00.000Z", days: 120 };
const CLOCK = Date.parse("2026-10-01T00:00:00.000Z");
const PARTITIONS = 3;

describe("partitions are checked", () => {
  test("an account's events produced to another partition than its key's, or with no key, are dead-lettered as WRONG_PARTITION; its state stays on one shard and ends equal to the batch recompute", { timeout: 240_000 }, async ({ stack, onTestFailed }) => {
    const feed = marketFeed(MARKET);
    const pipeline = await Pipeline.create(stack, { clock: CLOCK, partitions: PARTITIONS });
    onTestFailed(() => console.log(pipeline.logTails()));
    const { catalog } = pipeline;

    // The account with the most signals, so that every service holds state for it.
    const perAccount = new Map<string, number>();
    for (const { event } of feed.signals) perAccount.set(event.accountKey, (perAccount.get(event.accountKey) ?? 0) + 1);
    const victim = [...perAccount].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
    const home = keyPartition(victim, PARTITIONS);
    const elsewhere = (home + 1) % PARTITIONS;
    const profile = feed.profiles.find((p) => p.accountKey === victim)!;
    const hiring = feed.signals.find((s) => s.topic === "hiring")!.event;
    const intent = feed.signals.find((s) => s.topic === "intent")!.event;

    // What a producer with another partitioner would write: valid events, keyed right, in the wrong place.
    const newerProfile: AccountProfileEventV1 = { ...profile, eventId: "attack-profile", occurredAt: new Date(feed.lastEventAt).toISOString(), firmographics: { ...profile.firmographics, employeeCount: 1 } };
    const strayHiring = { ...hiring, accountKey: victim, eventId: "attack-hiring" } as SignalEventV1;
    const unkeyedIntent = { ...intent, accountKey: victim, eventId: "attack-unkeyed" } as SignalEventV1;

    const firmographicLetters = await collectTopic(stack, catalog.firmographic.deadLetterTopic);
    const hiringLetters = await collectTopic(stack, catalog.hiring.deadLetterTopic);
    const intentLetters = await collectTopic(stack, catalog.intent.deadLetterTopic);

    pipeline.startAll();
    await pipeline.waitUntilRunning();
    await pipeline.send({ profiles: feed.profiles, signals: feed.signals });

    const codec = new RegistryCodec(confluentRegistry({ url: stack.settings.SCHEMA_REGISTRY_URL }), { mode: "register" });
    const producer = stack.kafka.producer();
    await producer.connect();
    stack.onCleanup(() => producer.disconnect());
    const profileMessage = await codec.encode(catalog.firmographic, newerProfile);
    const hiringMessage = await codec.encode(catalog.hiring, strayHiring as never);
    const intentMessage = await codec.encode(catalog.intent, unkeyedIntent as never);
    await producer.send({ topic: catalog.firmographic.topic, acks: -1, messages: [{ ...profileMessage, partition: elsewhere }] });
    await producer.send({ topic: catalog.hiring.topic, acks: -1, messages: [{ ...hiringMessage, partition: elsewhere }] });
    // No key at all, even in the account's own partition.
    await producer.send({ topic: catalog.intent.topic, acks: -1, messages: [{ key: null, value: intentMessage.value, partition: home }] });

    await pipeline.waitForQuiescence({ timeoutMs: 180_000, what: "the pipeline to apply the feed and refuse the stray events" });
    await waitFor(() => firmographicLetters.length + hiringLetters.length + intentLetters.length >= 3, { timeoutMs: 30_000, what: "three dead letters" });

    for (const [letters, eventId] of [[firmographicLetters, "attack-profile"], [hiringLetters, "attack-hiring"], [intentLetters, "attack-unkeyed"]] as const) {
      expect(letters, `${eventId} dead-lettered once`).toHaveLength(1);
      const letter = letters[0]!;
      expect(headerText(letter.headers, DLQ_HEADERS.code)).toBe("WRONG_PARTITION");
      expect(JSON.parse(letter.value!.subarray(5).toString("utf8")).eventId).toBe(eventId);
    }
    expect(headerText(hiringLetters[0]!.headers, DLQ_HEADERS.reason)).toContain(`belongs in partition ${home} of ${PARTITIONS}`);
    expect(await pipeline.deadLettered()).toBe(3);

    // Each service holds the account in its key's shard and nowhere else.
    const streams = { fit: catalog.firmographic.topic, timing: "signals", combiner: "scores" } as const;
    for (const name of SERVICES) {
      const holders: number[] = [];
      for (let partition = 0; partition < PARTITIONS; partition++) {
        const state = (await pipeline.store.read({ group: `${pipeline.groupPrefix}${name}`, stream: streams[name], partition }, [victim])).get(victim) ?? {};
        if (Object.keys(state).length > 0) holders.push(partition);
      }
      expect(holders, `${name}'s shards holding ${victim}`).toEqual([home]);
    }

    // And the end state is the batch recompute of the events that were produced right.
    const streaming = finalScoresOf(await pipeline.combinerStates(), pipeline.rubric);
    const batch = recomputeFinalState({ profiles: feed.profiles, signals: feed.signals.map((s) => s.event), rubric: pipeline.rubric, now: CLOCK });
    expect(firstMismatch(streaming, batch)).toBeNull();
    expect(streaming.filter((s) => s.accountKey === victim).length).toBeGreaterThan(0);
  });
});
