import { describe, expect } from "vitest";
import { EXAMPLE_EVENTS } from "@icpstream/contracts";
import type { EventOf, TopicCatalog } from "@icpstream/contracts";
import { stackTest as test, waitFor } from "@icpstream/testkit";
import { silentLogger } from "./logger.js";
import { output, runStatefulConsumer, type StatefulHandler } from "./stateful-consumer.js";
import { collectTopic, statefulRig } from "./testing.js";

const hiringExample = EXAMPLE_EVENTS.hiring[0] as EventOf<TopicCatalog["hiring"]>;
const tierExample = EXAMPLE_EVENTS.tierChanged[0] as EventOf<TopicCatalog["tierChanged"]>;

/** Counts events per account; emits one tier change per event, with an id derived from the count. */
function countingHandler(catalog: TopicCatalog, scheduleAfterMs?: number): StatefulHandler<TopicCatalog["hiring"]> {
  return {
    onEvent: (event, state, { now }) => {
      const count = Number(state.count ?? 0) + 1;
      const change = { ...tierExample, eventId: `${event.accountKey}:${count}`, idempotencyKey: `${event.accountKey}:${count}`, accountKey: event.accountKey };
      return {
        state: { set: { count: String(count) } },
        outputs: [output(catalog.tierChanged, change)],
        ...(scheduleAfterMs !== undefined ? { scheduleAt: now + scheduleAfterMs } : {}),
      };
    },
    onDue: (accountKey, state) => ({
      outputs: [output(catalog.tierChanged, { ...tierExample, eventId: `${accountKey}:due:${state.count}`, idempotencyKey: `${accountKey}:due`, accountKey })],
      scheduleAt: null,
    }),
  };
}

describe("stateful consumer against the real stack", () => {
  test("applies every event exactly once across a restart, dead-letters a poison message, and resumes from the offsets stored in Redis", async ({ stack }) => {
    const { catalog, codec, producer, events, store } = await statefulRig(stack, { prefix: "sc" });
    const groupId = stack.groupId("scoring");
    const accounts = ["acme.com", "globex.com", "initech.com", "umbrella.com"];
    const hiring = (n: number) => ({ ...hiringExample, eventId: `h-${n}`, accountKey: accounts[n % accounts.length] as string });

    await events.send(catalog.hiring, Array.from({ length: 20 }, (_, n) => hiring(n)));
    await producer.send({ topic: catalog.hiring.topic, messages: [{ key: "acme.com", value: Buffer.from("not an event") }] });
    const outputs = await collectTopic(stack, catalog.tierChanged.topic);
    const deadLetters = await collectTopic(stack, catalog.hiring.deadLetterTopic);

    const start = () =>
      runStatefulConsumer({ kafka: stack.kafka, producer, codec, store, groupId, inputs: [catalog.hiring], handler: countingHandler(catalog), logger: silentLogger(), clock: () => Date.parse("2026-11-01T00:00:00Z"), tickIntervalMs: 0 });
    const first = await start();
    await waitFor(() => outputs.length >= 20 && deadLetters.length >= 1, { timeoutMs: 45_000, what: "20 outputs and a dead letter" });
    await first.stop();

    const second = await start();
    stack.onCleanup(() => second.stop());
    await events.send(catalog.hiring, Array.from({ length: 4 }, (_, n) => hiring(20 + n)));
    await waitFor(() => outputs.length >= 24, { timeoutMs: 45_000, what: "4 more outputs after the restart" });

    const ids = outputs.map((m) => JSON.parse(m.value!.subarray(5).toString()).eventId as string).sort();
    expect(ids).toEqual([...new Set(ids)]);
    expect(ids).toHaveLength(24);
    expect(deadLetters).toHaveLength(1);
    for (const account of accounts) {
      const shardPartition = [0, 1];
      const counts = await Promise.all(shardPartition.map(async (partition) => (await store.read({ group: groupId, stream: catalog.hiring.topic, partition }, [account])).get(account)?.count));
      expect(counts.filter(Boolean)).toEqual(["6"]);
    }
  });

  test("coalesces a batch slice: of the outputs with one coalesce key only the last is published, every output without one is, and state ends the same", async ({ stack }) => {
    const { catalog, codec, producer, events, store } = await statefulRig(stack, { prefix: "sc" });
    const groupId = stack.groupId("coalesce");
    // A poison event yields a tier change its contract refuses: its slice is decided again message by message, and only it is dead-lettered.
    const handler: StatefulHandler<TopicCatalog["hiring"]> = {
      onEvent: (event, state) => {
        const count = Number(state.count ?? 0) + 1;
        const change = { ...tierExample, eventId: `${event.accountKey}:v${count}`, idempotencyKey: `${event.accountKey}:${count}`, accountKey: event.accountKey };
        const told = event.eventId.startsWith("poison") ? { ...change, accountKey: "" } : change;
        return {
          state: { set: { count: String(count), [`seen-${count % 3}`]: event.eventId } },
          outputs: [output(catalog.tierChanged, told), output(catalog.currentTier, change, { coalesceKey: `${event.accountKey}:${change.scorecard}` })],
        };
      },
    };
    const hiring = (eventId: string, accountKey: string) => ({ ...hiringExample, eventId, accountKey });
    // Sent before the consumer starts, so they arrive in few batch slices.
    await events.send(catalog.hiring, Array.from({ length: 30 }, (_, n) => hiring(`h-${n}`, n < 10 ? "acme.com" : "globex.com")));
    const told = await collectTopic(stack, catalog.tierChanged.topic);
    const current = await collectTopic(stack, catalog.currentTier.topic);
    const deadLetters = await collectTopic(stack, catalog.hiring.deadLetterTopic);
    const runner = await runStatefulConsumer({ kafka: stack.kafka, producer, codec, store, groupId, inputs: [catalog.hiring], handler, logger: silentLogger(), clock: () => Date.parse("2026-11-01T00:00:00Z"), tickIntervalMs: 0 });
    stack.onCleanup(() => runner.stop());
    const idsOf = (messages: typeof told) => messages.map((m) => JSON.parse(m.value!.subarray(5).toString()).eventId as string);
    const lastOf = (account: string) => idsOf(current).filter((id) => id.startsWith(account)).at(-1);
    await waitFor(() => told.length >= 30 && lastOf("acme.com") === "acme.com:v10" && lastOf("globex.com") === "globex.com:v20", { timeoutMs: 45_000, what: "30 tier changes and the last current tiers" });

    expect(idsOf(told)).toHaveLength(30);
    expect(current.length, "fewer current tiers than tier changes: the batch slices were coalesced").toBeLessThan(30);
    const stateOf = async (account: string) => {
      for (let partition = 0; partition < catalog.hiring.partitions; partition++) {
        const found = (await store.read({ group: groupId, stream: catalog.hiring.topic, partition }, [account])).get(account);
        if (found && Object.keys(found).length > 0) return found;
      }
      return undefined;
    };
    expect(await stateOf("acme.com")).toEqual({ count: "10", "seen-0": "h-8", "seen-1": "h-9", "seen-2": "h-7" });

    await events.send(catalog.hiring, [hiring("g-1", "globex.com"), hiring("poison-1", "globex.com"), hiring("g-2", "globex.com")]);
    await waitFor(() => deadLetters.length >= 1 && lastOf("globex.com") === "globex.com:v22", { timeoutMs: 45_000, what: "the poison event dead-lettered and the two others applied" });
    expect(deadLetters).toHaveLength(1);
    expect(idsOf(told).slice(30)).toEqual(["globex.com:v21", "globex.com:v22"]);
    expect((await stateOf("globex.com"))?.count).toBe("22");
  });

  test("re-evaluates an account when the clock passes its scheduled time, without any new event", async ({ stack }) => {
    const { catalog, codec, producer, events, store } = await statefulRig(stack, { prefix: "sc" });
    let now = Date.parse("2026-11-01T00:00:00Z");
    const runner = await runStatefulConsumer({
      kafka: stack.kafka, producer, codec, store, groupId: stack.groupId("timing"), inputs: [catalog.hiring],
      handler: countingHandler(catalog, 30 * 86_400_000), logger: silentLogger(), clock: () => now, tickIntervalMs: 0,
    });
    stack.onCleanup(() => runner.stop());
    const outputs = await collectTopic(stack, catalog.tierChanged.topic);
    await events.send(catalog.hiring, [{ ...hiringExample, eventId: "h-1", accountKey: "acme.com" }]);
    await waitFor(() => outputs.length === 1, { timeoutMs: 45_000, what: "the event's output" });

    expect(await runner.tick()).toBe(0);
    now += 31 * 86_400_000;
    expect(await runner.tick()).toBe(1);
    await waitFor(() => outputs.length === 2, { what: "the clock-driven output" });
    expect(JSON.parse(outputs[1]!.value!.subarray(5).toString()).eventId).toBe("acme.com:due:1");
    expect(await runner.tick()).toBe(0);
  });
});
