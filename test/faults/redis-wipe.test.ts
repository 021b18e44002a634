import { describe, expect } from "vitest";
import { tierChangeVersion } from "@icpstream/pipeline";
import { stackTest as test } from "@icpstream/testkit";
import { checkTierChanges } from "../e2e/support/pipeline-checks.js";
import { faultFeed, FaultRun, type TierChangedLog } from "./support/fault-run.js";

/**
 * Kafka is the source of truth, Redis derived (README: `icp rebuild`). Every Redis key of
 * the pipeline is deleted mid-stream while the services run — state, offsets, outboxes,
 * decay schedules, fencing generations: the services find their shards unclaimed, claim
 * them again, find no offsets, re-read their topics from the beginning and end where the
 * batch recompute ends. The pipeline's keys only: the shared Redis's other tenants stay.
 */

describe("Redis state lost mid-stream is rebuilt from Kafka", () => {
  test("every Redis key of a running pipeline deleted after 30% progress: the services replay their topics from the beginning and end where the batch recompute ends; the replayed tier changes tell each account's story again", async ({ stack, onTestFailed }) => {
    const run = await FaultRun.start(stack, { feed: faultFeed(31), chunks: 16, onFailed: onTestFailed });
    const redis = stack.redis();
    const progress = await run.untilProgress(0.3);
    let wiped = 0;
    await run.inject("Redis wiped", ["fit", "timing", "combiner"], async () => {
      // One atomic step, as a real data loss is: no service sees half its keys gone.
      wiped = Number(await redis.eval("local keys = redis.call('KEYS', ARGV[1]) for i = 1, #keys, 1000 do redis.call('DEL', unpack(keys, i, math.min(i + 999, #keys))) end return #keys", 0, `${stack.keyPrefix}*`));
    }, progress);

    // The rebuild restarts every account's versions at 1: per account, the story from its
    // last v1 on must be whole (gap-free, ending at the final tier, the combiner's stored
    // version); what came before it, a gap-free prefix. A version told before the rebuild
    // and again after it with another content is a conflict a subscriber would see.
    const across = { republished: 0, conflicting: 0, example: "" };
    const tierChanges = (log: TierChangedLog, final: Parameters<typeof checkTierChanges>[1], combiner: Parameters<typeof checkTierChanges>[2]) => {
      const byAccount = new Map<string, TierChangedLog>();
      for (const m of log) byAccount.set(m.event.accountKey, [...(byAccount.get(m.event.accountKey) ?? []), m]);
      const before: TierChangedLog = [];
      const after: TierChangedLog = [];
      for (const messages of byAccount.values()) {
        const restart = messages.findLastIndex((m) => tierChangeVersion(m.event) === 1);
        before.push(...messages.slice(0, Math.max(restart, 0)));
        after.push(...messages.slice(Math.max(restart, 0)));
      }
      const report = checkTierChanges(after, final, combiner);
      const prefix = checkTierChanges(before, [], []);
      report.problems.push(...prefix.problems.filter((p) => p.includes("versions arrived")).map((p) => `before the rebuild: ${p}`));
      const earlier = new Map(before.map((m) => [`${m.event.accountKey}:v${tierChangeVersion(m.event)}`, m]));
      for (const m of after) {
        const prior = earlier.get(`${m.event.accountKey}:v${tierChangeVersion(m.event)}`);
        if (!prior) continue;
        across.republished++;
        if (prior.event.eventId !== m.event.eventId || !prior.value.equals(m.value)) {
          across.conflicting++;
          const told = (e: typeof m.event) => `${e.previousTier?.id ?? "∅"}→${e.tier.id} ${e.scorecard} (fit ${e.fit}, timing ${e.timing}, caused by ${e.causingEventIds.join(" + ")})`;
          across.example ||= `${m.event.accountKey} v${tierChangeVersion(m.event)}: before ${told(prior.event)}; after ${told(m.event)}`;
        }
      }
      if (across.conflicting > 0) report.problems.push(`${across.conflicting} of ${across.republished} tier-change versions published again after the rebuild carry another content than before it (e.g. ${across.example})`);
      return { ...report, duplicates: report.duplicates + across.republished - across.conflicting };
    };
    const { problems } = await run.finish("Redis wiped mid-stream → rebuilt from Kafka", {
      tierChanges,
      note: `${wiped} keys deleted`,
    });
    console.log(`[faults] Redis wipe: ${across.republished} versions published again after the rebuild, ${across.conflicting} with another content`);
    expect(problems).toEqual([]);
  });
});
