import { parseRubric } from "@icpstream/scoring";
import type { Rubric } from "@icpstream/scoring";
import { isMap, isSeq, parseDocument } from "yaml";
import type { Document } from "yaml";
import type { CalibrationResult } from "./propose-thresholds.js";

/**
 * Writing a changed rubric as a NEW file: the source text is edited as a YAML document, so
 * its comments, key order and formatting survive and a RevOps lead can diff the two files.
 * The result is parsed again with the scoring engine's own loader, which checks it and
 * gives its version (a content hash: a changed threshold or weight is a new version).
 * Pure: text in, text out; the caller writes the file and never over the source.
 */
export class RubricEditError extends Error {
  override readonly name = "RubricEditError";
}

export function editRubricText(sourceText: string, source: string, edit: (doc: Document) => void, header: readonly string[], target: string): { text: string; rubric: Rubric } {
  const doc = parseDocument(sourceText, { uniqueKeys: true });
  if (doc.errors.length > 0) throw new RubricEditError(`${source}: ${doc.errors[0]?.message ?? "not valid YAML"}`);
  edit(doc);
  const previous = doc.commentBefore ? `\n${doc.commentBefore}` : "";
  doc.commentBefore = `${header.map((l) => ` ${l}`).join("\n")}\n${previous}`;
  const text = doc.toString({ lineWidth: 0 });
  return { text, rubric: parseRubric(text, target) };
}

/** The top-level label for a derived rubric: `enterprise 2026-Q3 (calibrated 2026-12-01)`. */
export function derivedLabel(rubric: Rubric, what: string, date: string): string {
  return `${rubric.version.label ?? "rubric"} (${what} ${date})`;
}

/** Sets the calibrated tier minimums, each changed one with a comment saying what it was. */
export function applyCalibration(doc: Document, proposals: readonly CalibrationResult[], date: string): void {
  for (const proposal of proposals) {
    const tiers = doc.getIn(["scorecards", proposal.scorecard, "tiers"]);
    if (!isSeq(tiers)) throw new RubricEditError(`scorecards.${proposal.scorecard}.tiers: expected a list in the source file`);
    proposal.thresholds.forEach((t, i) => {
      if (t.after === t.before) return;
      doc.setIn(["scorecards", proposal.scorecard, "tiers", i, "min"], t.after);
      const node = tiers.items[i];
      if (isMap(node)) node.comment = ` min was ${t.before} (icp calibrate ${date})`;
    });
  }
}
