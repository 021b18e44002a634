/**
 * The explanation model: every score lists the rules that contributed, their points
 * after decay and caps, and what triggered them.
 */

/** One input that triggered a rule: an attribute value or a signal. */
export interface Evidence {
  /** `industry = Computer Software`, `funding_round series_b`, … */
  description: string;
  eventId?: string;
  occurredAt?: string;
  /** Age of the signal at the as-of time, in days (two decimals). */
  ageDays?: number;
  /** Decay factor applied (1 = full points). */
  factor?: number;
  /** Points this input carried (after decay). */
  points: number;
}

export interface Contribution {
  /** Stable rule path, e.g. `firmographics.industry`, `timing.triggers.funding`. */
  rule: string;
  layer: string;
  label: string;
  /** Points after decay and the rule's own cap. Negative for deductions. */
  points: number;
  /** Points before the rule's cap (equal to `points` when the cap did not bite). */
  uncappedPoints: number;
  evidence: Evidence[];
}

/** A layer's subtotal, with the cap the rubric puts on it. */
export interface LayerResult {
  id: string;
  /** After the layer's min/max. */
  points: number;
  uncappedPoints: number;
  min: number | undefined;
  max: number | undefined;
  /** The layer as a 0–100 score (points over max), for layers with a positive max. */
  score: number | undefined;
}
