/**
 * The naive-Bayes baseline, in the manner of Odoo's predictive lead scoring: for every
 * variable, the frequency of each of its values among won and among lost deals (Laplace
 * smoothing, α = 1), multiplied under the assumption that variables are independent given
 * the outcome: P(won | x) ∝ P(won) · Π P(xᵥ | won). Variables are discrete: for a
 * categorical or numeric attribute, which value or band the account had ("other" for the
 * pooled rest); for a rule or timing signal, whether it fired.
 *
 * Small and counting-only, so written here: ml-naivebayes offers Gaussian and multinomial
 * models, neither of which is this per-field categorical one.
 */
export interface NaiveBayesModel {
  /** log P(won) − log P(lost). */
  priorLogOdds: number;
  /** Per variable, per value: log P(value | won) − log P(value | lost). */
  logOdds: Map<string, Map<string, number>>;
  /** Per variable, the log-odds of a value never seen in training (smoothing alone). */
  unseen: Map<string, number>;
}

export type DiscreteRow = { values: ReadonlyMap<string, string>; won: boolean };

export function fitNaiveBayes(rows: readonly DiscreteRow[], variables: readonly string[]): NaiveBayesModel {
  const won = rows.filter((r) => r.won).length;
  const lost = rows.length - won;
  const logOdds = new Map<string, Map<string, number>>();
  const unseen = new Map<string, number>();
  for (const variable of variables) {
    const counts = new Map<string, { won: number; lost: number }>();
    for (const row of rows) {
      const value = row.values.get(variable) ?? "other";
      const c = counts.get(value) ?? { won: 0, lost: 0 };
      if (row.won) c.won++;
      else c.lost++;
      counts.set(value, c);
    }
    const k = counts.size + 1; // the values seen, plus room for one unseen
    const table = new Map<string, number>();
    for (const [value, c] of counts) table.set(value, Math.log((c.won + 1) / (won + k)) - Math.log((c.lost + 1) / (lost + k)));
    logOdds.set(variable, table);
    unseen.set(variable, Math.log(1 / (won + k)) - Math.log(1 / (lost + k)));
  }
  return { priorLogOdds: Math.log((won + 1) / (lost + 1)), logOdds, unseen };
}

export function predictNaiveBayes(model: NaiveBayesModel, values: ReadonlyMap<string, string>): number {
  let z = model.priorLogOdds;
  for (const [variable, table] of model.logOdds) z += table.get(values.get(variable) ?? "other") ?? model.unseen.get(variable) ?? 0;
  return 1 / (1 + Math.exp(-z));
}
