export { outcomesHandler, OUTCOMES_STREAM } from "./handler.js";
export type { OutcomesInput } from "./handler.js";
