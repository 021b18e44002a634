import { ScoringError } from "../errors.js";
import { sha256Hex } from "../domain/sha256.js";
import { canonicalJson } from "./canonical-json.js";
import { formatIssues, issueMessage } from "./issue-format.js";
import { parseConfigYaml } from "./safe-yaml.js";
import { RubricDocument } from "./rubric-schema.js";
import type { Scorecard } from "./rubric-schema.js";

/**
 * A rubric's version: the sha256 of the canonical JSON of its parsed content (defaults
 * applied, label left out) together with `SCORING_SEMANTICS`, plus the optional human label.
 * Reformatting the file or reordering keys keeps the hash; changing any rule, weight or
 * default changes it, and so does a release of the engine that reads the same file
 * differently (scores of one version are always comparable).
 */
export interface RubricVersion {
  hash: string;
  label: string | undefined;
}

/**
 * The engine's reading of rubric files. Raised when the same file starts to score differently:
 * 2 — strong intent only while fresh and lifted from the fit-based tier, the hold line as a
 * floor, signed components with the clamp on the total, exclusive `maxAgeDays` and resets,
 * job-title normalisation and duplicate sightings counted once.
 */
export const SCORING_SEMANTICS = 2;

export interface LoadedScorecard extends Scorecard {
  id: string;
}

export interface Rubric {
  version: RubricVersion;
  description: string | undefined;
  /** In the file's order. */
  scorecards: LoadedScorecard[];
}

/** `enterprise 2026-Q3 @ 3f2a9c1b0d4e`, or just the short hash. */
export function formatRubricVersion(version: RubricVersion): string {
  const short = version.hash.slice(0, 12);
  return version.label ? `${version.label} @ ${short}` : short;
}

/** Validates an already-parsed rubric value (from YAML, JSON or code). `source` names it in errors. */
export function rubricFromValue(value: unknown, source: string): Rubric {
  const result = RubricDocument.safeParse(value, { error: issueMessage, reportInput: true });
  if (!result.success) {
    const problems = formatIssues(source, result.error.issues);
    throw new ScoringError("RUBRIC_INVALID", problems.join("\n"), problems);
  }
  const { label, ...content } = result.data;
  const hash = sha256Hex(canonicalJson({ semantics: SCORING_SEMANTICS, ...content }));
  return {
    version: { hash, label },
    description: content.description,
    scorecards: Object.entries(content.scorecards).map(([id, card]) => ({ id, ...card })),
  };
}

/** The largest rubric text accepted (the shipped rubrics are about 10 KiB). */
export const MAX_RUBRIC_CHARS = 1024 * 1024;

/** Parses rubric text (YAML, which includes JSON). `source` is the file name used in every error line. */
export function parseRubric(text: string, source: string): Rubric {
  return rubricFromValue(parseConfigYaml(text, source, { code: "RUBRIC_SYNTAX", what: "rubric", maxChars: MAX_RUBRIC_CHARS }), source);
}

export function findScorecard(rubric: Rubric, id: string): LoadedScorecard {
  const card = rubric.scorecards.find((c) => c.id === id);
  if (!card) throw new ScoringError("UNKNOWN_SCORECARD", `unknown scorecard "${id}" (the rubric has ${rubric.scorecards.map((c) => c.id).join(", ")})`);
  return card;
}
