import { topicCatalog, catalogTopics, deadLetterTopics } from "@icpstream/contracts";
import { createKafka, ensureTopics, kafkaConnectionFromEnv } from "@icpstream/kafka-kit";
import { createRedisClient, redisConnectionFromEnv, scanKeys, unlinkKeys } from "@icpstream/redis-kit";
import { parseDemoEnv } from "./config.js";

// Gives the demo a clean namespace before its services start: its topics deleted and
// created again (empty), its consumer groups and its Redis keys removed. Only names under
// the demo's prefixes are touched; the unprefixed pipeline and tests' namespaces are not.
const env = parseDemoEnv(process.env);
if (env.ICP_TOPIC_PREFIX === "" || env.ICP_REDIS_PREFIX === "" || env.ICP_GROUP_PREFIX === "") {
  throw new Error("the demo resets its namespace: ICP_TOPIC_PREFIX, ICP_REDIS_PREFIX and ICP_GROUP_PREFIX must be set (npm start sets them)");
}
const catalog = topicCatalog({ prefix: env.ICP_TOPIC_PREFIX });
const names = [...catalogTopics(catalog).map((t) => t.topic), ...deadLetterTopics(catalog).map((t) => t.topic)];
const admin = createKafka({ ...kafkaConnectionFromEnv(process.env), clientId: "icp-demo-prepare" }).admin();
await admin.connect();
try {
  const present = new Set(await admin.listTopics());
  const existing = names.filter((n) => present.has(n));
  if (existing.length > 0) await admin.deleteTopics({ topics: existing, timeout: 30_000 });
  // Deletion completes asynchronously on the controller: wait until the names are free.
  const deadline = Date.now() + 30_000;
  while ((await admin.listTopics()).some((t) => existing.includes(t))) {
    if (Date.now() > deadline) throw new Error(`topics still being deleted after 30 s: ${existing.join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureTopics(admin, catalog);
      break;
    } catch (error) {
      // A name just freed can be refused for a moment (TOPIC_ALREADY_EXISTS / marked for deletion).
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(env.ICP_GROUP_PREFIX));
  if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
} finally {
  await admin.disconnect();
}
const redis = createRedisClient(redisConnectionFromEnv(process.env), { name: "icp-demo-prepare" });
try {
  const pattern = `${env.ICP_REDIS_PREFIX.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}icp:*`;
  const deleted = await unlinkKeys(redis, await scanKeys(redis, pattern));
  console.log(`[icpstream] demo namespace ready: ${names.length} empty topics under "${env.ICP_TOPIC_PREFIX}", ${deleted} old Redis keys removed`);
} finally {
  await redis.quit();
}
