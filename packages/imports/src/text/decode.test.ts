import { describe, expect, it } from "vitest";
import { decodeInput } from "./decode.js";

const utf16le = (text: string, bom = true) => {
  const bytes = new Uint8Array((bom ? 2 : 0) + text.length * 2);
  if (bom) bytes.set([0xff, 0xfe]);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    bytes[(bom ? 2 : 0) + i * 2] = code & 0xff;
    bytes[(bom ? 2 : 0) + i * 2 + 1] = code >> 8;
  }
  return bytes;
};

describe("decodeInput", () => {
  it("drops a UTF-8 byte-order mark", () => {
    expect(decodeInput(new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x0a]), { source: "a.csv" })).toEqual({ text: "a\n", encoding: "utf-8" });
    expect(decodeInput("\ufeffa\n", { source: "a.csv" }).text).toBe("a\n");
  });

  it("converts UTF-16 with a byte-order mark, and without one by its NUL bytes, naming the encoding", () => {
    expect(decodeInput(utf16le("domain,name\nmüller.example,Müller\n"), { source: "a.csv" })).toEqual({ text: "domain,name\nmüller.example,Müller\n", encoding: "utf-16le" });
    expect(decodeInput(utf16le("domain,name\nacme.example,Acme\n", false), { source: "a.csv" }).encoding).toBe("utf-16le");
  });

  it("refuses invalid UTF-8 with the offset and line of the first bad byte, instead of replacing it", () => {
    const bytes = new TextEncoder().encode("domain,name\nacme.example,Acme\nm\u00fcller.example,X\n");
    const latin1 = new Uint8Array([...bytes.slice(0, 31), 0xfc, ...bytes.slice(33)]);
    expect(() => decodeInput(latin1, { source: "legacy.csv" })).toThrow(/legacy\.csv: not valid UTF-8 \(first bad byte at offset 31, line 3\).*--encoding windows-1252/);
  });

  it("reads a legacy encoding when it is named", () => {
    expect(decodeInput(new Uint8Array([0x4d, 0xfc, 0x6c, 0x6c, 0x65, 0x72, 0x0a]), { source: "legacy.csv", encoding: "windows-1252" }).text).toBe("Müller\n");
  });

  it("refuses a file with no line break in its first MiB before decoding it (a huge file with no line break)", () => {
    const huge = new Uint8Array(2 * 1024 * 1024).fill(0x61);
    expect(() => decodeInput(huge, { source: "blob.csv" })).toThrow("blob.csv: no line break in the first 1024 KiB");
    expect(() => decodeInput("x".repeat(2000), { source: "s.csv", maxLineBytes: 1000 })).toThrow("no line break");
  });
});
