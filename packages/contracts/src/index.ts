/**
 * @icpstream/contracts — the event contracts as pure code: the envelope, one zod schema
 * per event type and version (the type under the same name), the topic catalog, the JSON
 * Schema the registry stores, and example events. No I/O.
 */
export * from "./envelope.js";
export * from "./events/firmographic.js";
export * from "./events/contact.js";
export * from "./events/enrichment.js";
export * from "./events/signals.js";
export * from "./events/outcome.js";
export * from "./events/outcome-scored.js";
export * from "./events/score-parts.js";
export * from "./events/scores.js";
export * from "./events/tier-changed.js";
export * from "./events/routing-action.js";
export * from "./events/parked.js";
export * from "./events/rubric-control.js";
export * from "./catalog.js";
export * from "./json-schema.js";
export { EXAMPLE_EVENTS } from "./examples.js";
