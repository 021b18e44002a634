/**
 * Outcome events (the `outcome` topic's vocabulary) folded into one opportunity per
 * opportunity id: the fold lives with the other readers of the outcome vocabulary in
 * @icpstream/imports (see its `foldOutcomeEvents` for the rules), so a file of events and
 * the topic read the same way.
 */
export { foldOutcomeEvents } from "@icpstream/imports";
export type { FoldedOutcomes } from "@icpstream/imports";
