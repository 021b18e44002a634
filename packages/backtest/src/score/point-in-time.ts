import { scoreAccountOnScorecard, toEpochMs } from "@icpstream/scoring";
import type { AccountProfile, AccountScore, LoadedScorecard, RubricVersion } from "@icpstream/scoring";
import type { Opportunity } from "../outcomes/opportunity.js";
import type { ProfileBasis, ProfileHistory } from "../outcomes/profile-history.js";
import type { SignalIndex } from "./signal-index.js";

/**
 * Point-in-time scoring, the heart of an honest backtest: each opportunity is scored as
 * of its creation instant — "what was the account's score at the time of first sales
 * engagement?" (icp-scoring-methodology, score-to-close correlation) — with
 * - only the account's signals that occurred strictly before that instant (the engine
 *   decays them to their age at creation), and
 * - the profile known at that instant (ProfileHistory: newest snapshot at or before it;
 *   an undated profile is assumed unchanged and counted).
 * Nothing that happened after creation can reach the score. An opportunity whose account
 * has no profile at all is not scored and is listed with the reason.
 */
export interface ScoredOpportunity {
  opportunity: Opportunity;
  /** The score as of `opportunity.createdAt`. */
  score: AccountScore;
  /** The profile the score used (features for the learner come from it). */
  profile: AccountProfile;
  profileBasis: ProfileBasis;
}

export interface PointInTimeResult {
  scored: ScoredOpportunity[];
  unscored: { opportunity: Opportunity; reason: string }[];
  /** How many scores rest on an assumed profile (see ProfileHistory). */
  assumedProfiles: { undated: number; laterSnapshot: number };
}

export function scoreAtCreation(input: {
  opportunities: readonly Opportunity[];
  history: ProfileHistory;
  signals: SignalIndex;
  card: LoadedScorecard;
  version: RubricVersion;
}): PointInTimeResult {
  const scored: ScoredOpportunity[] = [];
  const unscored: PointInTimeResult["unscored"] = [];
  const assumedProfiles = { undated: 0, laterSnapshot: 0 };
  for (const opportunity of input.opportunities) {
    const createdMs = toEpochMs(opportunity.createdAt);
    const known = input.history.at(opportunity.accountKey, createdMs);
    if (!known) {
      unscored.push({ opportunity, reason: `no profile for ${opportunity.accountKey} in the accounts` });
      continue;
    }
    if (known.basis === "undated") assumedProfiles.undated++;
    if (known.basis === "later_snapshot") assumedProfiles.laterSnapshot++;
    const signals = input.signals.before(opportunity.accountKey, createdMs);
    const score = scoreAccountOnScorecard(known.profile, signals, input.card, input.version, createdMs);
    scored.push({ opportunity, score, profile: known.profile, profileBasis: known.basis });
  }
  return { scored, unscored, assumedProfiles };
}

/** Re-scores already scored opportunities on another scorecard, with the same profile and signals (for comparing rubrics on one set). */
export function rescore(scored: readonly ScoredOpportunity[], signals: SignalIndex, card: LoadedScorecard, version: RubricVersion): ScoredOpportunity[] {
  return scored.map((s) => {
    const createdMs = toEpochMs(s.opportunity.createdAt);
    return { ...s, score: scoreAccountOnScorecard(s.profile, signals.before(s.opportunity.accountKey, createdMs), card, version, createdMs) };
  });
}
