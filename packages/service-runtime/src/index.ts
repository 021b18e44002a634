export { parseClock, type Clock } from "./clock.js";
export { DEFAULT_RUBRIC, parseServiceEnv, ServiceEnv } from "./config.js";
export { loadRubricFile, runService, type Companion, type CompanionContext, type RunningService, type ServiceDefinition } from "./run-service.js";
export { nodeSha256Hex, useNativeSha256 } from "./native-sha256.js";
export { followPromotions } from "./promotion-control.js";
