import type { z } from "zod";
import { CombinerState } from "./combiner-handler.js";
import { packState, unpackState, type StateKind } from "./compact-state.js";
import { PipelineError } from "./errors.js";
import { FitState } from "./fit-handler.js";
import { TimingState } from "./timing-handler.js";

/**
 * States travel to Redis as text, in one of two layouts told apart by the first character:
 *
 * - `[` — **compact** (what `encodeState` writes): a JSON array without field names, with
 *   instants as epoch ms, digests in base64url and the parts a reader can rebuild left out
 *   (see `compact-state.ts`): 55–60% of plain JSON's bytes for the
 *   synthetic market's states, in Redis ~30% less memory per account (npm run bench:state).
 * - `{` — **plain JSON** of the state (`JSON.stringify`): what was stored before, still read;
 *   and what `encodeState` falls back to for a state whose exact shape the compact layout
 *   does not cover (a field added to a state is never dropped, only not compacted).
 *
 * Both are text (ioredis reads values as UTF-8 strings). Decoding validates against the
 * state's schema and refuses what this version cannot read (`STATE_INVALID`, with the path),
 * so a corrupted or foreign value is reported, never half-used.
 */
export function encodeState(state: FitState | TimingState | CombinerState): string {
  const compact = packState(state);
  return JSON.stringify(compact ?? state);
}

export const decodeFitState = (text: string): FitState => decode(FitState, text, "fit");
export const decodeTimingState = (text: string): TimingState => decode(TimingState, text, "timing");
export const decodeCombinerState = (text: string): CombinerState => decode(CombinerState, text, "combiner");

function decode<S extends z.ZodType>(schema: S, text: string, what: StateKind): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PipelineError("STATE_INVALID", `${what} state is not JSON: ${(error as Error).message}`);
  }
  if (Array.isArray(value)) {
    try {
      value = unpackState(what, value);
    } catch (error) {
      throw new PipelineError("STATE_INVALID", `${what} state (compact): ${(error as Error).message}`);
    }
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new PipelineError("STATE_INVALID", `${what} state: ${issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "invalid"}`);
  }
  return result.data;
}
