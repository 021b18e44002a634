/**
 * Logging lives in @icpstream/observability (redaction of secrets at any depth, URL
 * credentials stripped); kafka-kit re-exports the silent logger its callers' tests use.
 */
export { silentLogger } from "@icpstream/observability";
