import { describe, expect, it } from "vitest";
import { fatalErrorHandler } from "./fatal.js";
import { createLogger } from "./logger.js";

describe("fatalErrorHandler", () => {
  it("a registry error that reaches the top of main is logged without the password in the registry URL, then the process exits 1", () => {
    const lines: string[] = [];
    const logger = createLogger({ service: "fit", level: "info", destination: { write: (line: string) => void lines.push(line) } });
    const exits: number[] = [];
    // The shape @kafkajs/confluent-schema-registry throws (the request URL in a field), wrapped as kafka-kit wraps it.
    const cause = Object.assign(new Error("Confluent_Schema_Registry - Error, status 400: connect ECONNREFUSED 127.0.0.1:1"), { status: 400, url: "get http://icp:hunter2pw@127.0.0.1:1/apis/ccompat/v7/config/icp.firmographic-value" });
    const error = Object.assign(new Error("registering icp.firmographic-value at http://icp:hunter2pw@127.0.0.1:1/apis/ccompat/v7", { cause }), { request: cause });
    fatalErrorHandler(logger, (code) => exits.push(code))(error, "unhandledRejection");
    const output = lines.join("");
    expect(output).not.toContain("hunter2pw");
    expect(output).toContain("http://[redacted]@127.0.0.1:1/apis/ccompat/v7");
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({ level: "fatal", origin: "unhandledRejection", err: { type: "Error" } });
    expect(exits).toEqual([1]);
  });
});
