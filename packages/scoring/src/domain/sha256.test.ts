import { afterEach, describe, expect, it } from "vitest";
import { installSha256Hex, resetSha256Hex, sha256Hex } from "./sha256.js";

afterEach(() => resetSha256Hex());

describe("the SHA-256 port", () => {
  it("gives the FIPS 180-2 answers with the pure-JavaScript default", () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("uses an installed implementation for every digest from then on", () => {
    const texts = ["abc", "", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "Zürich · 東京 · 🚀", "acme.com"];
    const answers = new Map(texts.map((t) => [t, sha256Hex(t)]));
    const calls: string[] = [];
    installSha256Hex((text) => {
      calls.push(text);
      return answers.get(text) ?? "";
    });
    calls.length = 0; // the known-answer check at install went through it too
    expect(sha256Hex("acme.com")).toBe(answers.get("acme.com"));
    expect(calls).toEqual(["acme.com"]);
  });

  it("refuses an implementation that fails a known answer, and keeps the one it had", () => {
    expect(() => installSha256Hex((text) => `x${text}`)).toThrow(/installSha256Hex: the implementation gives "xabc" for "abc"/);
    expect(() => installSha256Hex((text) => Buffer.from(text, "latin1").toString("hex"))).toThrow(TypeError);
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
