/**
 * Logistic regression by iteratively reweighted least squares (Newton's method on the log-likelihood),
 * with an optional ridge penalty on the coefficients (never on the intercept) so that a feature that
 * separates the classes perfectly, or a thin sample, cannot drive a coefficient to infinity.
 *
 * Each step solves (XᵀWX + λI′) Δ = Xᵀ(y − p) − λI′β, W = diag(p(1 − p)), I′ the identity without the
 * intercept's entry; stops when the largest step is below `tolerance`.
 */

export interface LogisticFit {
  /** [intercept, β₁ … βₖ]. */
  readonly coefficients: number[];
  readonly iterations: number;
  readonly converged: boolean;
  /** Log-likelihood at the solution (without the penalty). */
  readonly logLikelihood: number;
}

export interface LogisticOptions {
  readonly ridge?: number;
  readonly maxIterations?: number;
  readonly tolerance?: number;
}

/** `rows[i]` are the features of sample i (without the intercept column); `y[i]` is 0 or 1. */
export function fitLogistic(
  rows: readonly (readonly number[])[],
  y: readonly number[],
  options: LogisticOptions = {},
): LogisticFit {
  if (rows.length === 0) throw new RangeError('fitLogistic needs at least one sample');
  if (rows.length !== y.length) throw new RangeError('fitLogistic: features and outcomes differ in length');
  const ridge = options.ridge ?? 0;
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-8;
  const k = (rows[0]?.length ?? 0) + 1;
  const beta = new Array<number>(k).fill(0);
  let iterations = 0;
  let converged = false;
  const x = new Array<number>(k);
  for (; iterations < maxIterations; iterations++) {
    const hessian = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    const gradient = new Array<number>(k).fill(0);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as readonly number[];
      x[0] = 1;
      for (let j = 1; j < k; j++) x[j] = row[j - 1] ?? 0;
      let z = 0;
      for (let j = 0; j < k; j++) z += (beta[j] as number) * (x[j] as number);
      const p = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
      const w = p * (1 - p);
      const r = (y[i] as number) - p;
      for (let a = 0; a < k; a++) {
        const xa = x[a] as number;
        gradient[a] = (gradient[a] as number) + xa * r;
        const ha = hessian[a] as number[];
        for (let b = a; b < k; b++) ha[b] = (ha[b] as number) + w * xa * (x[b] as number);
      }
    }
    for (let a = 0; a < k; a++) {
      const ha = hessian[a] as number[];
      for (let b = 0; b < a; b++) ha[b] = (hessian[b] as number[])[a] as number;
      if (a > 0) {
        ha[a] = (ha[a] as number) + ridge;
        gradient[a] = (gradient[a] as number) - ridge * (beta[a] as number);
      }
    }
    const step = solveLinear(hessian, gradient);
    let largest = 0;
    for (let j = 0; j < k; j++) {
      beta[j] = (beta[j] as number) + (step[j] as number);
      largest = Math.max(largest, Math.abs(step[j] as number));
    }
    if (largest < tolerance) {
      converged = true;
      iterations++;
      break;
    }
  }
  return { coefficients: beta, iterations, converged, logLikelihood: logLikelihood(rows, y, beta) };
}

function logLikelihood(rows: readonly (readonly number[])[], y: readonly number[], beta: readonly number[]) {
  let ll = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as readonly number[];
    let z = beta[0] ?? 0;
    for (let j = 0; j < row.length; j++) z += (beta[j + 1] ?? 0) * (row[j] ?? 0);
    // log(1 + e^z) computed without overflow.
    const softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    ll += (y[i] ?? 0) * z - softplus;
  }
  return ll;
}

/** Solves A·x = b by Gaussian elimination with partial pivoting (A is small and dense). */
export function solveLinear(a: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] as number]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++)
      if (Math.abs((m[r] as number[])[col] as number) > Math.abs((m[pivot] as number[])[col] as number))
        pivot = r;
    const top = m[pivot] as number[];
    if (Math.abs(top[col] as number) < 1e-12) throw new RangeError('solveLinear: the matrix is singular');
    [m[col], m[pivot]] = [top, m[col] as number[]];
    const row = m[col] as number[];
    for (let r = col + 1; r < n; r++) {
      const other = m[r] as number[];
      const f = (other[col] as number) / (row[col] as number);
      if (f === 0) continue;
      for (let c = col; c <= n; c++) other[c] = (other[c] as number) - f * (row[c] as number);
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    const row = m[r] as number[];
    let s = row[n] as number;
    for (let c = r + 1; c < n; c++) s -= (row[c] as number) * (x[c] as number);
    x[r] = s / (row[r] as number);
  }
  return x;
}
