import { adjustmentReason } from "@icpstream/scoring";
import type { AccountScore, Contribution, Rubric } from "@icpstream/scoring";

/**
 * What changes between two rubric versions, before promoting one: the rules that differ
 * (every leaf of each scorecard as loaded — weights, thresholds, points, decay, bands — by
 * path) and the accounts that would change tier, each with why: the contributions whose points
 * differ, the tier adjustments that appear or go, or the thresholds alone when the total did
 * not move. Pure: the caller scores the same accounts and signals at one instant with both.
 */
export interface RuleChange {
  scorecard: string;
  /** `weights.fit`, `tiers.0.min`, `timing.layers.triggers.rules.0.points`… */
  path: string;
  /** JSON of the old and new values; undefined when absent on that side. */
  old?: string;
  next?: string;
}

export interface TierMove {
  accountKey: string;
  scorecard: string;
  from: { tier: string; name: string; rank: number; total: number };
  to: { tier: string; name: string; rank: number; total: number };
  /** up (to a better tier) or down. */
  direction: "up" | "down";
  /** Why, largest effect first. */
  why: string[];
}

export interface RubricDiff {
  rules: RuleChange[];
  moves: TierMove[];
  /** scorecard → "Tier 2 → Tier 1" → accounts. */
  matrix: Record<string, Record<string, number>>;
  /** Accounts scored on a scorecard both rubrics have, per scorecard. */
  compared: Record<string, number>;
}

function leaves(value: unknown, path: string, out: Map<string, string>): void {
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) out.set(path, JSON.stringify(value));
    for (const [key, child] of entries) leaves(child, path === "" ? key : `${path}.${key}`, out);
    return;
  }
  if (value !== undefined) out.set(path, JSON.stringify(value));
}

export function rubricRuleChanges(old: Rubric, next: Rubric): RuleChange[] {
  const changes: RuleChange[] = [];
  const ids = [...new Set([...old.scorecards.map((c) => c.id), ...next.scorecards.map((c) => c.id)])];
  for (const id of ids) {
    const a = old.scorecards.find((c) => c.id === id);
    const b = next.scorecards.find((c) => c.id === id);
    if (!a || !b) {
      changes.push({ scorecard: id, path: "(scorecard)", ...(a ? { old: "present" } : {}), ...(b ? { next: "present" } : {}) });
      continue;
    }
    const before = new Map<string, string>();
    const after = new Map<string, string>();
    leaves(a, "", before);
    leaves(b, "", after);
    for (const path of [...new Set([...before.keys(), ...after.keys()])].sort()) {
      const x = before.get(path);
      const y = after.get(path);
      if (x !== y) changes.push({ scorecard: id, path, ...(x !== undefined ? { old: x } : {}), ...(y !== undefined ? { next: y } : {}) });
    }
  }
  return changes;
}

const signed = (n: number) => `${n > 0 ? "+" : n < 0 ? "−" : "±"}${Math.abs(Math.round(n * 100) / 100)}`;

function contributionChanges(a: AccountScore, b: AccountScore): { text: string; weight: number }[] {
  const byRule = (s: AccountScore) => new Map<string, Contribution>([...s.fit.contributions, ...s.timing.contributions].map((c) => [c.rule, c]));
  const before = byRule(a);
  const after = byRule(b);
  const out: { text: string; weight: number }[] = [];
  for (const rule of new Set([...before.keys(), ...after.keys()])) {
    const x = before.get(rule);
    const y = after.get(rule);
    const p = x?.points ?? 0;
    const q = y?.points ?? 0;
    if (p === q) continue;
    const label = (y ?? x)?.label ?? rule;
    out.push({ text: `${label} ${signed(p)} → ${signed(q)} [${rule}]`, weight: Math.abs(q - p) });
  }
  return out;
}

function adjustmentTexts(s: AccountScore): Set<string> {
  return new Set(s.result.adjustments.map((a) => adjustmentReason(a) ?? a.kind));
}

/** Why an account's tier differs between its two scores, largest effect first (at most `limit`). */
export function whyTierMoved(a: AccountScore, b: AccountScore, limit = 6): string[] {
  const why: { text: string; weight: number }[] = [];
  if (a.result.total !== b.result.total) why.push({ text: `total ${a.result.total} → ${b.result.total}`, weight: Infinity });
  else why.push({ text: `total ${a.result.total} unchanged: the tier thresholds moved`, weight: Infinity });
  if (a.fit.excluded !== b.fit.excluded) why.push({ text: b.fit.excluded ? `now excluded: ${b.fit.exclusions.map((e) => e.reason).join("; ")}` : "no longer excluded", weight: 1e9 });
  const before = adjustmentTexts(a);
  const after = adjustmentTexts(b);
  for (const t of after) if (!before.has(t)) why.push({ text: `now: ${t}`, weight: 1e8 });
  for (const t of before) if (!after.has(t)) why.push({ text: `no longer: ${t}`, weight: 1e8 });
  why.push(...contributionChanges(a, b));
  return why.sort((x, y) => y.weight - x.weight).slice(0, limit).map((w) => w.text);
}

/** The accounts whose tier differs between the two scorings (matched by account and scorecard), and the counts of each move. */
export function rubricDiff(input: { old: Rubric; next: Rubric; oldScores: readonly AccountScore[]; nextScores: readonly AccountScore[] }): RubricDiff {
  const key = (s: AccountScore) => `${s.scorecard}\u0000${s.accountKey}`;
  const before = new Map(input.oldScores.map((s) => [key(s), s]));
  const moves: TierMove[] = [];
  const matrix: Record<string, Record<string, number>> = {};
  const compared: Record<string, number> = {};
  for (const b of input.nextScores) {
    const a = before.get(key(b));
    if (!a) continue;
    compared[b.scorecard] = (compared[b.scorecard] ?? 0) + 1;
    const from = a.result.tier;
    const to = b.result.tier;
    if (from.id === to.id) continue;
    const cell = `${from.name} → ${to.name}`;
    const row = (matrix[b.scorecard] ??= {});
    row[cell] = (row[cell] ?? 0) + 1;
    moves.push({
      accountKey: b.accountKey,
      scorecard: b.scorecard,
      from: { tier: from.id, name: from.name, rank: from.rank, total: a.result.total },
      to: { tier: to.id, name: to.name, rank: to.rank, total: b.result.total },
      direction: to.rank < from.rank ? "up" : "down",
      why: whyTierMoved(a, b),
    });
  }
  moves.sort((x, y) => (x.scorecard < y.scorecard ? -1 : x.scorecard > y.scorecard ? 1 : x.to.rank - y.to.rank || x.from.rank - y.from.rank || (x.accountKey < y.accountKey ? -1 : 1)));
  return { rules: rubricRuleChanges(input.old, input.next), moves, matrix, compared };
}
