/**
 * The scoring package's error taxonomy. Every error the package raises on purpose is a
 * `ScoringError` with a stable `code` that callers (the CLI, the streaming services'
 * dead-letter path) can switch on. None of them is retryable: they all describe bad
 * input, and the same input fails the same way every time.
 */
export type ScoringErrorCode =
  /** A domain or URL that cannot be turned into an account key. */
  | "INVALID_ACCOUNT_KEY"
  /** Rubric text that is not valid YAML/JSON. */
  | "RUBRIC_SYNTAX"
  /** Rubric that parses but does not satisfy the rubric schema. */
  | "RUBRIC_INVALID"
  /** A mapping file (foreign export → our columns) that is not valid. */
  | "MAPPING_INVALID"
  /** An input row (account or signal) that does not satisfy the domain schema. */
  | "INPUT_INVALID"
  /** A scorecard id that the rubric does not define. */
  | "UNKNOWN_SCORECARD";

export class ScoringError extends Error {
  override readonly name = "ScoringError";
  readonly code: ScoringErrorCode;
  /** Bad input stays bad: retrying never helps. */
  readonly retryable = false;
  /** One line per problem, already formatted for people (e.g. `file: path: expected …`). */
  readonly problems: readonly string[];

  constructor(code: ScoringErrorCode, message: string, problems: readonly string[] = [message]) {
    super(message);
    this.code = code;
    this.problems = problems;
  }
}

export function isScoringError(error: unknown): error is ScoringError {
  return error instanceof ScoringError;
}
