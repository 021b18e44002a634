import type { AccountProfile } from "../domain/account-profile.js";
import { scoreFit } from "../fit/fit-score.js";
import type { FitResult } from "../fit/fit-score.js";
import type { LoadedScorecard } from "../rubric/load-rubric.js";
import { combine } from "../combine/combine.js";
import { scoreTiming } from "../timing/timing-score.js";

/**
 * The enrichment waterfall (GTM article, "Automate enrichment": "filter by firmographics
 * first, then enrich deeper layers only for accounts that pass the floor … The waterfall
 * should be: firmographic check → pass/fail → if pass, enrich technographics → score → if
 * above threshold, enrich organisational signals … enriching everything first and scoring
 * second will cost three to five times more in Clay credits with no improvement in output
 * quality"). Pure: decisions from a profile and the scorecard's `waterfall` section.
 *
 * Steps, in order:
 * 1. firmographic check: a hard disqualifier, or fewer firmographic points than
 *    `firmographicFloor`, stops the account here (nothing is enriched);
 * 2. technographic enrichment, if the account's technographics are not enriched yet;
 * 3. score: fit from firmographics and technographics; at or above `organisationalThreshold`
 *    (0–100) the account's organisational data is enriched, else it stops here.
 */
export type EnrichmentStep = "technographic" | "organisational";

export interface WaterfallRules {
  /** Firmographic points (the layer's, after its cap) an account needs to be worth enriching further. */
  firmographicFloor: number;
  /** Fit (0–100) from firmographics and technographics at which organisational data is enriched. */
  organisationalThreshold: number;
}

export interface EnrichmentDecision {
  /** The next step to run, or null: the account stops where it is. */
  next: EnrichmentStep | null;
  /** Why, for people: `passed the firmographic floor (18 ≥ 12 points): enrich technographics`. */
  reason: string;
  /** Where it stands: `excluded`, `below_floor`, `needs_technographic`, `below_threshold`, `needs_organisational`, `complete`. */
  stage: "excluded" | "below_floor" | "needs_technographic" | "below_threshold" | "needs_organisational" | "complete";
  firmographicPoints: number;
  /** Fit from firmographics and technographics, once technographics are enriched. */
  fitBeforeOrganisational?: number;
}

/** What is known of an account: which steps have run (an enriched layer may still be empty: that is its answer). */
export interface EnrichedLayers {
  technographic: boolean;
  organisational: boolean;
}

const EMPTY_TECH = { technologies: [], competitorContracts: [] };
const EMPTY_ORG = { buyingRolesPresent: [] };

/** The profile as the waterfall sees it before a layer is enriched: that layer empty (unknown, not negative). */
export function withoutLayers(profile: AccountProfile, layers: { technographic?: boolean; organisational?: boolean }): AccountProfile {
  return {
    ...profile,
    ...(layers.technographic ? { technographics: EMPTY_TECH } : {}),
    ...(layers.organisational ? { organisational: EMPTY_ORG } : {}),
  };
}

const layerPoints = (fit: FitResult, id: string) => fit.layers.find((l) => l.id === id)?.points ?? 0;

/** The next enrichment step for one account (see the module comment). Throws nothing; pure. */
export function decideEnrichment(profile: AccountProfile, card: LoadedScorecard & { waterfall: WaterfallRules }, enriched: EnrichedLayers): EnrichmentDecision {
  const rules = card.waterfall;
  const firmographic = scoreFit(withoutLayers(profile, { technographic: true, organisational: true }), card);
  const firmographicPoints = layerPoints(firmographic, "firmographics");
  if (firmographic.excluded) {
    const why = firmographic.exclusions.map((e) => `${e.reason} (${e.input})`).join("; ");
    return { next: null, stage: "excluded", firmographicPoints, reason: `excluded by the firmographic check: ${why}; nothing to enrich` };
  }
  if (firmographicPoints < rules.firmographicFloor) {
    return { next: null, stage: "below_floor", firmographicPoints, reason: `below the firmographic floor (${firmographicPoints} < ${rules.firmographicFloor} points); nothing to enrich` };
  }
  if (!enriched.technographic) {
    return { next: "technographic", stage: "needs_technographic", firmographicPoints, reason: `passed the firmographic floor (${firmographicPoints} ≥ ${rules.firmographicFloor} points): enrich technographics` };
  }
  const scored = scoreFit(withoutLayers(profile, { organisational: true }), card).score;
  if (scored < rules.organisationalThreshold) {
    return { next: null, stage: "below_threshold", firmographicPoints, fitBeforeOrganisational: scored, reason: `fit ${scored} after technographics is below the threshold ${rules.organisationalThreshold}; organisational data not enriched` };
  }
  if (!enriched.organisational) {
    return { next: "organisational", stage: "needs_organisational", firmographicPoints, fitBeforeOrganisational: scored, reason: `fit ${scored} after technographics ≥ ${rules.organisationalThreshold}: enrich organisational signals` };
  }
  return { next: null, stage: "complete", firmographicPoints, fitBeforeOrganisational: scored, reason: "every layer is enriched" };
}

export interface WaterfallReport {
  scorecard: string;
  rules: WaterfallRules;
  accounts: number;
  /** Accounts per stage where the waterfall leaves them. */
  stoppedAt: { excluded: number; belowFloor: number; belowThreshold: number; complete: number };
  /** Enrichment calls per step: the waterfall's and enriching everything first. */
  calls: { waterfall: Record<EnrichmentStep, number>; everything: Record<EnrichmentStep, number> };
  totals: { waterfall: number; everything: number; saved: number };
  /** everything / waterfall (null when the waterfall makes no call). */
  ratio: number | null;
  /**
   * "No better output": accounts whose fit-based tier with every layer enriched is the top tier
   * (not excluded) but that the waterfall stopped before organisational data (their ids, at
   * most 20, and the count). Timing is left out: fit alone decides where enrichment is worth it.
   */
  topTierMissed: { count: number; accounts: string[] };
  topTier: { id: string; name: string; withEverything: number };
}

/**
 * The waterfall run over a pool of profiles whose every layer is known (a file of accounts):
 * for each, the calls the waterfall would have made — technographic for those that pass the
 * floor, organisational for those also at or above the threshold after technographics —
 * against enriching every account at every step first. Also counts the accounts whose
 * fit-based tier with everything enriched is the top tier but that the waterfall stopped
 * early: the price, if any, of the saving.
 */
export function waterfallReport(profiles: readonly AccountProfile[], card: LoadedScorecard & { waterfall: WaterfallRules }): WaterfallReport {
  const stoppedAt = { excluded: 0, belowFloor: 0, belowThreshold: 0, complete: 0 };
  const waterfall: Record<EnrichmentStep, number> = { technographic: 0, organisational: 0 };
  const missed: string[] = [];
  let topWithEverything = 0;
  const top = card.tiers[0];
  const noTiming = scoreTiming([], card, 0);
  for (const profile of profiles) {
    const first = decideEnrichment(profile, card, { technographic: false, organisational: false });
    let stage = first.stage;
    if (first.next === "technographic") {
      waterfall.technographic++;
      const second = decideEnrichment(profile, card, { technographic: true, organisational: false });
      stage = second.stage;
      if (second.next === "organisational") {
        waterfall.organisational++;
        stage = "complete";
      }
    }
    if (stage === "excluded") stoppedAt.excluded++;
    else if (stage === "below_floor") stoppedAt.belowFloor++;
    else if (stage === "below_threshold") stoppedAt.belowThreshold++;
    else stoppedAt.complete++;
    const fit = scoreFit(profile, card);
    const full = combine(fit, noTiming, card);
    if (top && !fit.excluded && full.fitTier.id === top.id) {
      topWithEverything++;
      if (stage !== "complete") missed.push(profile.accountKey);
    }
  }
  const everything: Record<EnrichmentStep, number> = { technographic: profiles.length, organisational: profiles.length };
  const totalWaterfall = waterfall.technographic + waterfall.organisational;
  const totalEverything = everything.technographic + everything.organisational;
  return {
    scorecard: card.id,
    rules: card.waterfall,
    accounts: profiles.length,
    stoppedAt,
    calls: { waterfall, everything },
    totals: { waterfall: totalWaterfall, everything: totalEverything, saved: totalEverything - totalWaterfall },
    ratio: totalWaterfall === 0 ? null : Math.round((totalEverything / totalWaterfall) * 100) / 100,
    topTierMissed: { count: missed.length, accounts: missed.sort().slice(0, 20) },
    topTier: { id: top?.id ?? "", name: top?.name ?? "", withEverything: topWithEverything },
  };
}

/** The report as lines for people. */
export function formatWaterfallReport(r: WaterfallReport): string[] {
  const pct = (n: number) => (r.accounts === 0 ? "0%" : `${Math.round((n / r.accounts) * 1000) / 10}%`);
  return [
    `Enrichment waterfall [${r.scorecard}]: ${r.accounts} accounts; floor ${r.rules.firmographicFloor} firmographic points, organisational threshold fit ${r.rules.organisationalThreshold}`,
    `  stopped at the firmographic check: ${r.stoppedAt.excluded} excluded, ${r.stoppedAt.belowFloor} below the floor (${pct(r.stoppedAt.excluded + r.stoppedAt.belowFloor)})`,
    `  stopped after technographics (fit below the threshold): ${r.stoppedAt.belowThreshold} (${pct(r.stoppedAt.belowThreshold)}); enriched at every step: ${r.stoppedAt.complete} (${pct(r.stoppedAt.complete)})`,
    `  calls        technographic  organisational  total`,
    `  waterfall    ${String(r.calls.waterfall.technographic).padStart(13)}  ${String(r.calls.waterfall.organisational).padStart(14)}  ${String(r.totals.waterfall).padStart(5)}`,
    `  everything   ${String(r.calls.everything.technographic).padStart(13)}  ${String(r.calls.everything.organisational).padStart(14)}  ${String(r.totals.everything).padStart(5)}`,
    `  saved ${r.totals.saved} calls (${r.totals.everything === 0 ? 0 : Math.round((r.totals.saved / r.totals.everything) * 1000) / 10}%): enriching everything first costs ${r.ratio === null ? "∞" : r.ratio}× the waterfall (GTM article: three to five times)`,
    `  ${r.topTier.name} by fit with everything enriched: ${r.topTier.withEverything} accounts, ${r.topTierMissed.count} of them stopped early by the waterfall${r.topTierMissed.count > 0 ? ` (${r.topTierMissed.accounts.join(", ")})` : ""}`,
  ];
}
