import { sha256Hex } from "@icpstream/scoring";

/** The contracts' limit on an idempotency key. */
export const MAX_ACTION_ID_LENGTH = 200;

/**
 * The idempotency key of one action: the tier change's key, the action's kind and, for
 * actions that can occur more than once per change, its target
 * (`tc-5d1c…:route_to_owner`, `tc-5d1c…:enroll_in_sequence:seq-tier2`). The same tier
 * change, however often it is redelivered or recomputed, gives the same ids, so delivery
 * workers and subscribers drop repeats. Ids longer than the contract allows become
 * `ra-<sha256 prefix>` of the same parts: still deterministic, still distinct.
 */
export function actionId(tierChangeKey: string, type: string, target?: string): string {
  const readable = target === undefined ? `${tierChangeKey}:${type}` : `${tierChangeKey}:${type}:${target}`;
  if (readable.length <= MAX_ACTION_ID_LENGTH) return readable;
  const digest = sha256Hex([tierChangeKey, type, target ?? ""].join("\u0000"));
  return `ra-${digest.slice(0, 40)}`;
}
