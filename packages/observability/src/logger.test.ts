import { describe, expect, it } from "vitest";
import type { Logger } from "./logger.js";
import { createLogger, silentLogger } from "./logger.js";

function capture(level: "info" | "debug" = "info") {
  const lines: string[] = [];
  const logger = createLogger({ service: "fit", level, destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe("createLogger", () => {
  it("a secret nested deep in a logged object never appears in the output", () => {
    const { logger, lines } = capture();
    logger.info({ config: { kafka: { sasl: { mechanism: "plain", username: "svc", password: "hunter2-kafka" } }, router: { webhooks: [{ url: "https://crm.example", webhookSecret: "whsec-123" }] } } }, "config loaded");
    const output = lines.join("");
    expect(output).not.toContain("hunter2-kafka");
    expect(output).not.toContain("whsec-123");
    expect(output).toContain('"username":"svc"');
    expect(output).toContain('"password":"[redacted]"');
  });

  it("censors the usual credential fields: headers, api keys, tokens, config secrets", () => {
    const { logger, lines } = capture();
    logger.warn({ headers: { authorization: "Bearer abc", "x-api-key": "key-1", accept: "application/json" }, apiKey: "key-2", token: "tok-3", config: { registrySecret: "reg-4", clientSecretValue: "cs-5" } }, "request");
    const output = lines.join("");
    for (const secret of ["Bearer abc", "key-1", "key-2", "tok-3", "reg-4", "cs-5"]) expect(output).not.toContain(secret);
    expect(output).toContain('"accept":"application/json"');
  });

  it("strips credentials from URLs in fields and in the message", () => {
    const { logger, lines } = capture();
    logger.info({ redisUrl: "redis://app:r3dis-pass@redis:6379/0" }, "connecting to redis://app:r3dis-pass@redis:6379/0");
    const output = lines.join("");
    expect(output).not.toContain("r3dis-pass");
    expect(output).toContain("redis://[redacted]@redis:6379/0");
  });

  it("logs an error with its type, message and stack, and redacts its fields", () => {
    const { logger, records } = capture();
    const error = Object.assign(new TypeError("connect to https://u:pw-in-msg@registry failed"), { config: { auth: { password: "pw-in-field" } } });
    logger.error({ err: error }, "registry unreachable");
    const [record] = records();
    const err = record?.err as Record<string, unknown>;
    expect(err.type).toBe("TypeError");
    expect(err.message).toBe("connect to https://[redacted]@registry failed");
    expect(String(err.stack)).toContain("TypeError");
    expect(JSON.stringify(record)).not.toMatch(/pw-in-(msg|field)/);
  });

  it("puts child bindings on every line and redacts them too", () => {
    const { logger, records } = capture();
    const child = logger.child({ topic: "intent", partition: 2, offset: "41", apiKey: "bound-key" }).child({ eventId: "evt-1" });
    child.info("applied");
    child.info("committed");
    for (const record of records()) {
      expect(record).toMatchObject({ service: "fit", topic: "intent", partition: 2, offset: "41", eventId: "evt-1", apiKey: "[redacted]" });
    }
    expect(records()).toHaveLength(2);
  });

  it("writes JSON lines with the service, a string level and an ISO time", () => {
    const { logger, records } = capture();
    logger.info("started");
    const [record] = records();
    expect(record).toMatchObject({ service: "fit", level: "info", msg: "started" });
    expect(new Date(String(record?.time)).toISOString()).toBe(record?.time);
  });

  it("drops lines below the configured level", () => {
    const { logger, lines } = capture("info");
    logger.debug("noise");
    expect(lines).toHaveLength(0);
  });

  it("is usable wherever a package asks for the Logger interface", () => {
    const { logger, lines } = capture();
    const accept = (log: Logger) => log.child({ topic: "hiring" }).info({ accountKey: "acme.com" }, "scored");
    accept(logger);
    accept(silentLogger());
    expect(lines).toHaveLength(1);
  });
});
