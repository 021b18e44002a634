import { createHmac } from "node:crypto";
import fc from "fast-check";
import { hexToBytes } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { constantTimeEqual, hmacSha256Hex, parseSignatureHeader, signWebhook, verifyWebhook } from "./webhook-signature.js";

const fill = (byte: number, n: number) => new Uint8Array(n).fill(byte);

// RFC 4231, section 4: HMAC-SHA-256 test cases 1–4, 6 and 7 (5 tests truncated output).
const RFC4231 = [
  { name: "1", key: fill(0x0b, 20), data: "Hi There", mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
  { name: "2", key: "Jefe", data: "what do ya want for nothing?", mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
  { name: "3", key: fill(0xaa, 20), data: fill(0xdd, 50), mac: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
  { name: "4", key: hexToBytes("0102030405060708090a0b0c0d0e0f10111213141516171819"), data: fill(0xcd, 50), mac: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
  { name: "6", key: fill(0xaa, 131), data: "Test Using Larger Than Block-Size Key - Hash Key First", mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
  {
    name: "7",
    key: fill(0xaa, 131),
    data: "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
    mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
  },
];

const SECRET = "whsec_test_secret";
const BODY = JSON.stringify({ type: "route_to_owner", accountKey: "acme.com", owner: "ae-emea-2" });
const NOW = "2026-10-20T09:31:12Z";
const T = Date.parse(NOW) / 1000;

describe("HMAC-SHA256", () => {
  for (const vector of RFC4231) {
    it(`matches RFC 4231 test case ${vector.name}`, () => {
      expect(hmacSha256Hex(vector.key, vector.data)).toBe(vector.mac);
    });
  }

  it("agrees with Node's crypto on any key and data", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 500 }), (key, data) => {
        expect(hmacSha256Hex(key, data)).toBe(createHmac("sha256", key).update(data).digest("hex"));
      }),
    );
  });
});

describe("webhook signatures", () => {
  it("a delivery is signed as t=<unix seconds>,v1=<hmac of timestamp.body>", () => {
    const header = signWebhook({ secret: SECRET, body: BODY, now: NOW });
    expect(header).toBe(`t=${T},v1=${createHmac("sha256", SECRET).update(`${T}.${BODY}`).digest("hex")}`);
  });

  it("a signed delivery verifies", () => {
    const header = signWebhook({ secret: SECRET, body: BODY, now: NOW });
    expect(verifyWebhook({ secret: SECRET, body: BODY, header, now: "2026-10-20T09:32:00Z" })).toEqual({ ok: true, timestamp: T });
  });

  it("a body signed as bytes verifies as the same text, and the other way round", () => {
    const bytes = new TextEncoder().encode(BODY);
    expect(verifyWebhook({ secret: SECRET, body: BODY, header: signWebhook({ secret: SECRET, body: bytes, now: NOW }), now: NOW }).ok).toBe(true);
  });

  it("a tampered body is refused", () => {
    const header = signWebhook({ secret: SECRET, body: BODY, now: NOW });
    expect(verifyWebhook({ secret: SECRET, body: BODY.replace("ae-emea-2", "ae-emea-1"), header, now: NOW })).toMatchObject({ ok: false, reason: "signature_mismatch" });
  });

  it("a tampered timestamp is refused, since it is part of what is signed", () => {
    const header = signWebhook({ secret: SECRET, body: BODY, now: NOW }).replace(`t=${T}`, `t=${T + 60}`);
    expect(verifyWebhook({ secret: SECRET, body: BODY, header, now: NOW })).toMatchObject({ ok: false, reason: "signature_mismatch" });
  });

  it("a delivery signed with another secret is refused", () => {
    const header = signWebhook({ secret: "someone-else", body: BODY, now: NOW });
    expect(verifyWebhook({ secret: SECRET, body: BODY, header, now: NOW })).toMatchObject({ ok: false, reason: "signature_mismatch" });
  });

  it("a delivery older than the tolerance window is refused as expired, even with a good signature", () => {
    const header = signWebhook({ secret: SECRET, body: BODY, now: NOW });
    expect(verifyWebhook({ secret: SECRET, body: BODY, header, now: T * 1000 + 301_000 })).toMatchObject({ ok: false, reason: "timestamp_outside_tolerance" });
    expect(verifyWebhook({ secret: SECRET, body: BODY, header, now: T * 1000 + 300_000 }).ok).toBe(true);
    expect(verifyWebhook({ secret: SECRET, body: BODY, header, now: T * 1000 + 3_600_000, toleranceSeconds: 3600 }).ok).toBe(true);
  });

  it("a delivery dated too far in the future is refused too", () => {
    const header = signWebhook({ secret: SECRET, body: BODY, now: T * 1000 + 600_000 });
    expect(verifyWebhook({ secret: SECRET, body: BODY, header, now: NOW })).toMatchObject({ ok: false, reason: "timestamp_outside_tolerance" });
  });

  it("while a secret rotates, the sender signs with both and a receiver with either secret accepts", () => {
    const header = signWebhook({ secret: ["old-secret", "new-secret"], body: BODY, now: NOW });
    expect(parseSignatureHeader(header)?.signatures).toHaveLength(2);
    expect(verifyWebhook({ secret: "old-secret", body: BODY, header, now: NOW }).ok).toBe(true);
    expect(verifyWebhook({ secret: ["new-secret"], body: BODY, header, now: NOW }).ok).toBe(true);
    expect(verifyWebhook({ secret: "third", body: BODY, header, now: NOW }).ok).toBe(false);
  });

  it("a missing or malformed header is refused with its own reason", () => {
    expect(verifyWebhook({ secret: SECRET, body: BODY, header: undefined, now: NOW })).toMatchObject({ ok: false, reason: "missing_header" });
    for (const header of ["v1=abc", "t=abc,v1=" + "0".repeat(64), `t=${T}`, `t=${T},v1=xyz`, "garbage", `t=${T},t=${T},v1=${"0".repeat(64)}`]) {
      expect(verifyWebhook({ secret: SECRET, body: BODY, header, now: NOW })).toMatchObject({ ok: false, reason: "malformed_header" });
    }
  });

  it("unknown signature schemes next to v1 are ignored, and spaces after commas are tolerated", () => {
    const header = signWebhook({ secret: SECRET, body: BODY, now: NOW }).replace(",", ", v0=deadbeef, ");
    expect(verifyWebhook({ secret: SECRET, body: BODY, header, now: NOW }).ok).toBe(true);
  });

  it("constant-time comparison says equal only for equal strings", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(a === b);
        expect(constantTimeEqual(a, a)).toBe(true);
      }),
    );
  });
});
