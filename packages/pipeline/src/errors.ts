/**
 * What the handlers refuse. Every code is a caller mistake (a message routed to the wrong
 * account's state, a stored state this version cannot read, a signal dated in the future, a deal closed before it was created),
 * never retryable: the service dead-letters the input with the code and keeps going.
 */
export type PipelineErrorCode = "ACCOUNT_MISMATCH" | "STATE_INVALID" | "SIGNAL_IN_FUTURE" | "OUTCOME_INVALID" | "TOO_MANY_CONTACTS" | "RUBRIC_INVALID" | "RUBRIC_UNKNOWN";

export class PipelineError extends Error {
  override readonly name = "PipelineError";
  readonly retryable = false;
  constructor(
    readonly code: PipelineErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function assertSameAccount(stateKey: string | undefined, eventKey: string, what: string): void {
  if (stateKey !== undefined && stateKey !== eventKey) {
    throw new PipelineError("ACCOUNT_MISMATCH", `${what} for ${eventKey} applied to the state of ${stateKey}`);
  }
}
