import { afterEach, describe, expect, it } from "vitest";
import { derivedEventId, parseRubric, resetSha256Hex, sha256Hex } from "@icpstream/scoring";
import { readFileSync } from "node:fs";
import { nodeSha256Hex, useNativeSha256 } from "./native-sha256.js";

afterEach(() => resetSha256Hex());

describe("node:crypto behind the SHA-256 port", () => {
  it("gives the same ids, digests and rubric versions as the pure-JavaScript default", () => {
    const rubricText = readFileSync(new URL("../../../rubrics/enterprise.yaml", import.meta.url), "utf8");
    const texts = ["", "acme.com", "Zürich · 東京 · 🚀", "x".repeat(100_000)];
    const before = { hex: texts.map(sha256Hex), id: derivedEventId({ accountKey: "acme.com", type: "demo_request" }), version: parseRubric(rubricText, "enterprise.yaml").version.hash };
    useNativeSha256();
    expect(texts.map(nodeSha256Hex)).toEqual(before.hex);
    expect({ hex: texts.map(sha256Hex), id: derivedEventId({ accountKey: "acme.com", type: "demo_request" }), version: parseRubric(rubricText, "enterprise.yaml").version.hash }).toEqual(before);
  });
});
