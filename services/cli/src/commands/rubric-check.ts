import { formatRubricVersion, fullPointsWindow } from "@icpstream/scoring";
import type { Decay, Rubric, TimingRule } from "@icpstream/scoring";
import { Command, Option } from "commander";
import type { CliIo } from "../io.js";
import { loadRubric } from "../load.js";
import { runRubricDiff } from "../rubric-diff-run.js";
import type { RubricDiffOptions } from "../rubric-diff-run.js";
import { addInputOptions } from "./input-options.js";
import { addPromoteCommands } from "./rubric-promote.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];
const positiveInt = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive whole number, got "${value}"`);
  return n;
};

function decayText(decay: Decay): string {
  if (decay.kind === "step") return `step ${decay.steps.map((s) => (s.upToDays !== undefined ? `≤${s.upToDays}d ×${s.factor}` : `<${s.beforeDays}d ×${s.factor}`)).join(", ")}, then 0`;
  if (decay.kind === "half_life") return `half-life ${decay.halfLifeDays}d${decay.maxAgeDays ? `, 0 from ${decay.maxAgeDays}d` : ""}`;
  return decay.maxAgeDays ? `none, 0 from ${decay.maxAgeDays}d` : "none";
}

/** How long a strong rule's matches stay strong, in words: `14 d`, `the burst's 7 d`, `< 1 d (half-life)`. */
function strongWindowText(rule: TimingRule, decay: Decay): string {
  if (rule.strongWithinDays !== undefined) return `${rule.strongWithinDays} d`;
  if (rule.strong === "burst" && rule.burst) return `${rule.burst.withinDays} d from the burst's first signal`;
  const window = fullPointsWindow(decay);
  if (window === null) return "never";
  if (window.days === Infinity) return "always";
  return `${window.inclusive ? "≤" : "<"} ${window.days} d`;
}

export function rubricSummary(rubric: Rubric, path: string): string {
  const lines = [`${path}: valid — version ${formatRubricVersion(rubric.version)}`, `  hash ${rubric.version.hash}`];
  for (const card of rubric.scorecards) {
    lines.push(`  scorecard ${card.id}: ${card.name}`);
    const fitLayers = [
      card.fit.firmographics && `firmographics ≤${card.fit.firmographics.max}`,
      card.fit.technographics && `technographics ≤${card.fit.technographics.max}`,
      card.fit.organisational && `organisational ≤${card.fit.organisational.max}`,
      card.fit.antiIcp.soft && `anti-ICP −${card.fit.antiIcp.soft.max}`,
    ].filter(Boolean);
    lines.push(`    fit (out of ${card.fit.outOf}): ${fitLayers.join(", ")}; ${card.fit.antiIcp.hard.length} hard disqualifiers`);
    lines.push(`    timing (out of ${card.timing.outOf}), default decay ${decayText(card.timing.decay)}:`);
    for (const [id, layer] of Object.entries(card.timing.layers)) {
      const bound = [layer.max !== undefined ? `≤${layer.max}` : "", layer.min !== undefined ? `≥${layer.min}` : ""].filter(Boolean).join(" ");
      const reset = layer.resetAfterInactiveDays ? `, reset after ${layer.resetAfterInactiveDays}d inactive` : "";
      lines.push(`      ${id} ${bound}: ${layer.rules.map((r) => `${r.id} (${r.signal} ${r.points > 0 ? "+" : ""}${r.points})`).join(", ")}${layer.decay ? `; decay ${decayText(layer.decay)}` : ""}${reset}`);
      for (const rule of layer.rules) {
        const decay = rule.decay ?? layer.decay ?? card.timing.decay;
        if (rule.decay) lines.push(`        ${rule.id}: decay ${decayText(rule.decay)}`);
        if (rule.strong !== undefined) {
          const window = strongWindowText(rule, decay);
          const short = rule.strongWithinDays === undefined && rule.strong !== "burst" && decay.kind === "half_life";
          lines.push(`        ${rule.id}: strong intent while fresh (${window})${short ? " — warning: under a half-life only the first day has full points; set strongWithinDays" : ""}`);
        }
      }
    }
    lines.push(`    total = ${Object.entries(card.weights).map(([k, w]) => `${k} × ${w}`).join(" + ")}`);
    lines.push(`    tiers: ${card.tiers.map((t) => `${t.name} ≥${t.min}`).join(", ")}; ${card.excluded.name} for hard disqualifiers; healthy top tier ${card.topTierShare.min * 100}–${card.topTierShare.max * 100}% of the pool`);
    const caps = Object.entries(card.fit.antiIcp.soft?.deductions ?? {}).filter(([, d]) => d?.maxTier !== undefined);
    if (caps.length > 0) lines.push(`    tier caps: ${caps.map(([kind, d]) => `${kind} → at most ${d?.maxTier}`).join(", ")}`);
    const hold = card.holdWithoutTiming === false ? "off" : `fit ≥${card.holdWithoutTiming.minFit}`;
    lines.push(`    strong-intent lift ${card.strongIntentLift ? "on" : "off"}; hold at second tier without timing: ${hold}; quadrant at fit ${card.quadrant.fitHigh} / timing ${card.quadrant.timingHigh}`);
  }
  return `${lines.join("\n")}\n`;
}

export function rubricCommand(io: CliIo): Command {
  const rubric = new Command("rubric").description("work with rubric files");
  rubric
    .command("check")
    .description("validate a rubric file and print a summary")
    .argument("<file>", "rubric file (YAML or JSON)")
    .action(async (file: string) => {
      io.stdout(rubricSummary(await loadRubric(io, file), file));
    });
  const diff = rubric
    .command("diff")
    .description("the rules that differ between two rubric files, and which accounts would change tier under NEW and why")
    .argument("<old>", "the rubric in use (YAML or JSON)")
    .argument("<new>", "the candidate rubric")
    .option("-a, --accounts <file>", "accounts to score with both rubrics (.csv or .ndjson)")
    .option("-s, --signals <file>", "their signals; repeat for several", collect)
    .option("--as-of <instant>", "score as of this instant (2026-11-01 or ISO date-time); default now")
    .addOption(new Option("-f, --format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--limit <n>", "accounts shown in text (default 50)", positiveInt);
  addInputOptions(diff);
  diff.action(async (oldPath: string, newPath: string, options: RubricDiffOptions) => {
    await runRubricDiff(io, oldPath, newPath, options);
  });
  addPromoteCommands(rubric, io);
  return rubric;
}
