import { YAMLParseError, parse as parseYaml } from "yaml";
import { ScoringError } from "../errors.js";
import type { ScoringErrorCode } from "../errors.js";

/**
 * YAML for configuration files people write (rubrics, mapping files), read defensively:
 * a size limit checked before parsing (a 50 MB rubric once took 2.2 GB to refuse), a low
 * alias budget (an alias "billion laughs" bomb expands exponentially), duplicate keys
 * refused, and every failure reported as a `ScoringError` that names the file and, where
 * the parser knows it, the line and column — never a raw parser exception.
 */
export interface ConfigYamlOptions {
  /** `RUBRIC_SYNTAX` or `MAPPING_INVALID`: the code thrown for text that is not acceptable YAML. */
  code: ScoringErrorCode;
  /** What the file is, for messages ("rubric", "mapping file"). */
  what: string;
  /** Largest accepted text, in UTF-16 code units (characters for ASCII text). */
  maxChars: number;
}

/** Aliases a configuration file may use (anchors for shared tables are fine; thousands are an attack). */
export const MAX_YAML_ALIASES = 200;

export function parseConfigYaml(text: string, source: string, options: ConfigYamlOptions): unknown {
  if (text.length > options.maxChars) {
    throw new ScoringError(options.code, `${source}: ${formatSize(text.length)} is more than a ${options.what} may hold (${formatSize(options.maxChars)}); is this the right file?`);
  }
  try {
    return parseYaml(text, { uniqueKeys: true, maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const [line, col] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [undefined, undefined];
      const where = line === undefined ? source : `${source}:${line}:${col}`;
      throw new ScoringError(options.code, `${where}: ${(error.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "")}`);
    }
    // yaml throws a ReferenceError when aliases expand past maxAliasCount.
    const message = (error as Error).message ?? String(error);
    if (/alias/i.test(message)) {
      throw new ScoringError(options.code, `${source}: refused: its YAML aliases expand to too many nodes (more than ${MAX_YAML_ALIASES} aliases); an alias bomb?`);
    }
    throw new ScoringError(options.code, `${source}: not readable as YAML: ${message.split("\n")[0]}`);
  }
}

function formatSize(chars: number): string {
  if (chars >= 1024 * 1024) return `${(chars / (1024 * 1024)).toFixed(1)} MiB`;
  if (chars >= 1024) return `${Math.round(chars / 1024)} KiB`;
  return `${chars} bytes`;
}
