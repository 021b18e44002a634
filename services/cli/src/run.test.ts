import { describe, expect, it } from "vitest";
import { describeFailure } from "./run.js";

describe("describeFailure", () => {
  it("prints a registry that refused the connection in one line, without the password in its URL", () => {
    const error = Object.assign(new Error("registering icp.hiring-value at http://icp:hunter2pw@registry:8081/apis/ccompat/v7: connect ECONNREFUSED"), { code: "REGISTRY_UNAVAILABLE", retryable: true });
    expect(describeFailure(error)).toBe("registering icp.hiring-value at http://[redacted]@registry:8081/apis/ccompat/v7: connect ECONNREFUSED (REGISTRY_UNAVAILABLE, may succeed if retried)");
  });

  it("keeps the stack of an unclassified error, redacted", () => {
    const text = describeFailure(new TypeError("fetch http://u:pw-123@host/x failed"));
    expect(text).toMatch(/^TypeError: fetch http:\/\/\[redacted\]@host\/x failed\n\s+at /);
    expect(text).not.toContain("pw-123");
  });
});
