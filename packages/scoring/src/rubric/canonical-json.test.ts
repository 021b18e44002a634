import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json.js";

/** The plain definition the fast one must equal character for character: digests stored by services depend on it. */
function reference(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) throw new RangeError("canonical JSON has no representation for non-finite numbers");
    return JSON.stringify(value) ?? "null";
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : reference(v))).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(",")}}`;
}

describe("canonicalJson", () => {
  it("sorts keys at every level and drops undefined members", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, "x", null], c: undefined, b: true } })).toBe('{"a":{"b":true,"d":[1,"x",null]},"b":1}');
  });

  it("gives the same text for the same content in any key order", () => {
    expect(canonicalJson({ x: 1, y: { p: 2, q: 3 } })).toBe(canonicalJson({ y: { q: 3, p: 2 }, x: 1 }));
  });

  it("writes undefined array items as null and refuses non-finite numbers", () => {
    expect(canonicalJson([undefined, -0, 1e21, 0.1])).toBe("[null,0,1e+21,0.1]");
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(RangeError);
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow(RangeError);
  });

  it("escapes keys and strings as JSON does, in code-unit order", () => {
    expect(canonicalJson({ "é": 1, 'q"uote': "line\nbreak", Z: 2, "\u0001": 3 })).toBe(reference({ "é": 1, 'q"uote': "line\nbreak", Z: 2, "\u0001": 3 }));
  });

  // 200 generated documents, some deep: seconds on a loaded machine, so more room than vitest's 5 s default.
  it("equals the plain definition on any JSON value, with undefined members mixed in", { timeout: 60_000 }, () => {
    const value = fc.letrec((tie) => ({
      any: fc.oneof({ depthSize: "small" }, tie("leaf"), tie("array"), tie("object")),
      leaf: fc.oneof(fc.constant(null), fc.constant(undefined), fc.boolean(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.string(), fc.string({ unit: "binary" })),
      array: fc.array(tie("any"), { maxLength: 6 }),
      object: fc.dictionary(fc.string(), tie("any"), { maxKeys: 6 }),
    })).any;
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalJson(v)).toBe(reference(v));
      }),
      { numRuns: 200 },
    );
  });
});
