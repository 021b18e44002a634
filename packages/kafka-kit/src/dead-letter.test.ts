import { describe, expect, it } from "vitest";
import { DLQ_HEADERS, deadLetterMessage, headerText } from "./dead-letter.js";
import { KafkaKitError, classifyError } from "./errors.js";

describe("a dead letter", () => {
  const original = { key: Buffer.from("acme.com"), value: Buffer.from([1, 2, 3]), headers: { "icp.event.type": Buffer.from("job_posting") } };
  const failure = new KafkaKitError("WIRE_FORMAT", "expected magic byte 0, got 1");
  const letter = deadLetterMessage(original, failure, { topic: "icp.hiring", partition: 2, offset: "41", group: "fit" }, "2026-10-20T10:00:00.000Z");

  it("keeps the original key, bytes and headers", () => {
    expect(letter.key).toBe(original.key);
    expect(letter.value).toBe(original.value);
    expect(headerText(letter.headers, "icp.event.type")).toBe("job_posting");
  });

  it("carries the reason, the stable code and where the message came from in headers", () => {
    expect(headerText(letter.headers, DLQ_HEADERS.reason)).toBe("expected magic byte 0, got 1");
    expect(headerText(letter.headers, DLQ_HEADERS.code)).toBe("WIRE_FORMAT");
    expect(headerText(letter.headers, DLQ_HEADERS.retryable)).toBe("false");
    expect(headerText(letter.headers, DLQ_HEADERS.topic)).toBe("icp.hiring");
    expect(headerText(letter.headers, DLQ_HEADERS.partition)).toBe("2");
    expect(headerText(letter.headers, DLQ_HEADERS.offset)).toBe("41");
    expect(headerText(letter.headers, DLQ_HEADERS.group)).toBe("fit");
  });
});

describe("classifyError", () => {
  it("keeps the code and retryable flag of errors that have them, such as the scoring package's", () => {
    expect(classifyError({ name: "ScoringError", code: "INVALID_ACCOUNT_KEY", retryable: false, message: "bad" })).toEqual({ code: "INVALID_ACCOUNT_KEY", retryable: false, message: "bad" });
  });

  it("reads kafkajs's retriable flag", () => {
    expect(classifyError({ name: "KafkaJSConnectionError", retriable: true, message: "down" })).toMatchObject({ code: "BROKER_UNAVAILABLE", retryable: true });
  });

  it("treats a registry 5xx as retryable and a 409 as an incompatible schema", () => {
    expect(classifyError({ status: 503, message: "x" })).toMatchObject({ code: "REGISTRY_UNAVAILABLE", retryable: true });
    expect(classifyError({ status: 409, message: "x" })).toMatchObject({ code: "SCHEMA_INCOMPATIBLE", retryable: false });
  });

  it("treats a registry that refuses the connection as retryable, though its client reports it as status 400", () => {
    // What @kafkajs/confluent-schema-registry (mappersmith) throws when nothing listens on the registry's port.
    const refused = { name: "ResponseError", status: 400, message: "Confluent_Schema_Registry - Error, status 400: connect ECONNREFUSED 127.0.0.1:18081" };
    expect(classifyError(refused)).toMatchObject({ code: "REGISTRY_UNAVAILABLE", retryable: true });
    expect(classifyError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6379"), { code: "ECONNREFUSED" }))).toMatchObject({ retryable: true });
    expect(classifyError({ name: "ResponseError", status: 400, message: "Confluent_Schema_Registry - Invalid schema" })).toMatchObject({ retryable: false });
  });

  it("treats an unknown error as permanent, so it is dead-lettered rather than retried forever", () => {
    expect(classifyError(new Error("boom"))).toMatchObject({ code: "HANDLER_FAILED", retryable: false });
  });
});
