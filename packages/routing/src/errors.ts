/**
 * The routing package's error taxonomy. Every error raised on purpose is a `RoutingError`
 * with a stable `code`. None is retryable: each describes bad configuration or input, and
 * the same input fails the same way every time.
 */
export type RoutingErrorCode =
  /** Routing config text that is not valid YAML/JSON. */
  | "ROUTING_CONFIG_SYNTAX"
  /** Routing config that parses but does not satisfy the schema or its cross-references. */
  | "ROUTING_CONFIG_INVALID"
  /** A `now` or a timestamp that is not an instant. */
  | "INVALID_INSTANT";

export class RoutingError extends Error {
  override readonly name = "RoutingError";
  readonly code: RoutingErrorCode;
  readonly retryable = false;
  /** One line per problem, formatted for people (`source: path: expected …`). */
  readonly problems: readonly string[];

  constructor(code: RoutingErrorCode, message: string, problems: readonly string[] = [message]) {
    super(message);
    this.code = code;
    this.problems = problems;
  }
}

export function isRoutingError(error: unknown): error is RoutingError {
  return error instanceof RoutingError;
}
