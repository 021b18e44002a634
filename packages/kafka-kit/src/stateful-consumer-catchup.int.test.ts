import { describe, expect } from "vitest";
import { EXAMPLE_EVENTS } from "@icpstream/contracts";
import type { EventOf, TopicCatalog } from "@icpstream/contracts";
import { stackTest as test, waitFor, type StackFixture } from "@icpstream/testkit";
import { pino } from "pino";
import { output, runStatefulConsumer, type StatefulHandler } from "./stateful-consumer.js";
import { collectTopic, statefulRig } from "./testing.js";

const hiringExample = EXAMPLE_EVENTS.hiring[0] as EventOf<TopicCatalog["hiring"]>;
const tierExample = EXAMPLE_EVENTS.tierChanged[0] as EventOf<TopicCatalog["tierChanged"]>;
const ACCOUNTS = ["acme.com", "globex.com", "initech.com", "umbrella.com"];

/**
 * Counts events per account and tells each count (`<account>:<count>`); after a quiet
 * replay it tells each replayed account's count once (`<account>:settled:<count>`).
 */
function countingHandler(catalog: TopicCatalog, settledWith: string[][]): StatefulHandler<TopicCatalog["hiring"]> {
  const change = (accountKey: string, id: string) => output(catalog.tierChanged, { ...tierExample, eventId: id, idempotencyKey: id, accountKey });
  return {
    onEvent: (event, state) => {
      const count = Number(state.count ?? 0) + 1;
      return { state: { set: { count: String(count) } }, outputs: [change(event.accountKey, `${event.accountKey}:${count}`)] };
    },
    catchUp: {
      begin: (_shard, accountKeys) => {
        settledWith.push([...accountKeys]);
        return (accountKey, state) => ({ outputs: [change(accountKey, `${accountKey}:settled:${state.count}`)] });
      },
    },
  };
}

async function setup(stack: StackFixture, onTestFailed: (fn: () => void) => void) {
  const { catalog, codec, producer, events, store } = await statefulRig(stack, { prefix: "cu", partitions: 1 });
  const groupId = stack.groupId("catchup");
  const settledWith: string[][] = [];
  let next = 0;
  const send = (count: number) => events.send(catalog.hiring, Array.from({ length: count }, () => ({ ...hiringExample, eventId: `h-${next}`, accountKey: ACCOUNTS[next++ % ACCOUNTS.length] as string })));
  const outputs = await collectTopic(stack, catalog.tierChanged.topic);
  // The consumer's log, shown when the test fails.
  const log: string[] = [];
  onTestFailed(() => console.log(log.join("")));
  const logger = pino({ level: "debug" }, { write: (line: string) => void log.push(line) });
  const ids = () => outputs.map((m) => JSON.parse(m.value!.subarray(5).toString()).eventId as string);
  const start = async () => {
    const consumer = await runStatefulConsumer({ kafka: stack.kafka, producer, codec, store, groupId, inputs: [catalog.hiring], handler: countingHandler(catalog, settledWith), logger, clock: () => Date.now(), tickIntervalMs: 0 });
    stack.onCleanup(() => consumer.stop());
    // Claimed before the test sends anything more: events already in the topic at the claim
    // are a backlog, replayed quietly, and a loaded machine can take seconds to join the group.
    await waitFor(() => consumer.ownedShards().length > 0, { timeoutMs: 45_000, what: "the shard claimed" });
    return consumer;
  };
  const counts = async () => {
    const shard = { group: groupId, stream: catalog.hiring.topic, partition: 0 };
    const states = await store.read(shard, ACCOUNTS);
    return ACCOUNTS.map((a) => states.get(a)?.count);
  };
  return { stack, send, start, ids, counts, settledWith, redis: stack.redis() };
}

describe("quiet replay after lost state", () => {
  test("a shard that starts with nothing stored while its topic holds events replays them quietly and settles each account once", async ({ stack, onTestFailed }) => {
    const t = await setup(stack, onTestFailed);
    await t.send(20);
    await t.start();
    await waitFor(() => t.ids().length >= 4, { timeoutMs: 45_000, what: "the settled outputs" });
    expect(t.ids().sort()).toEqual(ACCOUNTS.map((a) => `${a}:settled:5`).sort());
    expect(t.settledWith).toEqual([[...ACCOUNTS].sort()]);
    await t.send(4);
    await waitFor(() => t.ids().length >= 8, { timeoutMs: 45_000, what: "outputs of the events after the replay" });
    expect(t.ids().slice(4).sort()).toEqual(ACCOUNTS.map((a) => `${a}:6`).sort());
    expect(await t.counts()).toEqual(["6", "6", "6", "6"]);
  });

  test("Redis wiped under a running consumer: it claims again, replays quietly, and retells nothing it already told", async ({ stack, onTestFailed }) => {
    const t = await setup(stack, onTestFailed);
    await t.start();
    await t.send(20);
    await waitFor(() => t.ids().length >= 20, { timeoutMs: 45_000, what: "20 outputs" });
    const wiped = await t.redis.keys(`${stack.keyPrefix}*`);
    await t.redis.del(...wiped);
    await t.send(4);
    await waitFor(async () => (await t.counts()).every((c) => c === "6") && t.settledWith.length > 0 && t.ids().length >= 24, { timeoutMs: 45_000, what: "the replay to settle" });
    expect(t.settledWith, "one quiet replay, settled once").toHaveLength(1);
    const after = t.ids().slice(20);
    expect(new Set(t.ids()).size).toBe(t.ids().length);
    // Nothing of the first 20 is told again: after the wipe only settlements and counts past 5.
    for (const id of after) expect(id).toMatch(/:settled:\d+$|:6$/);
    expect(after.filter((id) => id.includes(":settled:")).length).toBe(t.settledWith[0]?.length);
  });

  test("Redis back from an older snapshot (an AOF tail lost) is caught on the next write: the lost stretch is replayed quietly, nothing is applied twice", async ({ stack, onTestFailed }) => {
    const t = await setup(stack, onTestFailed);
    await t.start();
    await t.send(8);
    await waitFor(() => t.ids().length >= 8, { timeoutMs: 45_000, what: "8 outputs" });
    const keys = await t.redis.keys(`${stack.keyPrefix}*`);
    const snapshot = await Promise.all(keys.map(async (key) => [key, await t.redis.dumpBuffer(key)] as const));
    await t.send(8);
    await waitFor(() => t.ids().length >= 16, { timeoutMs: 45_000, what: "8 more outputs" });
    // Redis restarts from the snapshot: the last 8 events' writes are gone, the consumer does not know.
    for (const [key, dump] of snapshot) if (dump) await t.redis.restore(key, 0, dump, "REPLACE");
    await t.send(4);
    await waitFor(async () => (await t.counts()).every((c) => c === "5") && t.settledWith.length > 0, { timeoutMs: 45_000, what: "the lost stretch replayed and settled" });
    expect(t.settledWith, "one quiet replay, settled once").toHaveLength(1);
    expect(new Set(t.ids()).size).toBe(t.ids().length);
    expect(t.ids().slice(16).every((id) => /:settled:\d+$|:5$/.test(id))).toBe(true);
  });
});
