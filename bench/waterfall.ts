/**
 * The enrichment waterfall measured on the demo market (services/demo: the synthetic market of
 * `npm start`, seed ICP_DEMO_SEED or 1, ICP_DEMO_ACCOUNTS or 3000 accounts): how many
 * technographic and organisational enrichment calls the enterprise rubric's waterfall makes
 * against enriching every account first, and whether any account that would be Tier 1 by fit
 * with everything enriched is stopped early. Then the same pool at other floors and thresholds.
 *
 *   npm run bench:waterfall
 */
import { readFileSync } from "node:fs";
import { AccountProfile, formatWaterfallReport, parseRubric, waterfallReport } from "@icpstream/scoring";
import type { LoadedScorecard, WaterfallRules } from "@icpstream/scoring";
import { demoMarket } from "../services/demo/src/demo-market.js";

const seed = Number(process.env.ICP_DEMO_SEED ?? 1);
const accounts = Number(process.env.ICP_DEMO_ACCOUNTS ?? 3000);
const rubric = parseRubric(readFileSync(new URL("../rubrics/enterprise.yaml", import.meta.url), "utf8"), "rubrics/enterprise.yaml");
const card = rubric.scorecards.find((c) => c.waterfall !== undefined) as (LoadedScorecard & { waterfall: WaterfallRules }) | undefined;
if (!card) throw new Error("rubrics/enterprise.yaml has no scorecard with a waterfall section");
const market = demoMarket({ seed, accounts, clockStartMs: Date.parse("2026-11-29T00:00:00Z"), backfillDays: 90, liveDays: 0 });
const profiles = market.profiles.map((p) => AccountProfile.parse(p));

console.log(`demo market: seed ${seed}, ${profiles.length} accounts; rubric ${rubric.version.label ?? ""} @ ${rubric.version.hash.slice(0, 12)}`);
console.log(formatWaterfallReport(waterfallReport(profiles, card)).join("\n"));
console.log("\nother lines (floor / threshold → calls, ratio, Tier 1 accounts stopped early):");
for (const floor of [13, 16, 18, 20]) {
  for (const threshold of [50, 55, 60]) {
    const r = waterfallReport(profiles, { ...card, waterfall: { firmographicFloor: floor, organisationalThreshold: threshold } });
    console.log(`  floor ${floor} / threshold ${threshold}: ${r.totals.waterfall} calls vs ${r.totals.everything}, ${r.ratio}×, ${r.topTierMissed.count} of ${r.topTier.withEverything} Tier 1 stopped early`);
  }
}
