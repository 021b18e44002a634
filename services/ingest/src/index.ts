export * from "./to-events.js";
export * from "./file-ingest.js";
export * from "./gateway.js";
export * from "./synthetic-feed.js";
export * from "./config.js";
export * from "./kafka-sender.js";
export * from "./sources-route.js";
export * from "./vendor-auth.js";
