import type { SignalEventV1 } from "@icpstream/contracts";
import type { Signal } from "@icpstream/scoring";

/**
 * The signal the engine scores: the event without its envelope-only fields
 * (`observedAt`, `schemaVersion`). The streaming state and the batch recompute both store
 * this, so the engine's tie-break between two copies of one event id (canonical JSON)
 * sees the same text in both.
 */
export function toSignal(event: SignalEventV1): Signal {
  const { observedAt: _observed, schemaVersion: _version, ...signal } = event;
  return signal as Signal;
}
