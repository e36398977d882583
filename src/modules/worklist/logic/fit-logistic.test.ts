import { describe, expect, it } from 'vitest';
import { fitLogistic, solveLinear } from './fit-logistic.ts';

// Ten samples, two features; reference coefficients from scipy.optimize.minimize (BFGS, gtol 1e-10)
// on the same negative log-likelihood.
const X = [
  [0.5, 1.0],
  [1.5, 0.2],
  [2.0, -0.3],
  [3.1, 0.8],
  [0.2, -1.0],
  [2.7, 1.5],
  [1.1, 0.0],
  [3.5, -0.5],
  [0.9, 0.4],
  [2.2, 2.0],
];
const y = [0, 0, 1, 1, 0, 1, 0, 1, 1, 0];

describe('fitLogistic', () => {
  it('finds the maximum-likelihood coefficients', () => {
    const fit = fitLogistic(X, y);
    expect(fit.converged).toBe(true);
    expect(fit.coefficients[0]).toBeCloseTo(-3.5346011, 5);
    expect(fit.coefficients[1]).toBeCloseTo(2.44650345, 5);
    expect(fit.coefficients[2]).toBeCloseTo(-1.23808392, 5);
    expect(fit.logLikelihood).toBeCloseTo(-4.053869937880915, 8);
  });

  it('shrinks the coefficients, never the intercept, with a ridge penalty', () => {
    const fit = fitLogistic(X, y, { ridge: 1 });
    expect(fit.coefficients[0]).toBeCloseTo(-1.67651375, 5);
    expect(fit.coefficients[1]).toBeCloseTo(1.02933865, 5);
    expect(fit.coefficients[2]).toBeCloseTo(-0.27909438, 5);
  });

  it('recovers the coefficients that generated a large sample', () => {
    // mulberry32: a small, well-mixed PRNG, so the sample is the same on every run.
    let seed = 12345;
    const rand = () => {
      seed = (seed + 0x6d2b79f5) >>> 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const rows: number[][] = [];
    const out: number[] = [];
    for (let i = 0; i < 50000; i++) {
      const a = rand() * 4 - 2;
      const b = rand() < 0.3 ? 1 : 0;
      const p = 1 / (1 + Math.exp(-(-0.5 + 1.2 * a - 0.8 * b)));
      rows.push([a, b]);
      out.push(rand() < p ? 1 : 0);
    }
    const fit = fitLogistic(rows, out);
    expect(fit.coefficients[0]).toBeCloseTo(-0.5, 1);
    expect(fit.coefficients[1]).toBeCloseTo(1.2, 1);
    expect(fit.coefficients[2]).toBeCloseTo(-0.8, 1);
  });

  it('stays finite when a feature separates the classes, given a ridge', () => {
    const fit = fitLogistic([[0], [1], [2], [3]], [0, 0, 1, 1], { ridge: 0.5 });
    expect(fit.coefficients.every(Number.isFinite)).toBe(true);
    expect(fit.coefficients[1]).toBeGreaterThan(0);
  });

  it('refuses mismatched input', () => {
    expect(() => fitLogistic([], [])).toThrow(RangeError);
    expect(() => fitLogistic([[1]], [0, 1])).toThrow(RangeError);
  });
});

describe('solveLinear', () => {
  it('solves a system that needs pivoting', () => {
    const x = solveLinear(
      [
        [0, 2, 1],
        [1, 1, 1],
        [2, 1, 3],
      ],
      [7, 6, 13],
    );
    // 2y + z = 7, x + y + z = 6, 2x + y + 3z = 13 → x = 1, y = 2, z = 3
    expect(x[0]).toBeCloseTo(1, 12);
    expect(x[1]).toBeCloseTo(2, 12);
    expect(x[2]).toBeCloseTo(3, 12);
  });

  it('refuses a singular matrix', () => {
    expect(() =>
      solveLinear(
        [
          [1, 2],
          [2, 4],
        ],
        [1, 2],
      ),
    ).toThrow(/singular/);
  });
});
