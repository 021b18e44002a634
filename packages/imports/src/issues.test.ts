import { describe, expect, it } from "vitest";
import type { ImportIssue } from "./issues.js";
import { countByReason, escapeFormula, parseMaxRejected, renderIssues } from "./issues.js";

const issue = (line: number, reason: ImportIssue["reason"], column?: string, value?: string): ImportIssue => ({ source: "a.csv", line, column, value, reason, message: `${reason} on ${line}` });

describe("escapeFormula (OWASP CSV injection)", () => {
  it.each([
    ["=1+1", "'=1+1"],
    ["+1 555 0100", "'+1 555 0100"],
    ["-cmd", "'-cmd"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tx", "'\tx"],
    ["\rx", "'\rx"],
    ["Acme", "Acme"],
    ["-3.5", "-3.5"],
    ["+12", "+12"],
    ["", ""],
  ])("turns %j into %j", (text, escaped) => {
    expect(escapeFormula(text)).toBe(escaped);
  });
});

describe("issue files", () => {
  it("writes rejects and warnings as NDJSON or as CSV with formula cells escaped", () => {
    const issues = [{ kind: "reject" as const, issue: issue(3, "profile_url", "website", "=HYPERLINK(1)") }];
    expect(JSON.parse(renderIssues(issues, "ndjson"))).toEqual({ kind: "reject", file: "a.csv", line: 3, column: "website", value: "=HYPERLINK(1)", reason: "profile_url", message: "profile_url on 3" });
    expect(renderIssues(issues, "csv")).toBe("kind,file,line,column,value,reason,message\nreject,a.csv,3,website,'=HYPERLINK(1),profile_url,profile_url on 3\n");
  });

  it("groups issues by reason with counts and columns, largest group first", () => {
    const groups = countByReason([issue(2, "placeholder", "size"), issue(3, "not_understood", "size"), issue(4, "placeholder", "revenue"), issue(5, "placeholder", "size")]);
    expect(groups.map((g) => [g.reason, g.count, g.columns.map((c) => `${c.column}×${c.count}`)])).toEqual([
      ["placeholder", 3, ["size×2", "revenue×1"]],
      ["not_understood", 1, ["size×1"]],
    ]);
  });

  it("reads --max-rejected as a count or a share", () => {
    expect(parseMaxRejected("10")(11, 1000)).toBe(true);
    expect(parseMaxRejected("10")(10, 1000)).toBe(false);
    expect(parseMaxRejected("5%")(6, 100)).toBe(true);
    expect(parseMaxRejected("5%")(5, 100)).toBe(false);
    expect(() => parseMaxRejected("lots")).toThrow("expected a count such as 10 or a share such as 5%");
  });
});
