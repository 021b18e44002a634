import { describe, expect, it } from "vitest";
import { RecentStates } from "./recent-states.js";

describe("recent states", () => {
  it("hands back the state written when the text read is the text written, and decodes anything else", () => {
    const decoded: string[] = [];
    const recent = new RecentStates<{ n: number }>((text) => (decoded.push(text), JSON.parse(text) as { n: number }), 2);
    const state = { n: 1 };
    recent.wrote("a.com", '{"n":1}', state);
    expect(recent.read("a.com", '{"n":1}')).toBe(state);
    expect(recent.read("a.com", '{"n":2}')).toEqual({ n: 2 });
    expect(recent.read("b.com", '{"n":1}')).toEqual({ n: 1 });
    expect(recent.read("a.com", undefined)).toBeUndefined();
    expect(decoded).toEqual(['{"n":2}', '{"n":1}']);
  });

  it("keeps at most its limit, dropping the account written longest ago", () => {
    const recent = new RecentStates<string>((text) => `decoded ${text}`, 2);
    recent.wrote("a.com", "A", "a");
    recent.wrote("b.com", "B", "b");
    recent.wrote("a.com", "A2", "a2");
    recent.wrote("c.com", "C", "c");
    expect(recent.read("b.com", "B")).toBe("decoded B");
    expect(recent.read("a.com", "A2")).toBe("a2");
    expect(recent.read("c.com", "C")).toBe("c");
  });
});
