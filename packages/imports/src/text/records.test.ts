import { describe, expect, it } from "vitest";
import { detectDelimiter, readRows } from "./records.js";

describe("readRows (CSV)", () => {
  it("keeps line numbers right after quoted cells with CR/LF inside", () => {
    const read = readRows('domain,employee_count,note\r\na1.example,1,"two\r\nlines"\r\nna-d.example,N/A,\r\n', { source: "a.csv", format: "csv" });
    expect(read.rows.map((r) => [r.line, r.cells?.[0]])).toEqual([
      [2, "a1.example"],
      [4, "na-d.example"],
    ]);
  });

  it("detects ; , tab and | from the header row, ignoring delimiters inside quotes", () => {
    expect(detectDelimiter('domain;name;"a,b,c,d"\n')).toBe(";");
    expect(detectDelimiter("domain\tname\tindustry\n")).toBe("\t");
    expect(detectDelimiter("domain|name\n")).toBe("|");
    expect(detectDelimiter("domain\n")).toBe(",");
    expect(readRows("domain\tname\nacme.example\tAcme; Co\n", { source: "t.tsv", format: "csv" }).rows[0]?.cells).toEqual(["acme.example", "Acme; Co"]);
  });

  it("skips blank rows without counting them, and rejects a row with extra cells by its line", () => {
    const read = readRows("domain,name\n\n,,\nacme.example,Acme,extra\nglobex.example,Globex\n", { source: "a.csv", format: "csv" });
    expect(read.rows.map((r) => r.line)).toEqual([5]);
    expect(read.rejects).toEqual([expect.objectContaining({ line: 4, reason: "unreadable_row" })]);
  });

  it("rejects one oversized row by its line and reads the rows after it", () => {
    const read = readRows(`domain,name\nacme.example,Acme\nhuge.example,${"x".repeat(5000)}\nglobex.example,Globex\n`, { source: "a.csv", format: "csv", maxRowChars: 1000 });
    expect(read.rows.map((r) => r.cells?.[0])).toEqual(["acme.example", "globex.example"]);
    expect(read.rejects).toEqual([expect.objectContaining({ reason: "row_too_large", line: 3 })]);
  });
});

describe("readRows (NDJSON)", () => {
  it("reads objects by line, skipping blank lines, with CRLF and a BOM", () => {
    const read = readRows('\ufeff{"domain":"a.example"}\r\n\r\n{"domain":"b.example"}\r\n[1]\r\n{nope\r\n', { source: "a.ndjson", format: "ndjson" });
    expect(read.rows.map((r) => [r.line, r.object?.domain])).toEqual([
      [1, "a.example"],
      [3, "b.example"],
    ]);
    expect(read.rejects.map((r) => [r.line, r.reason])).toEqual([
      [4, "unreadable_row"],
      [5, "unreadable_row"],
    ]);
  });

  it("rejects an oversized line and goes on", () => {
    const read = readRows(`{"domain":"a.example","x":"${"y".repeat(3000)}"}\n{"domain":"b.example"}\n`, { source: "a.ndjson", format: "ndjson", maxRowChars: 1000 });
    expect(read.rows.map((r) => r.line)).toEqual([2]);
    expect(read.rejects).toEqual([expect.objectContaining({ line: 1, reason: "row_too_large" })]);
  });
});
