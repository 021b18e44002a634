/**
 * @icpstream/pipeline — the scoring services' decisions as pure state transitions. Each
 * handler takes the account's state, one input, the rubric (and `now` in epoch ms where
 * the clock matters) and returns the new state and the contract events to publish; the
 * service only persists and publishes. No I/O, no clock.
 */
export { applyProfile, applyContact, datedContactsOf, profileOfEvent, rescoreFit, scoresContacts, FitState, MAX_STORED_CONTACTS } from "./fit-handler.js";
export type { FitScoring } from "./fit-handler.js";
export type { FitTransition } from "./fit-handler.js";
export { applySignal, assertNotFutureDated, DEFAULT_FUTURE_TOLERANCE_MS, reevaluate, republish, timingPosition, TimingState } from "./timing-handler.js";
export type { TimingOptions, TimingTransition } from "./timing-handler.js";
export { applyFitScored, applyTimingScored, combineCard, CombinerState, foldPublishedTier, reconcileWithPublished, tierChangeVersion } from "./combiner-handler.js";
export type { CombinerCardState, CombinerTransition, PublishedTiers } from "./combiner-handler.js";
export { recomputeFinalState, finalScoresOf } from "./recompute.js";
export type { FinalScore } from "./recompute.js";
export { encodeState, decodeFitState, decodeTimingState, decodeCombinerState } from "./state-codec.js";
export { RecentStates } from "./recent-states.js";
export { canStillContribute } from "./signal-retention.js";
export { toSignal } from "./signal-event.js";
export { outputEventId, digestOf, MAX_EVENT_ID_LENGTH } from "./output-id.js";
export { fitDigest, timingDigest, emptyTimingDigest, MAX_EVIDENCE, MAX_REASONS } from "./score-events.js";
export { compareOccurrence } from "./instant.js";
export type { EpochMs } from "./instant.js";
export { PipelineError } from "./errors.js";
export { promotedRubric, PROMOTED_RUBRIC, RubricEpochs, ShardRubrics } from "./rubric-promotion.js";
export type { ActiveRubric, ShardRubricContext } from "./rubric-promotion.js";
export type { PipelineErrorCode } from "./errors.js";
export { TierCensus } from "./tier-census.js";
export { applyOutcome, applyTierChange, tierAt, decodeOutcomeCounts, decodePoolCounts, sumOutcomeCounts, sumPoolCounts, countsField, poolField, OUTCOME_COUNTS, POOL_COUNTS, MAX_TIER_HISTORY, MAX_OPPORTUNITY_EVENTS, TierOutcomeCounts, PoolTierCount } from "./outcome-stage.js";
export type { OutcomeStageResult, SharedCounts } from "./outcome-stage.js";
export { explainLiveAccount } from "./live-explanation.js";
export type { LiveAccountStates, LiveCardExplanation } from "./live-explanation.js";
export { TierBoard, summarizeTierChange } from "./tier-board.js";
export type { TierBoardOptions, TierChangeSummary, TierShare } from "./tier-board.js";
export { applyProfileForEnrichment, enrichedLayersOf, shardBudget, spendKey, EnrichmentState } from "./enrichment-requests.js";
export type { EnrichmentPolicy, EnrichmentSkip, EnrichmentTransition } from "./enrichment-requests.js";
