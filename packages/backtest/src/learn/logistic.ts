import { CholeskyDecomposition, Matrix } from "ml-matrix";
import { Z95 } from "../stats/proportions.js";
import type { Interval } from "../stats/proportions.js";

/**
 * L2-regularised (ridge) logistic regression fitted by iteratively reweighted least squares
 * (Newton–Raphson on the penalised log-likelihood), with the linear algebra — the Cholesky
 * solve and the covariance — done by ml-matrix.
 *
 * Why our own twenty lines of IRLS and not a regression package: the npm registry's
 * candidates were compared (2026-11): ml-logistic-regression 2.0 runs a fixed-rate gradient
 * ascent (50 000 steps by default) with no regularisation, no intercept handling and no
 * standard errors; glm 1.0 is an unregularised IRLS port last touched a decade ago;
 * @stdlib/ml-incr-sgd-regression is an online SGD with no covariance; @tensorflow/tfjs is a
 * large runtime with no intervals either. The report needs each coefficient's interval, so
 * it needs the penalised Hessian, which IRLS has at hand.
 *
 * Model: P(won) = σ(β₀ + Σ βⱼ xⱼ); minimise −log L + (λ/2) Σ_{j≥1} βⱼ² (the intercept is not
 * penalised, apart from a 1e-6 guard that keeps the system solvable when a class is rare).
 * Each step solves (XᵀWX + Λ) Δ = Xᵀ(y − μ) − Λβ, halving the step while the penalised
 * likelihood does not improve; it stops when no coefficient moves by more than 1e-8.
 * Intervals: β ± 1.96 · √diag((XᵀWX + Λ)⁻¹), the Wald interval of the penalised fit (the
 * Laplace approximation of the posterior under a Gaussian prior of variance 1/λ).
 * Rows are sparse: (feature index, value) pairs; cost per step ~ rows × nonzeros².
 */
export interface SparseRow {
  x: readonly { index: number; value: number }[];
  won: boolean;
}

export interface LogisticFit {
  intercept: number;
  coefficients: number[];
  /** 95% Wald intervals, intercept first. */
  interceptInterval: Interval;
  intervals: Interval[];
  standardErrors: number[];
  iterations: number;
  converged: boolean;
  l2: number;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
const INTERCEPT_GUARD = 1e-6;

export function predictLogistic(fit: Pick<LogisticFit, "intercept" | "coefficients">, x: SparseRow["x"]): number {
  let z = fit.intercept;
  for (const { index, value } of x) z += (fit.coefficients[index] ?? 0) * value;
  return sigmoid(z);
}

export function fitLogistic(rows: readonly SparseRow[], featureCount: number, options: { l2: number; maxIterations?: number }): LogisticFit {
  const p = featureCount + 1;
  const lambda = options.l2;
  const maxIterations = options.maxIterations ?? 100;
  let beta = new Float64Array(p);

  const objective = (b: Float64Array) => {
    let ll = 0;
    for (const row of rows) {
      let z = b[0] as number;
      for (const { index, value } of row.x) z += (b[index + 1] as number) * value;
      // log σ(z) and log(1 − σ(z)) without overflow
      ll += row.won ? -Math.log1p(Math.exp(-Math.abs(z))) + Math.min(z, 0) : -Math.log1p(Math.exp(-Math.abs(z))) - Math.max(z, 0);
    }
    let penalty = INTERCEPT_GUARD * (b[0] as number) ** 2;
    for (let j = 1; j < p; j++) penalty += lambda * (b[j] as number) ** 2;
    return ll - penalty / 2;
  };

  const system = (b: Float64Array) => {
    const hessian = new Float64Array(p * p);
    const gradient = new Float64Array(p);
    const idx: number[] = [];
    const val: number[] = [];
    for (const row of rows) {
      idx.length = 0;
      val.length = 0;
      idx.push(0);
      val.push(1);
      for (const { index, value } of row.x) {
        idx.push(index + 1);
        val.push(value);
      }
      let z = 0;
      for (let k = 0; k < idx.length; k++) z += (b[idx[k] as number] as number) * (val[k] as number);
      const mu = sigmoid(z);
      const w = mu * (1 - mu);
      const r = (row.won ? 1 : 0) - mu;
      for (let a = 0; a < idx.length; a++) {
        const ia = idx[a] as number;
        const va = val[a] as number;
        gradient[ia] = (gradient[ia] as number) + r * va;
        for (let c = a; c < idx.length; c++) {
          const ic = idx[c] as number;
          const lo = Math.min(ia, ic);
          const hi = Math.max(ia, ic);
          hessian[lo * p + hi] = (hessian[lo * p + hi] as number) + w * va * (val[c] as number);
        }
      }
    }
    const h = new Matrix(p, p);
    for (let i = 0; i < p; i++) {
      const penalty = i === 0 ? INTERCEPT_GUARD : lambda;
      for (let j = i; j < p; j++) {
        const v = (hessian[i * p + j] as number) + (i === j ? penalty : 0);
        h.set(i, j, v);
        h.set(j, i, v);
      }
      gradient[i] = (gradient[i] as number) - penalty * (b[i] as number);
    }
    return { h, gradient };
  };

  let iterations = 0;
  let converged = false;
  let current = objective(beta);
  while (iterations < maxIterations) {
    iterations++;
    const { h, gradient } = system(beta);
    const step = new CholeskyDecomposition(h).solve(Matrix.columnVector(Array.from(gradient))).getColumn(0);
    let scale = 1;
    let next = beta;
    let value = current;
    for (let halvings = 0; halvings < 30; halvings++) {
      next = beta.map((b, j) => b + scale * (step[j] as number));
      value = objective(next);
      if (value >= current - 1e-12) break;
      scale /= 2;
    }
    const moved = step.reduce((m, s) => Math.max(m, Math.abs(s * scale)), 0);
    beta = next;
    current = value;
    if (moved < 1e-8) {
      converged = true;
      break;
    }
  }

  const { h } = system(beta);
  const identity = Matrix.eye(p);
  const covariance = new CholeskyDecomposition(h).solve(identity);
  const se = Array.from({ length: p }, (_, j) => Math.sqrt(Math.max(0, covariance.get(j, j))));
  const interval = (j: number): Interval => ({ low: (beta[j] as number) - Z95 * (se[j] as number), high: (beta[j] as number) + Z95 * (se[j] as number) });
  return {
    intercept: beta[0] as number,
    coefficients: Array.from(beta.slice(1)),
    interceptInterval: interval(0),
    intervals: Array.from({ length: featureCount }, (_, j) => interval(j + 1)),
    standardErrors: se.slice(1),
    iterations,
    converged,
    l2: lambda,
  };
}
