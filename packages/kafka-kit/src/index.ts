/**
 * @icpstream/kafka-kit — Kafka plumbing: the kafkajs client from config, the registry codec
 * (pure wire format + thin registry client), a producer typed by the topic catalog, a
 * consumer runner that dead-letters what it cannot use, topic creation, and the error
 * taxonomy with stable codes.
 */
export * from "./errors.js";
export * from "./retry.js";
export * from "./wire.js";
export * from "./registry.js";
export * from "./codec.js";
export * from "./dead-letter.js";
export * from "./producer.js";
export * from "./consumer.js";
export * from "./topics.js";
export * from "./kafka.js";
export * from "./logger.js";
export * from "./co-partitioned-assigner.js";
export * from "./stateful-consumer.js";
export * from "./partition-reader.js";
export * from "./message-size.js";
