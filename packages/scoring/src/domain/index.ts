/**
 * The domain vocabulary shared by the scoring engine and the event contracts: account
 * keys, account profiles (fit inputs) and signals (timing inputs). Contracts import
 * these schemas so the words on the wire are the words the engine scores.
 */
export * from "./account-key.js";
export * from "./account-profile.js";
export * from "./label.js";
export * from "./signal.js";
export * from "./time.js";
export * from "./event-id.js";
export * from "./sha256.js";
export * from "./firmographic-values.js";
export * from "./title.js";
export * from "./opportunity.js";
export * from "./contact.js";
