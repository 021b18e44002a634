/**
 * @icpstream/scoring — the scoring engine as pure code. No I/O, no clock: time comes in
 * as a parameter, text comes in as strings.
 */
export * from "./domain/index.js";
export * from "./errors.js";

export { RubricDocument, Scorecard, Decay, DEFAULT_DECAY, SOFT_DISQUALIFIERS, EXCLUSION_FACTS, signalFieldKind, fullPointsWindow } from "./rubric/rubric-schema.js";
export { BUYING_ROLES } from "./rubric/rubric-schema.js";
export type { BuyingRole, ContactsRubric, RoleCriteria } from "./rubric/rubric-schema.js";
export type { Condition, Where, Tier, TimingRule, TimingLayer, TimingRubric, FitRubric, HardDisqualifier, SoftDisqualifier, SoftDeduction, DecayStep } from "./rubric/rubric-schema.js";
export { parseRubric, rubricFromValue, findScorecard, formatRubricVersion, SCORING_SEMANTICS, MAX_RUBRIC_CHARS } from "./rubric/load-rubric.js";
export { parseConfigYaml, MAX_YAML_ALIASES } from "./rubric/safe-yaml.js";
export type { ConfigYamlOptions } from "./rubric/safe-yaml.js";
export type { Rubric, RubricVersion, LoadedScorecard } from "./rubric/load-rubric.js";
export { canonicalJson } from "./rubric/canonical-json.js";
export { formatIssues, formatPath, issueMessage } from "./rubric/issue-format.js";

export type { Contribution, Evidence, LayerResult } from "./explain/contribution.js";
export { scoreFit } from "./fit/fit-score.js";
export { decideEnrichment, waterfallReport, formatWaterfallReport, withoutLayers } from "./waterfall/enrichment-waterfall.js";
export type { EnrichmentDecision, EnrichmentStep, EnrichedLayers, WaterfallReport, WaterfallRules } from "./waterfall/enrichment-waterfall.js";
export { scoreContact, rolesOf, BUYING_ROLE_LABELS } from "./contacts/score-contact.js";
export type { ContactScore, DatedContact } from "./contacts/score-contact.js";
export { buyingCommittee, newestContacts, bestContactWhy } from "./contacts/buying-committee.js";
export type { BuyingCommittee, BestContact } from "./contacts/buying-committee.js";
export type { FitResult, Exclusion, TierCap } from "./fit/fit-score.js";
export { scoreTiming } from "./timing/timing-score.js";
export type { TimingResult, StrongSignal } from "./timing/timing-score.js";
export { findDuplicates, duplicateReachMs } from "./timing/duplicates.js";
export { decayAt } from "./timing/decay.js";
export type { DecayState } from "./timing/decay.js";
export { canonicalSignals } from "./timing/canonical-signals.js";
export { combine, QUADRANT_LABELS } from "./combine/combine.js";
export type { CombinedResult, Quadrant, TierRef, Adjustment } from "./combine/combine.js";
export { scoreAccount, scoreAccountOnScorecard, topReasons, adjustmentReason } from "./score-account.js";
export type { AccountScore } from "./score-account.js";
export { scoreBatch, compareScores, tierDistribution, topTierHealth, topTierWarning } from "./batch/score-batch.js";
export type { BatchResult, ScorecardRanking, TierShare, TopTierHealth } from "./batch/score-batch.js";

export { formatExplanation, committeeLines } from "./explain/format-explanation.js";
export { describeProfileInputs } from "./explain/input-notes.js";
export { outputRow, OUTPUT_COLUMNS } from "./batch/output-rows.js";
export type { OutputRow } from "./batch/output-rows.js";
