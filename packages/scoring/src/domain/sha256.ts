import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";

/**
 * The SHA-256 port behind every digest and derived id icpstream computes (rubric versions,
 * derived event ids, output ids, the change-detection digests of fit and timing scores,
 * routing action ids): the SHA-256 of a text's UTF-8 bytes as 64 lower-case hex characters.
 *
 * The pure packages stay free of `node:*`, so the default is pure JavaScript
 * (@noble/hashes). A host with a native implementation installs it once at start
 * (services, the gateway and the `icp` command install `node:crypto`'s, several times
 * faster per digest); both give the same bytes (FIPS 180-4), so a digest never depends on
 * who computed it and the stream still equals the batch recompute.
 */
export type Sha256Hex = (text: string) => string;

const pureSha256Hex: Sha256Hex = (text) => bytesToHex(sha256(utf8ToBytes(text)));
let current: Sha256Hex = pureSha256Hex;

/** The SHA-256 of `text` (UTF-8) as 64 lower-case hex characters, by the installed implementation. */
export function sha256Hex(text: string): string {
  return current(text);
}

/** FIPS 180-2 Appendix B test vectors, plus one beyond ASCII: an implementation must give all of them. */
const KNOWN_ANSWERS: readonly (readonly [string, string])[] = [
  ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
  ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  ["abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"],
];

/**
 * Installs a native SHA-256 (e.g. `node:crypto`'s) for every digest from now on.
 * Throws a TypeError, and keeps the current one, when the implementation fails a known
 * answer (FIPS 180-2 vectors, and a non-ASCII text against the pure implementation), so a
 * wrong port can never change ids or digests silently.
 */
export function installSha256Hex(implementation: Sha256Hex): void {
  const unicode = "Zürich · 東京 · 🚀";
  for (const [text, expected] of [...KNOWN_ANSWERS, [unicode, pureSha256Hex(unicode)] as const]) {
    const got = implementation(text);
    if (got !== expected) throw new TypeError(`installSha256Hex: the implementation gives ${JSON.stringify(got)} for ${JSON.stringify(text)}, expected ${expected}`);
  }
  current = implementation;
}

/** Back to the pure-JavaScript implementation (tests). */
export function resetSha256Hex(): void {
  current = pureSha256Hex;
}
