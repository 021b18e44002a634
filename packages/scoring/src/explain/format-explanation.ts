import { QUADRANT_LABELS } from "../combine/combine.js";
import { formatRubricVersion } from "../rubric/load-rubric.js";
import type { AccountScore } from "../score-account.js";
import type { Contribution, LayerResult } from "./contribution.js";
import type { BuyingCommittee } from "../contacts/buying-committee.js";
import { BUYING_ROLE_LABELS } from "../contacts/score-contact.js";
import type { BuyingRole } from "../rubric/rubric-schema.js";

/**
 * The human-readable explanation of one score: tier and why, then every layer with its
 * cap and every rule with its points and the input (event id, age, decay) behind it.
 */
const signed = (n: number) => `${n > 0 ? "+" : n < 0 ? "−" : " "}${Math.abs(n)}`;
const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));

function layerLines(layer: LayerResult, contributions: readonly Contribution[]): string[] {
  const bound = layer.max !== undefined ? ` of max ${layer.max}` : layer.min !== undefined ? ` (at most ${layer.min})` : "";
  const capped = layer.points !== layer.uncappedPoints ? `, capped from ${layer.uncappedPoints}` : "";
  const lines = [`    ${layer.id}: ${layer.points}${bound}${capped}`];
  const own = contributions.filter((c) => c.layer === layer.id);
  if (own.length === 0) lines.push("      (nothing matched)");
  for (const c of own) {
    const cap = c.points !== c.uncappedPoints ? (c.points === 0 ? ` (not applied: the ${layer.id} limit is reached; ${signed(c.uncappedPoints)} before it)` : ` (capped from ${c.uncappedPoints})`) : "";
    lines.push(`      ${pad(signed(c.points), 7)} ${c.label}${cap}  [${c.rule}]`);
    for (const e of c.evidence) {
      const when = e.eventId ? `  event ${e.eventId}, ${e.ageDays ?? "?"} d old${e.factor !== undefined && e.factor !== 1 ? `, ×${e.factor}` : ""}` : "";
      lines.push(`                ${e.description}${when}`);
    }
  }
  return lines;
}

/** The buying committee: coverage, roles with their holders, best contact, then each contact's score, rule by rule. */
export function committeeLines(committee: BuyingCommittee): string[] {
  const { held, of } = committee.coverage;
  const aside = [committee.setAside.left > 0 ? `${committee.setAside.left} left the account` : "", committee.setAside.overLimit > 0 ? `${committee.setAside.overLimit} over the limit` : ""].filter(Boolean);
  const lines = [`  Buying committee: ${committee.contacts.length} contact${committee.contacts.length === 1 ? "" : "s"}, ${held}/${of} roles held${aside.length > 0 ? ` (set aside: ${aside.join(", ")})` : ""}`];
  for (const [role, ids] of Object.entries(committee.roles) as [BuyingRole, string[]][]) lines.push(`    ${pad(BUYING_ROLE_LABELS[role], 20)} ${ids.length > 0 ? ids.join(", ") : "— none"}`);
  lines.push(committee.best ? `    best contact: ${committee.best.contactId}${committee.best.title ? ` (${committee.best.title})` : ""}, ${committee.best.score} points: ${committee.best.why}` : "    best contact: none");
  for (const c of committee.contacts) {
    lines.push(`    contact ${c.contactId}${c.title ? ` (${c.title})` : ""}: ${c.score} points${c.roles.length > 0 ? `, ${c.roles.map((r) => BUYING_ROLE_LABELS[r]).join(", ")}` : ""}  [record of ${c.occurredAt}]`);
    for (const x of c.contributions) {
      lines.push(`      ${pad(signed(x.points), 7)} ${x.label}  [${x.rule}]`);
      for (const e of x.evidence) lines.push(`                ${e.description}`);
    }
  }
  return lines;
}

export function formatExplanation(score: AccountScore, weights: Record<string, number>): string {
  const r = score.result;
  const formula = Object.keys(weights)
    .sort()
    .map((k) => `${k} ${r.components[k] ?? 0} × ${weights[k]}`)
    .join(" + ");
  const lines = [
    `${score.accountKey} — scorecard ${score.scorecard}, rubric ${formatRubricVersion(score.rubricVersion)}, as of ${score.asOf}`,
    `  ${r.tier.name} [${r.tier.id}]: ${r.tier.action}`,
    `  total ${r.total} = ${formula}`,
    `  quadrant: ${QUADRANT_LABELS[r.quadrant]}`,
  ];
  if (r.baseTier.id !== r.tier.id || r.adjustments.length > 0) {
    lines.push(`  base tier ${r.baseTier.name} (by total), fit-based tier ${r.fitTier.name} (by fit alone)`);
    for (const a of r.adjustments) lines.push(`    ${a.kind.replace(/_/g, " ")} ${a.from} → ${a.to}: ${a.reason}`);
  }
  lines.push(`  Fit ${score.fit.score} / 100 (${score.fit.points} of ${score.fit.outOf} points)`);
  for (const cap of score.fit.tierCaps) lines.push(`    TIER CAP: never above ${cap.tierId}: ${cap.reason}  [${cap.rule}]`);
  for (const e of score.fit.exclusions) lines.push(`    EXCLUDED: ${e.reason} (${e.input})  [${e.rule}]`);
  for (const layer of score.fit.layers) lines.push(...layerLines(layer, score.fit.contributions));
  if (score.fit.committee) lines.push(...committeeLines(score.fit.committee));
  const next = score.timing.nextChangeAt ? `; next change on its own at ${score.timing.nextChangeAt}` : "; will not change on its own";
  lines.push(`  Timing ${score.timing.score} / 100 (${score.timing.points} of ${score.timing.outOf} points${next})`);
  for (const s of score.timing.strongSignals) lines.push(`    strong intent: ${s.label}, ${s.description}, event ${s.eventId}, ${s.ageDays} d old, strong until ${s.strongUntil}  [${s.rule}]`);
  if (!score.timing.strongIntent) lines.push("    no fresh strong-intent signal");
  for (const d of score.timing.duplicates) lines.push(`    counted once: event ${d.eventId} is another sighting of ${d.duplicateOf}`);
  for (const layer of score.timing.layers) lines.push(...layerLines(layer, score.timing.contributions));
  return lines.join("\n");
}
