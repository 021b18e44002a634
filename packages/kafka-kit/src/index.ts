/**
 * @icpstream/kafka-kit — Kafka plumbing: the kafkajs client from config, the registry codec
 * (pure wire format + thin registry client), a producer typed by the topic catalog, the
 * catalog's partitioner, two consumer loops that dead-letter what they cannot use (the
 * runner, with automatic or manual commit, and the exactly-once stateful consumer), topic
 * creation, and the error taxonomy with stable codes.
 */
export * from "./errors.js";
export * from "./retry.js";
export * from "./wire.js";
export * from "./registry.js";
export * from "./codec.js";
export * from "./dead-letter.js";
export * from "./producer.js";
export * from "./consumer.js";
export * from "./settled-offsets.js";
export * from "./partitioner.js";
export * from "./broker-metadata.js";
export * from "./decode-message.js";
export * from "./topics.js";
export * from "./kafka.js";
export * from "./logger.js";
export * from "./co-partitioned-assigner.js";
export * from "./stateful-consumer.js";
export * from "./partition-reader.js";
export * from "./message-size.js";
export { forgetGroup } from "./forget-group.js";
