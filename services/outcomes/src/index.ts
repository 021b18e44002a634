export { outcomesHandler, OUTCOMES_STREAM } from "./handler.js";
export type { OutcomesInput } from "./handler.js";
export { startModelHealth } from "./model-health.js";
export type { ModelHealth, ModelHealthOptions, ModelHealthView } from "./model-health.js";
