import { topicCatalog } from "@icpstream/contracts";
import { createLogger, exitOnFatalError } from "@icpstream/observability";
import { useNativeSha256 } from "@icpstream/service-runtime";
import { GatewayEnv, parseEnv } from "./config.js";
import { buildGateway } from "./gateway.js";
import { connectSender } from "./kafka-sender.js";

// Composition root of the HTTP ingest gateway.
useNativeSha256();
const env = parseEnv(GatewayEnv, process.env);
const logger = createLogger({ service: "ingest-gateway", level: env.LOG_LEVEL });
// The registry or the broker down at start: logged redacted (no password from SCHEMA_REGISTRY_URL), exit 1.
exitOnFatalError(logger);
const sender = await connectSender({ brokers: env.KAFKA_BROKERS, registryUrl: env.SCHEMA_REGISTRY_URL, clientId: "icp-ingest-gateway", schemaMode: env.ICP_SCHEMA_MODE, catalog: topicCatalog({ prefix: env.ICP_TOPIC_PREFIX }) }, logger);
const app = buildGateway({
  sink: sender,
  apiKeys: env.ICP_GATEWAY_API_KEYS,
  hmacSecrets: env.ICP_GATEWAY_HMAC_SECRETS,
  signatureToleranceSeconds: env.ICP_GATEWAY_SIGNATURE_TOLERANCE_S,
  bodyLimitBytes: env.ICP_GATEWAY_BODY_LIMIT_BYTES,
  maxBatch: env.ICP_GATEWAY_MAX_BATCH,
  maxInFlight: env.ICP_GATEWAY_MAX_IN_FLIGHT,
  futureToleranceHours: env.ICP_GATEWAY_FUTURE_TOLERANCE_HOURS,
  requestTimeoutMs: env.ICP_GATEWAY_REQUEST_TIMEOUT_MS,
  headersTimeoutMs: env.ICP_GATEWAY_HEADERS_TIMEOUT_MS,
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
logger.info({ maxMessageBytes: sender.maxMessageBytes, port: env.ICP_GATEWAY_PORT }, "gateway listening");
