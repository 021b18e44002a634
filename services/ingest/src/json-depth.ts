/**
 * How deep a JSON text nests, read from its bytes without parsing it: objects and arrays
 * opened outside strings count, escapes inside strings are skipped. A loop, not recursion,
 * so a body of a million `[` costs one pass and no stack.
 *
 * Why before parsing: a deeply nested body is valid JSON that the code after `JSON.parse`
 * (event-id hashing, validation) walks recursively — 100 000 levels overflowed the stack
 * and came back as "503, retry", a request that could never succeed.
 *
 * Returns the first byte offset where the depth goes past `maxDepth`, or undefined when it
 * never does. Malformed JSON is not judged here (`JSON.parse` says what is wrong with it).
 */
export function exceedsJsonDepth(bytes: Uint8Array, maxDepth: number): number | undefined {
  const QUOTE = 0x22;
  const BACKSLASH = 0x5c;
  const OPEN_BRACE = 0x7b;
  const OPEN_BRACKET = 0x5b;
  const CLOSE_BRACE = 0x7d;
  const CLOSE_BRACKET = 0x5d;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      if (++depth > maxDepth) return i;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth--;
    }
  }
  return undefined;
}
