import { formatRubricVersion } from "../rubric/load-rubric.js";
import { topReasons } from "../score-account.js";
import type { AccountScore } from "../score-account.js";

/** The columns of `icp score` output (CSV and NDJSON), in order. Documented in the README. */
export const OUTPUT_COLUMNS = ["rank", "domain", "name", "scorecard", "tier", "tier_name", "total", "fit", "timing", "quadrant", "excluded", "strong_intent", "next_change_at", "top_reasons", "rubric_version", "best_contact", "committee"] as const;
export type OutputRow = Record<(typeof OUTPUT_COLUMNS)[number], string | number | boolean | null>;

/** One ranked row; `best_contact` (`id (title)`) and `committee` (`3/4 roles, 5 contacts`) are null without contacts. */
export function outputRow(score: AccountScore, rank: number, name: string | undefined, reasons = 3): OutputRow {
  const committee = score.fit.committee;
  return {
    rank,
    domain: score.accountKey,
    name: name ?? null,
    scorecard: score.scorecard,
    tier: score.result.tier.id,
    tier_name: score.result.tier.name,
    total: score.result.total,
    fit: score.fit.score,
    timing: score.timing.score,
    quadrant: score.result.quadrant,
    excluded: score.fit.excluded,
    strong_intent: score.timing.strongIntent,
    next_change_at: score.timing.nextChangeAt,
    top_reasons: topReasons(score, reasons).join("; "),
    rubric_version: formatRubricVersion(score.rubricVersion),
    best_contact: committee?.best ? `${committee.best.contactId}${committee.best.title ? ` (${committee.best.title})` : ""}` : null,
    committee: committee ? `${committee.coverage.held}/${committee.coverage.of} roles, ${committee.contacts.length} contacts` : null,
  };
}
