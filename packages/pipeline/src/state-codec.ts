import type { z } from "zod";
import { CombinerState } from "./combiner-handler.js";
import { PipelineError } from "./errors.js";
import { FitState } from "./fit-handler.js";
import { TimingState } from "./timing-handler.js";

/**
 * States travel to Redis as JSON. Encoding is `JSON.stringify`; decoding validates
 * against the state's schema and refuses what this version cannot read (`STATE_INVALID`,
 * with the path), so a corrupted or foreign value is reported, never half-used.
 */
export function encodeState(state: FitState | TimingState | CombinerState): string {
  return JSON.stringify(state);
}

export const decodeFitState = (text: string): FitState => decode(FitState, text, "fit");
export const decodeTimingState = (text: string): TimingState => decode(TimingState, text, "timing");
export const decodeCombinerState = (text: string): CombinerState => decode(CombinerState, text, "combiner");

function decode<S extends z.ZodType>(schema: S, text: string, what: string): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PipelineError("STATE_INVALID", `${what} state is not JSON: ${(error as Error).message}`);
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new PipelineError("STATE_INVALID", `${what} state: ${issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "invalid"}`);
  }
  return result.data;
}
