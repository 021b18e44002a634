import { topicCatalog } from "@icpstream/contracts";
import { createLogger } from "@icpstream/observability";
import { GatewayEnv, parseEnv } from "./config.js";
import { buildGateway } from "./gateway.js";
import { connectSender } from "./kafka-sender.js";

// Composition root of the HTTP ingest gateway.
const env = parseEnv(GatewayEnv, process.env);
const logger = createLogger({ service: "ingest-gateway", level: env.LOG_LEVEL });
const sender = await connectSender({ brokers: env.KAFKA_BROKERS, registryUrl: env.SCHEMA_REGISTRY_URL, clientId: "icp-ingest-gateway", schemaMode: env.ICP_SCHEMA_MODE, catalog: topicCatalog({ prefix: env.ICP_TOPIC_PREFIX }) }, logger);
const app = buildGateway({
  send: sender.send,
  apiKeys: env.ICP_GATEWAY_API_KEYS,
  hmacSecrets: env.ICP_GATEWAY_HMAC_SECRETS,
  bodyLimitBytes: env.ICP_GATEWAY_BODY_LIMIT_BYTES,
  maxBatch: env.ICP_GATEWAY_MAX_BATCH,
  defaultSource: "gateway",
  now: () => new Date(),
  logger,
});
const shutdown = async () => {
  await app.close();
  await sender.close();
};
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);
await app.listen({ port: env.ICP_GATEWAY_PORT, host: env.ICP_GATEWAY_HOST });
