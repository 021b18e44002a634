import type { PartitionStateStore, StateWrite } from "@icpstream/redis-kit";
import type { HandlerResult } from "./handler.js";
import type { Outbox, Sendable } from "./publish-outbox.js";
import { OUTBOX, RESERVED_SHARED, refuseIfFenced, type ShardState } from "./shard.js";

/**
 * From handler results to state writes: per message (in `apply-batch.ts`, with the
 * message's offset) and outside any message (a clock tick, the end of a quiet replay: here).
 */

/** The writes of one account's result: its state hash, shard-wide state, and the outbox fields given. */
export function writesFor(accountKey: string, result: HandlerResult, outbox: Readonly<Record<string, string>>): StateWrite[] {
  const writes: StateWrite[] = [];
  if (result.state && (Object.keys(result.state.set ?? {}).length > 0 || (result.state.del ?? []).length > 0)) {
    writes.push({ hash: { account: accountKey }, ...(result.state.set ? { set: result.state.set } : {}), ...(result.state.del ? { del: result.state.del } : {}) });
  }
  for (const [name, change] of Object.entries(result.shared ?? {})) {
    if (RESERVED_SHARED.has(name)) throw new Error(`shared state may not be named ${name} (reserved)`);
    writes.push({ hash: { shared: name }, ...(change.set ? { set: change.set } : {}), ...(change.del ? { del: change.del } : {}) });
  }
  if (Object.keys(outbox).length > 0) writes.push({ hash: { shared: OUTBOX }, set: outbox });
  return writes;
}

export interface AccountResult {
  accountKey: string;
  result: HandlerResult;
  /** Where its outputs sort in the outbox (see `publish-outbox.ts`). */
  outboxPrefix: string;
}

/**
 * Applies results decided for accounts outside any message: their state, schedule and
 * outputs, plus `extra` writes, in one fenced atomic step with no offset (`FencedError`
 * when another member holds the shard); then the outputs are published.
 */
export type ApplyAccountResults = (state: ShardState, results: readonly AccountResult[], extra?: readonly StateWrite[]) => Promise<void>;

export function accountResultsApplier({ store, outbox }: { store: Pick<PartitionStateStore, "apply">; outbox: Pick<Outbox, "encode" | "flush"> }): ApplyAccountResults {
  return async (state, results, extra = []) => {
    const writes: StateWrite[] = [];
    const schedule: { accountKey: string; at: number | null }[] = [];
    const encoded: Record<string, string> = {};
    const ready = new Map<string, Sendable>();
    for (const { accountKey, result, outboxPrefix } of results) {
      Object.assign(encoded, await outbox.encode(result.outputs, outboxPrefix, ready));
      writes.push(...writesFor(accountKey, { ...(result.state ? { state: result.state } : {}) }, {}));
      if (result.scheduleAt !== undefined) schedule.push({ accountKey, at: result.scheduleAt });
    }
    writes.push(...extra);
    if (Object.keys(encoded).length > 0) writes.push({ hash: { shared: OUTBOX }, set: encoded });
    refuseIfFenced(state, await store.apply(state.shard, { generation: state.generation, writes, ...(schedule.length > 0 ? { schedule } : {}) }));
    if (Object.keys(encoded).length > 0) await outbox.flush(state, encoded, ready);
  };
}
