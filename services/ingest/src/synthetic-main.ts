import { topicCatalog } from "@icpstream/contracts";
import { kafkaConnectionFromEnv } from "@icpstream/kafka-kit";
import { createLogger, exitOnFatalError } from "@icpstream/observability";
import { SyntheticEnv, parseEnv } from "./config.js";
import { connectSender } from "./kafka-sender.js";
import { generateMarket } from "./synthetic-feed.js";
import type { InputTopicId } from "./to-events.js";

// Composition root of the synthetic market feed: profiles first, then signals in time order.
// Bad records are not sent (the producer validates first); they are counted.
const env = parseEnv(SyntheticEnv, process.env);
const kafkaConnection = kafkaConnectionFromEnv(process.env);
const logger = createLogger({ service: "synthetic-feed", level: env.LOG_LEVEL });
exitOnFatalError(logger);
const start = env.ICP_SYNTHETIC_START ?? new Date(Date.now() - env.ICP_SYNTHETIC_DAYS * 86_400_000).toISOString();
const market = generateMarket({ seed: env.ICP_SYNTHETIC_SEED, accounts: env.ICP_SYNTHETIC_ACCOUNTS, start, days: env.ICP_SYNTHETIC_DAYS });
const sender = await connectSender({ ...kafkaConnection, registryUrl: env.SCHEMA_REGISTRY_URL, clientId: "icp-synthetic-feed", schemaMode: env.ICP_SCHEMA_MODE, catalog: topicCatalog({ prefix: env.ICP_TOPIC_PREFIX }) }, logger);
try {
  for (let i = 0; i < market.profiles.length; i += 500) await sender.send("firmographic", market.profiles.slice(i, i + 500));
  const batches = new Map<InputTopicId, unknown[]>();
  let sent = 0;
  let bad = 0;
  for (const record of market.signals) {
    if (!record.ok) {
      bad++;
      continue;
    }
    const batch = batches.get(record.topic) ?? [];
    batch.push(record.event);
    batches.set(record.topic, batch);
    if (batch.length >= 500) {
      await sender.send(record.topic, batch);
      sent += batch.length;
      batches.set(record.topic, []);
    }
  }
  for (const [topic, batch] of batches) {
    await sender.send(topic, batch);
    sent += batch.length;
  }
  logger.info({ profiles: market.profiles.length, signals: sent, badRecordsSkipped: bad, seed: env.ICP_SYNTHETIC_SEED }, "synthetic market sent");
} finally {
  await sender.close();
}
