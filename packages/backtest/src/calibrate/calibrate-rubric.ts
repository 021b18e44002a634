import { toEpochMs, toIso } from "@icpstream/scoring";
import type { AccountScore, LoadedScorecard, Rubric } from "@icpstream/scoring";
import type { ScoredOpportunity } from "../score/point-in-time.js";
import { proposeThresholds } from "./propose-thresholds.js";
import type { CalibrationResult } from "./propose-thresholds.js";
import { applyCalibration, derivedLabel, editRubricText } from "./rubric-edit.js";

/**
 * `icp calibrate` as a function: thresholds proposed per scorecard (propose-thresholds.ts)
 * and, when any moved, the new rubric's text and version. The old rubric is not touched:
 * the caller writes the new text to a new file.
 */
export interface CalibrationRun {
  proposals: CalibrationResult[];
  changed: boolean;
  /** The new rubric, when a threshold moved. */
  written?: { text: string; rubric: Rubric };
}

export function calibrateRubric(input: {
  rubric: Rubric;
  sourceText: string;
  source: string;
  target: string;
  scorecards: readonly { card: LoadedScorecard; pool: readonly AccountScore[]; opportunities: readonly ScoredOpportunity[] }[];
  targetShare?: { low: number; high: number };
  asOf: number | string;
}): CalibrationRun {
  const date = toIso(typeof input.asOf === "number" ? input.asOf : toEpochMs(input.asOf)).slice(0, 10);
  const proposals = input.scorecards.map((s) => proposeThresholds({ card: s.card, pool: s.pool, opportunities: s.opportunities, ...(input.targetShare ? { target: input.targetShare } : {}) }));
  const changed = proposals.some((p) => p.changed);
  if (!changed) return { proposals, changed };
  const header = [
    `Calibrated by icp calibrate on ${date} from ${input.source} (version ${input.rubric.version.hash.slice(0, 12)}):`,
    ...proposals.map(
      (p) =>
        `  ${p.scorecard}: ${p.closedDeals} closed deals; top tier ${(p.topShare.before * 100).toFixed(1)}% → ${(p.topShare.after * 100).toFixed(1)}% of the pool (target ${Math.round(p.target.low * 100)}–${Math.round(p.target.high * 100)}%); tiers' win rates ${p.ordered.after ? "ordered" : "NOT ordered"}`,
    ),
    "Review the before/after table before promoting it; recalibrate monthly for three months, then quarterly.",
  ];
  const written = editRubricText(
    input.sourceText,
    input.source,
    (doc) => {
      applyCalibration(doc, proposals, date);
      doc.set("label", derivedLabel(input.rubric, "calibrated", date));
    },
    header,
    input.target,
  );
  return { proposals, changed, written };
}
