import { topicCatalog } from "@icpstream/contracts";
import { createKafka } from "@icpstream/kafka-kit";
import { createRedisClient, RedisPartitionStateStore, unlinkKeys } from "@icpstream/redis-kit";
import { Command, Option } from "commander";
import type { Admin } from "kafkajs";
import type { CliIo } from "../io.js";
import { CliError } from "../io.js";
import { addNamespaceOptions, loadLiveSettings, untilInterrupted } from "../live/connect.js";
import { serviceLayout, STATEFUL_SERVICES } from "../live/pipeline-layout.js";
import type { ServiceLayout, StatefulService } from "../live/pipeline-layout.js";
import { scanAll } from "../live/read-account-state.js";
import { deletionOrder, formatProgress, replayProgress, serviceKeyPattern, sumProgress } from "../live/rebuild-plan.js";
import type { ReplayProgress } from "../live/rebuild-plan.js";
import type { NamespaceOptions } from "../live/settings.js";

interface RebuildOptions extends NamespaceOptions {
  service: StatefulService | "all";
  yes?: boolean;
  force?: boolean;
  wait: boolean;
  interval: string;
}

/** `--service all` → every stateful service, upstream first. */
export function servicesToRebuild(choice: StatefulService | "all"): StatefulService[] {
  return choice === "all" ? [...STATEFUL_SERVICES] : [choice];
}

const HELP = `
How it works: the services keep their state and their consumed offsets together in Redis;
Kafka keeps every event (profiles compacted, signals and scores for a year). This deletes
the chosen services' keys under the Redis prefix (every shard of their consumer group:
stored offsets, account state, outbox, decay schedule). A service that finds no stored
offset for a partition starts it from the beginning, so it replays its topics and
rebuilds its state.

The services must be stopped while their keys are deleted (the command refuses while their
consumer group has members; --force skips that check, at the risk of a running service
writing into a half-deleted shard). Start them afterwards (npm start, or
npx tsx services/<name>/src/main.ts): they claim their shards afresh and replay. The
command then follows the replay, stored offsets against Kafka's high watermarks, until
every service has caught up (--no-wait returns at once; Ctrl-C stops watching, not the
replay).

What subscribers see: the fit service republishes its fit scores byte for byte (same event
ids, dropped as duplicates downstream). Timing and combiner replay quietly: they rebuild
their state without publishing, then settle each replayed account once — timing publishes
its score as of now; the combiner reads back the tier changes it had published and tells
only the tiers that differ from them, going on from their last version. A rebuild of an
unchanged pipeline therefore publishes no tier change, and versions are never reused.

Connection: KAFKA_BROKERS and REDIS_URL from the environment, else .stack/stack.env.`;

/**
 * `icp rebuild`: Redis state is derived from Kafka; after Redis is lost (or its state is
 * suspect) this makes the services rebuild it by replaying their topics.
 */
export function rebuildCommand(io: CliIo): Command {
  const command = new Command("rebuild")
    .description("restore the services' Redis state from Kafka: delete it, let the services replay their topics, follow the replay")
    .addOption(new Option("--service <name>", "which service's state").choices([...STATEFUL_SERVICES, "all"]).default("all"))
    .option("--yes", "really delete (without it: show what would be deleted)")
    .option("--force", "delete even while the service's consumer group has members")
    .option("--no-wait", "do not follow the replay")
    .option("--interval <seconds>", "seconds between progress lines", "2")
    .addHelpText("after", HELP);
  return addNamespaceOptions(command).action(async (options: RebuildOptions) => {
    const interval = Number(options.interval);
    if (!(interval > 0)) throw new CliError(`--interval: expected a positive number of seconds, got ${JSON.stringify(options.interval)}`);
    const settings = await loadLiveSettings(options);
    const catalog = topicCatalog({ prefix: settings.topicPrefix });
    const layouts = servicesToRebuild(options.service).map((s) => serviceLayout(s, catalog, settings.groupPrefix));
    const redis = createRedisClient(settings.redis, { name: "icp-rebuild", maxRetriesPerRequest: 1 });
    const admin = createKafka({ ...settings.kafka, clientId: "icp-rebuild" }).admin();
    try {
      await admin.connect();
      const keysBy = new Map<ServiceLayout, string[]>();
      for (const layout of layouts) keysBy.set(layout, await scanAll(redis, serviceKeyPattern(settings.redisPrefix, layout.group)));
      const summary = layouts.map((l) => `${l.service} (group ${l.group}): ${keysBy.get(l)?.length ?? 0} keys`).join("\n  ");
      if (!options.yes) {
        io.stdout(`would delete, under Redis prefix "${settings.redisPrefix}":\n  ${summary}\n`);
        throw new CliError("nothing deleted: pass --yes to delete and rebuild");
      }
      if (!options.force) {
        const running = await runningGroups(admin, layouts);
        if (running.length > 0) throw new CliError(`stop these services first (their consumer groups have members): ${running.join(", ")}; then run this again and start them`);
      }
      for (const layout of layouts) {
        const keys = deletionOrder(keysBy.get(layout) ?? []);
        // Keys written since the scan (a service started meanwhile) are caught by a second pass.
        const late = (await scanAll(redis, serviceKeyPattern(settings.redisPrefix, layout.group))).filter((k) => !keys.includes(k));
        const all = [...keys, ...deletionOrder(late)];
        await unlinkKeys(redis, all);
        io.stdout(`${layout.service}: deleted ${all.length} keys of group ${layout.group}\n`);
      }
      if (!options.wait) {
        io.stdout("start the services: they replay their topics from the beginning\n");
        return;
      }
      io.stdout("waiting for the services to replay their topics (start them now if they are stopped; Ctrl-C stops watching)\n");
      await followReplay(io, admin, new RedisPartitionStateStore(redis, { prefix: settings.redisPrefix, name: "icp-rebuild" }), layouts, interval * 1000);
    } finally {
      await admin.disconnect().catch(() => undefined);
      await redis.quit().catch(() => redis.disconnect());
    }
  });
}

async function runningGroups(admin: Admin, layouts: readonly ServiceLayout[]): Promise<string[]> {
  const { groups } = await admin.describeGroups(layouts.map((l) => l.group));
  return groups.filter((g) => g.members.length > 0).map((g) => `${layouts.find((l) => l.group === g.groupId)?.service ?? g.groupId} (${g.groupId}, ${g.members.length} members)`);
}

async function serviceProgress(admin: Admin, store: RedisPartitionStateStore, layout: ServiceLayout): Promise<ReplayProgress> {
  const parts: ReplayProgress[] = [];
  for (const spec of layout.inputs) {
    const offsets = await admin.fetchTopicOffsets(spec.topic);
    const stored = await store.loadStoredOffsets(layout.group, spec.topic, offsets.map((o) => o.partition), layout.stream);
    parts.push(replayProgress(offsets.map((o) => ({ partition: o.partition, low: o.low, high: o.high, stored: stored.get(o.partition) ?? null }))));
  }
  return sumProgress(parts);
}

async function followReplay(io: CliIo, admin: Admin, store: RedisPartitionStateStore, layouts: readonly ServiceLayout[], intervalMs: number): Promise<void> {
  const interrupted = untilInterrupted();
  try {
    let last = "";
    while (!interrupted.signal.aborted) {
      const entries = [];
      for (const layout of layouts) entries.push({ service: layout.service, progress: await serviceProgress(admin, store, layout) });
      const line = formatProgress(entries);
      if (line !== last) io.stdout(`${line}\n`);
      last = line;
      if (entries.every((e) => e.progress.caughtUp)) {
        io.stdout("rebuilt: every service has applied every message its topics held when checked\n");
        return;
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          interrupted.signal.removeEventListener("abort", wake);
          resolve();
        };
        const timer = setTimeout(wake, intervalMs);
        interrupted.signal.addEventListener("abort", wake, { once: true });
      });
    }
    io.stdout("stopped watching; the services go on replaying\n");
  } finally {
    interrupted.dispose();
  }
}
