import { z } from "zod";

/**
 * Free text from a source — a job title, an intent topic, an industry label, a technology —
 * at most `SHORT_TEXT_MAX` characters.
 *
 * The limit is what the scores can carry: the fit and timing services echo this text into
 * explanations (an evidence description holds at most 1000 characters in the score
 * contracts, a contribution's label 500). Without it a job posting with a 6000-character
 * title passed the gateway with 202 and was then dead-lettered by the timing service, whose
 * score for it broke its own contract. Real titles, topics and labels are far shorter.
 */
export const SHORT_TEXT_MAX = 200;
export const ShortText = z.string().min(1).max(SHORT_TEXT_MAX);
