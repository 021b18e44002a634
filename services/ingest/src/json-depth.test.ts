import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exceedsJsonDepth } from "./json-depth.js";

const bytes = (text: string) => Buffer.from(text, "utf8");
function depthOf(value: unknown): number {
  if (value === null || typeof value !== "object") return 0;
  const children = Array.isArray(value) ? value : Object.values(value as object);
  return 1 + children.reduce<number>((max, child) => Math.max(max, depthOf(child)), 0);
}

describe("exceedsJsonDepth", () => {
  it("a body nested 100 000 levels deep is caught in one pass, at the first level past the limit", () => {
    const deep = `{"x":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    expect(exceedsJsonDepth(bytes(deep), 32)).toBe(5 + 31);
  });

  it("brackets and escaped quotes inside strings do not count", () => {
    expect(exceedsJsonDepth(bytes(JSON.stringify({ title: '[[[[{{{{ " [[[[', tags: ['a"[[', "\\", "]]{"] })), 2)).toBeUndefined();
  });

  it("agrees with the depth of the parsed value for any JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 8 }), (value, limit) => {
        const text = JSON.stringify(value);
        expect(exceedsJsonDepth(bytes(text), limit) !== undefined).toBe(depthOf(value) > limit);
      }),
    );
  });
});
