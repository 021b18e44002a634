import { Cluster } from "ioredis";
import type { Redis } from "ioredis";
import type { RedisClient } from "./create-redis.js";
import { clusterSlot } from "./key-layout.js";

async function scanNode(node: Redis, pattern: string, out: string[]): Promise<void> {
  let cursor = "0";
  do {
    const [next, batch] = await node.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    out.push(...batch);
    cursor = next;
  } while (cursor !== "0");
}

/**
 * Every key matching a SCAN pattern (`icp:{fit:*`): on a Redis Cluster each primary is
 * scanned, since a SCAN only sees the node it runs on. Keys written during the scan may or
 * may not be in the answer (SCAN's guarantee); callers that must catch them scan twice.
 */
export async function scanKeys(client: RedisClient, pattern: string): Promise<string[]> {
  const out: string[] = [];
  if (client instanceof Cluster) {
    // A new Cluster client knows its primaries only once it has loaded the slot map: a
    // command waits for that (offline queue), so the list below is complete, not empty.
    await client.ping();
    for (const node of client.nodes("master")) await scanNode(node, pattern, out);
  }
  else await scanNode(client, pattern, out);
  return out;
}

/**
 * UNLINKs keys in batches of at most `batch`; on a Redis Cluster each batch holds keys of
 * one slot (a multi-key command across slots is refused with CROSSSLOT). Returns how many
 * keys existed and were removed.
 */
export async function unlinkKeys(client: RedisClient, keys: readonly string[], batch = 500): Promise<number> {
  const groups = new Map<number, string[]>();
  if (client instanceof Cluster) {
    for (const key of keys) {
      const slot = clusterSlot(key);
      const group = groups.get(slot) ?? [];
      group.push(key);
      groups.set(slot, group);
    }
  } else groups.set(0, [...keys]);
  let removed = 0;
  for (const group of groups.values()) for (let i = 0; i < group.length; i += batch) removed += await client.unlink(...group.slice(i, i + batch));
  return removed;
}
