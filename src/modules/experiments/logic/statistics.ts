/**
 * The significance tests of the experiment report, implemented here (no statistics library):
 *
 * - Welch's t-test (unequal variances) for a difference of means, e.g. days to pay:
 *   t = (m₁ − m₂) / √(s₁²/n₁ + s₂²/n₂), degrees of freedom by the Welch–Satterthwaite equation,
 *   two-sided p = 2 · P(T_df > |t|), P from the Student t distribution through the regularized
 *   incomplete beta function: P(T > t) = ½ · I_{df/(df+t²)}(df/2, ½).
 * - The two-proportion z-test, e.g. share of accounts paid within N days:
 *   z = (p̂₁ − p̂₂) / √(p̂(1 − p̂)(1/n₁ + 1/n₂)) with the pooled p̂, two-sided p = 2 · Φ(−|z|).
 *
 * Numerics: ln Γ by the Lanczos approximation (g = 7, 9 coefficients, ~15 digits); the incomplete
 * beta by its continued fraction evaluated with the modified Lentz method (Numerical Recipes §6.4);
 * Φ through erfc by W. J. Cody's rational approximations (relative error < 1e-15). Unit tests check
 * them against SciPy's values.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function logGamma(x: number): number {
  if (x <= 0) throw new RangeError('logGamma needs x > 0');
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (LANCZOS[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) return h;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x < 0 || x > 1) throw new RangeError('regularizedBeta needs 0 ≤ x ≤ 1');
  if (x === 0 || x === 1) return x;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  return x < (a + 1) / (a + b + 2)
    ? (front * betaContinuedFraction(a, b, x)) / a
    : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with `df` degrees of freedom (df > 0, not necessarily whole). */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError('studentTCdf needs df > 0');
  const tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** erfc(x) by W. J. Cody, "Rational Chebyshev approximations for the error function" (1969). */
export function erfc(x: number): number {
  const ax = Math.abs(x);
  let result: number;
  if (ax < 0.5) {
    const a = [
      3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315,
    ];
    const b = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.2368334391704];
    const y = ax * ax;
    let num = (a[4] as number) * y;
    let den = y;
    for (let i = 0; i < 3; i++) {
      num = (num + (a[i] as number)) * y;
      den = (den + (b[i] as number)) * y;
    }
    const erf = (x * (num + (a[3] as number))) / (den + (b[3] as number));
    return 1 - erf;
  }
  if (ax < 4) {
    const c = [
      0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769,
      1712.0476126340707, 2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
    ];
    const d = [
      15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597,
      4362.619090143247, 3439.3676741437216, 1230.3393548037495,
    ];
    let num = (c[8] as number) * ax;
    let den = ax;
    for (let i = 0; i < 7; i++) {
      num = (num + (c[i] as number)) * ax;
      den = (den + (d[i] as number)) * ax;
    }
    result = (num + (c[7] as number)) / (den + (d[7] as number));
  } else {
    const p = [
      0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275,
      6.587491615298378e-4, 0.016315387137302097,
    ];
    const q = [
      2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918,
    ];
    const y = 1 / (ax * ax);
    let num = (p[5] as number) * y;
    let den = y;
    for (let i = 0; i < 4; i++) {
      num = (num + (p[i] as number)) * y;
      den = (den + (q[i] as number)) * y;
    }
    result = (y * (num + (p[4] as number))) / (den + (q[4] as number));
    result = (1 / Math.sqrt(Math.PI) - result) / ax;
  }
  // exp(−x²) split so that its rounding error does not grow with x.
  const xsq = Math.trunc(ax * 16) / 16;
  const del = (ax - xsq) * (ax + xsq);
  result *= Math.exp(-xsq * xsq) * Math.exp(-del);
  return x < 0 ? 2 - result : result;
}

/** Φ(x), the standard normal distribution function. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** Sample variance (n − 1 in the denominator). */
export function sampleVariance(xs: readonly number[]): number {
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
}

export interface WelchResult {
  readonly n1: number;
  readonly n2: number;
  readonly mean1: number;
  readonly mean2: number;
  /** mean1 − mean2 */
  readonly difference: number;
  readonly t: number;
  readonly df: number;
  /** Two-sided. */
  readonly p: number;
}

/** Welch's t-test of sample 1 against sample 2; null when either has fewer than 2 values or no variance at all. */
export function welchTTest(sample1: readonly number[], sample2: readonly number[]): WelchResult | null {
  const n1 = sample1.length;
  const n2 = sample2.length;
  if (n1 < 2 || n2 < 2) return null;
  const m1 = mean(sample1);
  const m2 = mean(sample2);
  const v1 = sampleVariance(sample1) / n1;
  const v2 = sampleVariance(sample2) / n2;
  if (v1 + v2 === 0) return null;
  const t = (m1 - m2) / Math.sqrt(v1 + v2);
  const df = (v1 + v2) ** 2 / (v1 ** 2 / (n1 - 1) + v2 ** 2 / (n2 - 1));
  const p = Math.min(1, 2 * studentTCdf(-Math.abs(t), df));
  return { n1, n2, mean1: m1, mean2: m2, difference: m1 - m2, t, df, p };
}

export interface ProportionResult {
  readonly x1: number;
  readonly n1: number;
  readonly x2: number;
  readonly n2: number;
  readonly p1: number;
  readonly p2: number;
  /** p1 − p2 */
  readonly difference: number;
  readonly z: number;
  /** Two-sided. */
  readonly p: number;
}

/** The pooled two-proportion z-test; null when a group is empty or the pooled share is 0 or 1. */
export function twoProportionZTest(x1: number, n1: number, x2: number, n2: number): ProportionResult | null {
  if (n1 === 0 || n2 === 0) return null;
  const pooled = (x1 + x2) / (n1 + n2);
  if (pooled === 0 || pooled === 1) return null;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return { x1, n1, x2, n2, p1, p2, difference: p1 - p2, z, p: Math.min(1, 2 * normalCdf(-Math.abs(z))) };
}
