import { ScoringError } from "@icpstream/scoring";

/**
 * Bytes of an export → text. Exports arrive as UTF-8 with or without a byte-order mark
 * (Excel writes one), as UTF-16 (Excel's "Unicode text", some CRM exports), or in a legacy
 * single-byte encoding. The rules:
 *
 * - a UTF-8 BOM is dropped; UTF-16 with a BOM, or recognised by its NUL bytes (ASCII text in
 *   UTF-16 has every other byte 0), is converted, and the encoding is reported;
 * - anything else must be valid UTF-8, unless an `encoding` is given (any WHATWG label,
 *   e.g. `windows-1252`); invalid UTF-8 is refused with the byte offset, never replaced by
 *   U+FFFD question marks that would become part of names and domains;
 * - a file whose first line break is not within `maxLineChars` is refused before it is
 *   decoded: it is not a CSV or NDJSON file (or its first row is beyond any row limit).
 */
export interface DecodedText {
  text: string;
  /** The encoding the bytes were read in (`utf-8`, `utf-16le`, …). */
  encoding: string;
}

export interface DecodeOptions {
  source: string;
  /** A WHATWG encoding label; default: UTF-8 (UTF-16 recognised on its own). */
  encoding?: string | undefined;
  /** Refuse input whose first line is longer than this many bytes (default 1 MiB). */
  maxLineBytes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

export function decodeInput(input: Uint8Array | string, options: DecodeOptions): DecodedText {
  if (typeof input === "string") {
    checkFirstLine(input.length, input.indexOf("\n"), options);
    return { text: input.charCodeAt(0) === 0xfeff ? input.slice(1) : input, encoding: "utf-8" };
  }
  const bytes = input;
  const utf16 = utf16Of(bytes);
  if (utf16) {
    const text = new TextDecoder(utf16, { fatal: true, ignoreBOM: false }).decode(bytes);
    checkFirstLine(text.length * 2, text.indexOf("\n") * 2, options);
    return { text, encoding: utf16 };
  }
  checkFirstLine(bytes.length, bytes.indexOf(0x0a), options);
  const encoding = options.encoding ?? "utf-8";
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: false });
  } catch {
    throw new ScoringError("INPUT_INVALID", `${options.source}: unknown encoding "${encoding}" (expected a label such as utf-8, windows-1252, iso-8859-1)`);
  }
  try {
    return { text: decoder.decode(bytes), encoding: decoder.encoding };
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new ScoringError(
      "INPUT_INVALID",
      `${options.source}: not valid ${decoder.encoding.toUpperCase()} (first bad byte at offset ${at}, line ${lineAt(bytes, at)}); save the export as UTF-8, or name its encoding (e.g. --encoding windows-1252)`,
    );
  }
}

function checkFirstLine(size: number, firstBreak: number, options: DecodeOptions) {
  const limit = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if ((firstBreak < 0 && size > limit) || firstBreak > limit) {
    throw new ScoringError("INPUT_INVALID", `${options.source}: no line break in the first ${Math.round(limit / 1024)} KiB; a CSV or NDJSON export has one row per line (is this the right file?)`);
  }
}

function utf16Of(bytes: Uint8Array): "utf-16le" | "utf-16be" | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  // Without a BOM: ASCII-heavy text in UTF-16 has a NUL in every other byte.
  const n = Math.min(bytes.length - (bytes.length % 2), 512);
  if (n < 4) return undefined;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul > pairs * 0.4 && evenNul < pairs * 0.05) return "utf-16le";
  if (evenNul > pairs * 0.4 && oddNul < pairs * 0.05) return "utf-16be";
  return undefined;
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let lo = 0;
  let hi = bytes.length;
  // Binary search on prefixes: a prefix that decodes (allowing a cut sequence at its end) holds no bad byte.
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  return lo;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}
