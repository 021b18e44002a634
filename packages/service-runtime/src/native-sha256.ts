import { createHash } from "node:crypto";
import { installSha256Hex } from "@icpstream/scoring";

/** SHA-256 of a text's UTF-8 bytes as lower-case hex, by Node's OpenSSL binding. */
export const nodeSha256Hex = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

/**
 * Makes every digest and derived id of the pure packages use `node:crypto` instead of the
 * pure-JavaScript default (the same bytes, several times less CPU per digest). Called
 * first by every entry point: the scoring services (`runService`), the HTTP gateway, the
 * synthetic feed and the `icp` command. Throws a TypeError if the binding fails the
 * known-answer check (see `installSha256Hex`).
 */
export function useNativeSha256(): void {
  installSha256Hex(nodeSha256Hex);
}
