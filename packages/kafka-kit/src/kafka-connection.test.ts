import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { kafkaConnectionFromEnv } from "./kafka.js";

const dir = mkdtempSync(join(tmpdir(), "kafka-connection-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe("the Kafka connection from the environment", () => {
  it("brokers alone give a plaintext connection without credentials", () => {
    expect(kafkaConnectionFromEnv({ KAFKA_BROKERS: "k1:9092, k2:9092" })).toEqual({ brokers: ["k1:9092", "k2:9092"] });
  });

  it("SCRAM credentials with the password from a file (its trailing newline dropped) and TLS with a private CA", () => {
    const connection = kafkaConnectionFromEnv({
      KAFKA_BROKERS: "127.0.0.1:35092",
      KAFKA_SASL_MECHANISM: "scram-sha-512",
      KAFKA_SASL_USERNAME: "icpstream",
      KAFKA_SASL_PASSWORD_FILE: file("pw", "s3cret\n"),
      KAFKA_SSL: "true",
      KAFKA_SSL_CA_FILE: file("ca.pem", "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n"),
      KAFKA_SSL_SERVERNAME: "kafka.internal",
    });
    expect(connection).toEqual({
      brokers: ["127.0.0.1:35092"],
      sasl: { mechanism: "scram-sha-512", username: "icpstream", password: "s3cret" },
      ssl: { ca: "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n", servername: "kafka.internal" },
    });
  });

  it("a CA file alone turns TLS on; KAFKA_SSL=true alone trusts Node's store", () => {
    expect(kafkaConnectionFromEnv({ KAFKA_BROKERS: "k:1", KAFKA_SSL_CA_FILE: file("ca2.pem", "CA") }).ssl).toEqual({ ca: "CA" });
    expect(kafkaConnectionFromEnv({ KAFKA_BROKERS: "k:1", KAFKA_SSL: "true" }).ssl).toEqual({});
  });

  it("half-given credentials fail naming every variable to fix, never showing a password", () => {
    expect(() => kafkaConnectionFromEnv({ KAFKA_BROKERS: "k:1", KAFKA_SASL_MECHANISM: "scram-sha-512" })).toThrow(/KAFKA_SASL_USERNAME: is required[\s\S]*KAFKA_SASL_PASSWORD: KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE is required/);
    expect(() => kafkaConnectionFromEnv({ KAFKA_BROKERS: "k:1", KAFKA_SASL_USERNAME: "u", KAFKA_SASL_PASSWORD: "hunter2" })).toThrow(/KAFKA_SASL_MECHANISM: is required/);
    expect(() => kafkaConnectionFromEnv({ KAFKA_BROKERS: "k:1", KAFKA_SASL_USERNAME: "u", KAFKA_SASL_PASSWORD: "hunter2" })).not.toThrow(/hunter2/);
    expect(() => kafkaConnectionFromEnv({ KAFKA_BROKERS: "k:1", KAFKA_SASL_MECHANISM: "gssapi" })).toThrow(/KAFKA_SASL_MECHANISM: expected scram-sha-512, scram-sha-256 or plain/);
    expect(() => kafkaConnectionFromEnv({ KAFKA_BROKERS: "k:1", KAFKA_SSL_CERT_FILE: "c.pem" })).toThrow(/KAFKA_SSL_KEY_FILE: a client certificate needs both/);
    expect(() => kafkaConnectionFromEnv({ KAFKA_BROKERS: "k:1", KAFKA_SSL: "false", KAFKA_SSL_CA_FILE: "ca.pem" })).toThrow(/KAFKA_SSL: is false, but KAFKA_SSL_\* files/);
  });

  it("a file that cannot be read is named with the variable", () => {
    expect(() => kafkaConnectionFromEnv({ KAFKA_BROKERS: "k:1", KAFKA_SSL_CA_FILE: join(dir, "missing.pem") })).toThrow(/KAFKA_SSL_CA_FILE: cannot read .*missing\.pem \(ENOENT\)/);
    expect(() => kafkaConnectionFromEnv({ KAFKA_BROKERS: "k:1", KAFKA_SASL_MECHANISM: "plain", KAFKA_SASL_USERNAME: "u", KAFKA_SASL_PASSWORD_FILE: file("empty", "\n") })).toThrow(/KAFKA_SASL_PASSWORD_FILE: .* is empty/);
  });
});
