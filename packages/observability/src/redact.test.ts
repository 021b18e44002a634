import { describe, expect, it } from "vitest";
import { CENSOR, isSecretKey, redactSecrets, redactUrl } from "./redact.js";

describe("redactUrl", () => {
  it("removes user and password from a Redis URL and keeps host, port and database", () => {
    expect(redactUrl("redis://app:s3cret@redis.internal:6379/0")).toBe(`redis://${CENSOR}@redis.internal:6379/0`);
  });

  it("removes a password given without a user", () => {
    expect(redactUrl("rediss://:s3cret@cache:6380")).toBe(`rediss://${CENSOR}@cache:6380`);
  });

  it("removes all of a password that contains an unescaped @", () => {
    const redacted = redactUrl("postgres://app:p@ss@db:5432/icp");
    expect(redacted).toBe(`postgres://${CENSOR}@db:5432/icp`);
    expect(redacted).not.toContain("ss@db");
  });

  it("strips every URL inside a longer text", () => {
    expect(redactUrl("cannot reach redis://a:b@r1:6379 or http://c:d@registry:8080/apis")).toBe(
      `cannot reach redis://${CENSOR}@r1:6379 or http://${CENSOR}@registry:8080/apis`,
    );
  });

  it("leaves URLs without credentials alone, even with an @ in the query", () => {
    for (const text of ["http://localhost:8081/apis/ccompat/v7", "https://crm.example/hook?owner=ana@example.com", "not a url: a@b"]) {
      expect(redactUrl(text)).toBe(text);
    }
  });
});

describe("isSecretKey", () => {
  it("recognises credential fields whatever their case or separator", () => {
    for (const key of ["password", "redisPassword", "secret", "webhookSecret", "clientSecret", "apiKey", "api_key", "X-Api-Key", "token", "accessToken", "refresh_token", "authorization", "Authorization", "cookie", "icp-signature", "x-icp-signature", "credentials", "privateKey"]) {
      expect(isSecretKey(key), key).toBe(true);
    }
  });

  it("leaves the pipeline's ordinary fields visible", () => {
    for (const key of ["topic", "partition", "offset", "eventId", "accountKey", "scorecard", "tokenCount", "maxTokens", "key", "url", "code"]) {
      expect(isSecretKey(key), key).toBe(false);
    }
  });
});

describe("redactSecrets", () => {
  it("returns the very same object when there is nothing to redact", () => {
    const fields = { topic: "intent", nested: { partition: 3, list: [1, "two"] } };
    expect(redactSecrets(fields)).toBe(fields);
  });

  it("never changes the caller's object", () => {
    const config = { redis: { url: "redis://u:p@h:6379", password: "p" } };
    const redacted = redactSecrets(config) as typeof config;
    expect(redacted.redis).toEqual({ url: `redis://${CENSOR}@h:6379`, password: CENSOR });
    expect(config).toEqual({ redis: { url: "redis://u:p@h:6379", password: "p" } });
  });

  it("censors secrets inside arrays and class instances", () => {
    class Client {
      constructor(public options: { apiKey: string }) {}
    }
    expect(redactSecrets({ clients: [new Client({ apiKey: "k1" })] })).toEqual({ clients: [{ options: { apiKey: CENSOR } }] });
  });

  it("turns a URL object into its redacted text", () => {
    expect(redactSecrets({ target: new URL("https://user:pw@hooks.example/x") })).toEqual({ target: `https://${CENSOR}@hooks.example/x` });
  });

  it("marks a circular reference instead of following it", () => {
    const node: Record<string, unknown> = { name: "a", secret: "s" };
    node.self = node;
    expect(redactSecrets(node)).toEqual({ name: "a", secret: CENSOR, self: "[Circular]" });
  });

  it("does not take an object shared by two fields for a cycle", () => {
    const shared = { region: "eu" };
    expect(redactSecrets({ a: shared, b: shared, token: "t" })).toEqual({ a: shared, b: shared, token: CENSOR });
  });
});
