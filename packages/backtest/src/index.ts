/**
 * @icpstream/backtest — is the model working? Pure code: no I/O, time as a parameter.
 *
 * - outcomes: the Opportunity model and the fold of outcome events into it;
 * - profile history and point-in-time scoring (no leakage from after an opportunity's creation);
 * - the report per scorecard and rubric version, with intervals and plain-language verdicts,
 *   and its self-contained HTML page;
 * - calibration of tier thresholds, and learned weights written back as a readable rubric;
 * - generated datasets with a controlled ground truth, for tests and benches.
 */
export { Opportunity, OpportunityStage, Currency, isClosed, daysToClose, compareByCreation } from "./outcomes/opportunity.js";
export { foldOutcomeEvents } from "./outcomes/fold-outcomes.js";
export type { FoldedOutcomes } from "./outcomes/fold-outcomes.js";
export { ProfileHistory } from "./outcomes/profile-history.js";
export type { ProfileSnapshot, ProfileBasis, ProfileAt } from "./outcomes/profile-history.js";

export { SignalIndex } from "./score/signal-index.js";
export { scoreAtCreation, rescore } from "./score/point-in-time.js";
export type { ScoredOpportunity, PointInTimeResult } from "./score/point-in-time.js";

export { wilsonInterval, differenceInterval, ratioInterval, Z95 } from "./stats/proportions.js";
export type { Interval } from "./stats/proportions.js";
export { rocAuc, rocAucWithInterval, rocCurve, scoreToCloseCorrelation, brierScore } from "./stats/ranking.js";
export { seededRandom } from "./stats/random.js";
export type { Random } from "./stats/random.js";

export { runBacktest } from "./report/run-backtest.js";
export type { BacktestInput, BacktestResult, ScorecardRun } from "./report/run-backtest.js";
export { buildScorecardReport, reportCurrency, DEFAULT_TARGET_TOP_SHARE, DEFAULT_MIN_CLOSED_DEALS } from "./report/build-report.js";
export type { ReportOptions } from "./report/build-report.js";
export type { ScorecardReport, TierRow, Verdict, VerdictKind } from "./report/report-types.js";
export { percent, times, money, decimal, count, formatTierShare } from "./report/format.js";

export { proposeThresholds } from "./calibrate/propose-thresholds.js";
export type { CalibrationResult, TierSummary } from "./calibrate/propose-thresholds.js";
export { calibrateRubric } from "./calibrate/calibrate-rubric.js";
export type { CalibrationRun } from "./calibrate/calibrate-rubric.js";
export { editRubricText, derivedLabel, RubricEditError } from "./calibrate/rubric-edit.js";
export { Retier } from "./calibrate/retier.js";

export { learnWeights, LearnRefusal } from "./learn/learn-weights.js";
export type { LearnInput, LearnOptions, LearnResult, ModelScore, TierLift } from "./learn/learn-weights.js";
export { candidateFeatures, featureValues, bandGaps } from "./learn/features.js";
export type { Feature, FeatureKind } from "./learn/features.js";
export { fitLogistic, predictLogistic } from "./learn/logistic.js";
export type { LogisticFit, SparseRow } from "./learn/logistic.js";
export { fitNaiveBayes, predictNaiveBayes } from "./learn/naive-bayes.js";
export { timeOrderedSplit } from "./learn/time-split.js";
export { POINTS_PER_LOG_ODDS, toPoints, describeWeight } from "./learn/learned-rubric.js";
export type { LearnedWeight } from "./learn/learned-rubric.js";

export { renderReportPage } from "./html/report-page.js";
export type { HtmlPageInput } from "./html/report-page.js";

export { generateOutcomeDataset, SYNTHETIC_RUBRIC, PLANTED_EFFECTS, PLANTED_INTERCEPT } from "./testing/synthetic-outcomes.js";
export type { SyntheticDataset, SyntheticOptions } from "./testing/synthetic-outcomes.js";
export { datasetFiles } from "./testing/dataset-files.js";
export type { DatasetFiles } from "./testing/dataset-files.js";

export { liveModelHealth } from "./report/live-health.js";
export type { LiveHealth, LiveHealthInput, LiveTierCounts, LivePoolTier, LiveTierRow } from "./report/live-health.js";
export { adjacentVerdicts, liftVerdict, topShareVerdict, tooFewVerdict } from "./report/verdicts.js";
export type { VerdictRow } from "./report/verdicts.js";
export { rubricDiff, rubricRuleChanges, whyTierMoved } from "./compare/rubric-diff.js";
export type { RubricDiff, RuleChange, TierMove } from "./compare/rubric-diff.js";
