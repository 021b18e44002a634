import { describe, expect, it } from "vitest";
import { ScoringError } from "../errors.js";
import { parseConfigYaml } from "./safe-yaml.js";

const options = { code: "RUBRIC_SYNTAX" as const, what: "rubric", maxChars: 10_000 };

describe("parseConfigYaml", () => {
  it("refuses a YAML alias bomb (billion laughs) with an error naming the file", () => {
    const levels = Array.from({ length: 9 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(9).fill(`*l${i}`).join(", ")}]`);
    const bomb = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]", ...levels].join("\n");
    expect(() => parseConfigYaml(bomb, "bomb.yaml", options)).toThrow(ScoringError);
    expect(() => parseConfigYaml(bomb, "bomb.yaml", options)).toThrow(/^bomb\.yaml: refused: its YAML aliases expand/);
  });

  it("refuses text over the size limit before parsing it", () => {
    expect(() => parseConfigYaml(`a: ${"x".repeat(20_000)}`, "big.yaml", options)).toThrow(/^big\.yaml: 20 KiB is more than a rubric may hold \(10 KiB\)/);
  });

  it("names the line and column of a syntax error, and refuses duplicate keys", () => {
    expect(() => parseConfigYaml("a: [1, 2\n", "r.yaml", options)).toThrow(/^r\.yaml:\d+:\d+: /);
    expect(() => parseConfigYaml("a: 1\na: 2\n", "r.yaml", options)).toThrow(/^r\.yaml:2:1: /);
  });

  it("keeps a few anchors and aliases for shared tables", () => {
    expect(parseConfigYaml("base: &b { x: 1 }\na: *b\nb: *b\n", "r.yaml", options)).toEqual({ base: { x: 1 }, a: { x: 1 }, b: { x: 1 } });
  });
});
