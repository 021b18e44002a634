import type { z } from "zod";

/**
 * Turns zod issues into the lines people read: `file: path.to[1].field: expected …, got …`.
 * Schema-level messages already start with "expected"; this map covers the rest.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$-]*$/.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out === "" ? "(top level)" : out;
}

function describeValue(input: unknown): string {
  if (input === undefined) return "nothing";
  if (input === null) return "null";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "an object";
  const text = JSON.stringify(input);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);
const TYPE_NAMES: Record<string, string> = { object: "object", array: "list", string: "text", number: "number", boolean: "true or false", int: "whole number" };

/** A per-parse zod error map: the message for issues whose schema did not set one. */
export function issueMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return `expected ${article(TYPE_NAMES[issue.expected] ?? issue.expected)}, but it is missing`;
      return `expected ${article(TYPE_NAMES[issue.expected] ?? issue.expected)}`;
    case "invalid_value":
      return `expected one of ${issue.values.map((v) => String(v)).join(", ")}`;
    case "too_small":
      return issue.origin === "array" || issue.origin === "set"
        ? `expected at least ${String(issue.minimum)} entr${issue.minimum === 1 ? "y" : "ies"}`
        : issue.origin === "string"
          ? "expected a non-empty text"
          : `expected a number ${issue.inclusive ? "≥" : ">"} ${String(issue.minimum)}`;
    case "too_big":
      return issue.origin === "array" ? `expected at most ${String(issue.maximum)} entries` : `expected a number ${issue.inclusive ? "≤" : "<"} ${String(issue.maximum)}`;
    case "unrecognized_keys":
      return `unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}`;
    case "invalid_format":
      return `expected ${issue.format === "regex" ? "text in the documented format" : `a valid ${issue.format}`}`;
    case "invalid_union":
      return "expected one of the documented forms";
    case "invalid_key":
      return "expected a valid key";
    default:
      return "invalid value";
  }
}

/** One readable line per issue, prefixed with `prefix: ` (usually the file name). */
export function formatIssues(prefix: string, issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const got = issue.code === "unrecognized_keys" || (issue.code === "invalid_type" && issue.input === undefined) ? "" : `, got ${describeValue(issue.input)}`;
    return `${prefix}: ${formatPath(issue.path)}: ${issue.message}${got}`;
  });
}
