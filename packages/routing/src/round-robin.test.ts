import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeCursor, pickOwner } from "./round-robin.js";

describe("round-robin within a team", () => {
  it("hands out owners in order and wraps around", () => {
    const owners = ["a", "b", "c"];
    let cursor = 0;
    const picked: string[] = [];
    for (let i = 0; i < 7; i++) {
      const pick = pickOwner(owners, cursor);
      picked.push(pick.owner);
      cursor = pick.nextCursor;
    }
    expect(picked).toEqual(["a", "b", "c", "a", "b", "c", "a"]);
    expect(cursor).toBe(7);
  });

  it("a missing, negative or fractional cursor starts at the first owner", () => {
    for (const bad of [undefined, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(normalizeCursor(bad)).toBe(0);
    expect(pickOwner(["a", "b"], -3)).toEqual({ owner: "a", nextCursor: 1 });
  });

  it("an owner leaving the team never leaves the cursor pointing past the end", () => {
    expect(pickOwner(["a", "b"], 5).owner).toBe("b");
  });

  it("a team without owners is a programming error", () => {
    expect(() => pickOwner([], 0)).toThrow(RangeError);
  });

  it("spreads evenly: after any number of picks from any cursor, owners' counts differ by at most one", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 12 }), fc.nat({ max: 1_000_000 }), fc.nat({ max: 500 }), (owners, start, picks) => {
        const counts = new Map(owners.map((o) => [o, 0]));
        let cursor = start;
        for (let i = 0; i < picks; i++) {
          const pick = pickOwner(owners, cursor);
          counts.set(pick.owner, (counts.get(pick.owner) ?? 0) + 1);
          cursor = pick.nextCursor;
        }
        const values = [...counts.values()];
        expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(1);
        expect(cursor).toBe(start + picks);
      }),
    );
  });
});
